/*
 * wc: count lines, words and bytes.
 *
 * Usage: wc [-l] [-w] [-c] [FILE...]
 *   -l lines, -w words, -c bytes; with none of them, all three.
 *
 * Output, one line per FILE (and a "total" line if there are several):
 *     LINES WORDS BYTES NAME
 * each count right-aligned in 7 columns after a space, as BSD wc prints it
 * (the OSTEP book's examples show that format).  With no FILE, reads stdin
 * and prints no name.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int show_lines, show_words, show_bytes;

struct counts {
    long lines, words, bytes;
};

static void print_counts(const struct counts *c, const char *name)
{
    if (show_lines)
        printf(" %7ld", c->lines);
    if (show_words)
        printf(" %7ld", c->words);
    if (show_bytes)
        printf(" %7ld", c->bytes);
    if (name)
        printf(" %s", name);
    printf("\n");
}

/* Count fd into *c; returns 0, or -1 on a read error. */
static int count(int fd, struct counts *c)
{
    char buf[4096];
    int in_word = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        c->bytes += n;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n')
                c->lines++;
            /* A word starts where a non-space follows a space. */
            if (isspace((unsigned char)buf[i]))
                in_word = 0;
            else if (!in_word) {
                in_word = 1;
                c->words++;
            }
        }
    }
    return n < 0 ? -1 : 0;
}

int main(int argc, char *argv[])
{
    int opt, status = 0;
    while ((opt = getopt(argc, argv, "lwc")) != -1) {
        if (opt == 'l')
            show_lines = 1;
        else if (opt == 'w')
            show_words = 1;
        else if (opt == 'c')
            show_bytes = 1;
        else {
            fprintf(stderr, "usage: wc [-lwc] [FILE...]\n");
            return 1;
        }
    }
    if (!show_lines && !show_words && !show_bytes)
        show_lines = show_words = show_bytes = 1;

    struct counts total = {0, 0, 0};
    if (optind == argc) {
        if (count(0, &total) < 0) {
            fprintf(stderr, "wc: stdin: %s\n", strerror(errno));
            return 1;
        }
        print_counts(&total, NULL);
        return 0;
    }
    for (int i = optind; i < argc; i++) {
        struct counts c = {0, 0, 0};
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0 || count(fd, &c) < 0) {
            fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            if (fd >= 0)
                close(fd);
            continue;
        }
        close(fd);
        print_counts(&c, argv[i]);
        total.lines += c.lines, total.words += c.words, total.bytes += c.bytes;
    }
    if (argc - optind > 1)
        print_counts(&total, "total");
    return status;
}
