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

#include <quill/cmdline.h>

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

int main(int argc, char *argv[])
{
    long n;
    int status = 0, i = cmdline_line_count(argc, argv, 10, &n);
    if (i < 0) {
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
        cmdline_file_header(argc, argv, first, i);
        head(f, n);
        fclose(f);
    }
    return status;
}
