/*
 * sort: sort lines of text.
 *
 * Usage: sort [-r] [-n] [-u] [FILE...]
 *   -r  reverse the order
 *   -n  compare by the number at the start of each line (then as text)
 *   -u  print only the first of each run of equal lines
 *
 * Reads every FILE (or standard input) into memory, sorts all the lines
 * together (bytewise, like LC_ALL=C) and prints them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <quill/lines.h>

static int opt_reverse, opt_numeric, opt_unique;

struct lines {
    char **v;
    size_t n, cap;
};

static int add_line(struct lines *l, const char *s, size_t len)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? 2 * l->cap : 64;
        char **bigger = realloc(l->v, ncap * sizeof(char *));
        if (!bigger)
            return -1;
        l->v = bigger, l->cap = ncap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    l->v[l->n++] = copy;
    return 0;
}

/* Read every line of f (of any length); -1 when out of memory. */
static int read_lines(FILE *f, struct lines *l)
{
    char *buf = NULL;
    size_t cap = 0, len;
    int r;
    while ((r = line_read(f, &buf, &cap, &len)) > 0 && add_line(l, buf, len) == 0)
        ;
    free(buf);
    return r == 0 ? 0 : -1;
}

static int compare(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int r = 0;
    if (opt_numeric) {
        double dx = strtod(x, NULL), dy = strtod(y, NULL);
        r = dx < dy ? -1 : dx > dy ? 1 : 0;
    }
    if (r == 0)
        r = strcmp(x, y);
    return opt_reverse ? -r : r;
}

int main(int argc, char *argv[])
{
    struct lines l = {0};
    int i = 1, status = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'r')
                opt_reverse = 1;
            else if (*o == 'n')
                opt_numeric = 1;
            else if (*o == 'u')
                opt_unique = 1;
            else {
                fprintf(stderr, "usage: sort [-r] [-n] [-u] [FILE...]\n");
                return 2;
            }
        }
    }
    if (i == argc && read_lines(stdin, &l) < 0)
        goto out_nomem;
    for (; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            fprintf(stderr, "sort: %s: %s\n", argv[i], strerror(errno));
            status = 2;
            continue;
        }
        int err = read_lines(f, &l);
        fclose(f);
        if (err < 0)
            goto out_nomem;
    }
    qsort(l.v, l.n, sizeof(char *), compare);
    for (size_t k = 0; k < l.n; k++)
        if (!opt_unique || k == 0 || compare(&l.v[k - 1], &l.v[k]) != 0)
            printf("%s\n", l.v[k]);
    return status;
out_nomem:
    fprintf(stderr, "sort: out of memory\n");
    return 2;
}
