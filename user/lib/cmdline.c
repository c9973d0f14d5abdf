/* Command-line helpers for the utilities (<quill/cmdline.h>). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <quill/cmdline.h>

/* A count: a decimal number >= 0 and nothing else; -1 if s is not one. */
static long parse_count(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    return (*s && !*end && n >= 0) ? n : -1;
}

int cmdline_line_count(int argc, char *argv[], long def, long *n)
{
    int i = 1;
    *n = def;
    if (i < argc && strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
        *n = parse_count(argv[i + 1]);
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
        *n = parse_count(argv[i] + 1);
        i++;
    }
    return *n < 0 ? -1 : i;
}

void cmdline_file_header(int argc, char *argv[], int first, int i)
{
    if (argc - first > 1)
        printf("%s==> %s <==\n", i > first ? "\n" : "", argv[i]);
    fflush(stdout);
}
