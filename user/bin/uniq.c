/*
 * uniq: drop repeated adjacent lines.
 *
 * Usage: uniq [-c] [-d] [-u] [INPUT]
 *   -c  prefix each line with the number of times it occurred
 *   -d  print only lines that were repeated
 *   -u  print only lines that were not repeated
 *
 * Only adjacent lines are compared (sort first to count all duplicates:
 * `sort FILE | uniq -c`).  Reads INPUT or standard input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <quill/lines.h>

static int opt_count, opt_dups, opt_uniques;

/* Read one line (without its newline) into *buf; 0 at end of input. */
static void emit(const char *line, long count)
{
    if ((opt_dups && count < 2) || (opt_uniques && count > 1))
        return;
    if (opt_count)
        printf("%7ld %s\n", count, line);
    else
        printf("%s\n", line);
}

int main(int argc, char *argv[])
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'c')
                opt_count = 1;
            else if (*o == 'd')
                opt_dups = 1;
            else if (*o == 'u')
                opt_uniques = 1;
            else {
                fprintf(stderr, "usage: uniq [-c] [-d] [-u] [INPUT]\n");
                return 2;
            }
        }
    }
    FILE *f = stdin;
    if (i < argc && !(f = fopen(argv[i], "r"))) {
        fprintf(stderr, "uniq: %s: %s\n", argv[i], strerror(errno));
        return 1;
    }
    char *prev = NULL, *line = NULL;
    size_t prev_cap = 0, cap = 0;
    long count = 0;
    int r;
    while ((r = line_read(f, &line, &cap, NULL)) > 0) {
        if (count > 0 && !strcmp(line, prev)) {
            count++;
            continue;
        }
        if (count > 0)
            emit(prev, count);
        /* The new line becomes prev: swap the buffers. */
        char *t = prev;
        size_t tc = prev_cap;
        prev = line, prev_cap = cap;
        line = t, cap = tc;
        count = 1;
    }
    if (count > 0)
        emit(prev, count);
    if (r < 0) {
        fprintf(stderr, "uniq: out of memory\n");
        return 1;
    }
    return 0;
}
