/*
 * head: print the first lines of files.
 *
 * Usage: head [-n N] [FILE...]     (N defaults to 10; "-N" works too)
 *
 * With several FILEs, each is headed by "==> FILE <==".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy the first n lines of f to stdout. */
static void head(FILE *f, long n)
{
    int c;
    while (n > 0 && (c = getc(f)) != EOF) {
        putchar(c);
        if (c == '\n')
            n--;
    }
}

/* Parse a line count; returns -1 if s is not a number >= 0. */
static long parse_count(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    return (*s && !*end && n >= 0) ? n : -1;
}

int main(int argc, char *argv[])
{
    long n = 10;
    int i = 1, status = 0;
    if (i < argc && strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
        n = parse_count(argv[i + 1]);
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
        n = parse_count(argv[i] + 1); /* the old form: head -5 */
        i++;
    }
    if (n < 0) {
        fprintf(stderr, "usage: head [-n N] [FILE...]\n");
        return 1;
    }
    if (i == argc)
        head(stdin, n);
    for (int first = i; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            fprintf(stderr, "head: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        if (argc - first > 1)
            printf("%s==> %s <==\n", i > first ? "\n" : "", argv[i]);
        head(f, n);
        fclose(f);
    }
    return status;
}
