/*
 * tail: print the last lines of files.
 *
 * Usage: tail [-n N] [FILE...]     (N defaults to 10; "-N" works too)
 *
 * The simple way: read the whole input into memory, then walk back from the
 * end counting newlines.  (A pipe cannot be read backwards, so even a real
 * tail has to keep what it read.)  With several FILEs, each is headed by
 * "==> FILE <==".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <quill/cmdline.h>

/* Read all of fd into a malloc'd buffer; returns its length or -1. */
static long slurp(int fd, char **out)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    ssize_t n;
    while (buf && (n = read(fd, buf + len, cap - len)) > 0) {
        len += n;
        if (len == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                free(buf);
            buf = bigger;
        }
    }
    if (!buf || n < 0) {
        free(buf);
        return -1;
    }
    *out = buf;
    return len;
}

/* Print the last n lines of fd; returns 0 or -1. */
static int tail(int fd, long n)
{
    char *buf;
    long len = slurp(fd, &buf);
    if (len < 0)
        return -1;
    long start = len;
    /* A final newline ends the last line; it does not start a new one. */
    if (n > 0 && start > 0 && buf[start - 1] == '\n')
        start--;
    while (start > 0 && n > 0) {
        if (buf[start - 1] == '\n')
            n--;
        if (n > 0)
            start--;
    }
    if (n > 0)
        start = 0; /* fewer than n lines: all of them */
    fwrite(buf + start, 1, len - start, stdout);
    free(buf);
    return 0;
}

int main(int argc, char *argv[])
{
    long n;
    int status = 0, i = cmdline_line_count(argc, argv, 10, &n);
    if (i < 0) {
        fprintf(stderr, "usage: tail [-n N] [FILE...]\n");
        return 1;
    }
    if (i == argc && tail(0, n) < 0) {
        fprintf(stderr, "tail: stdin: %s\n", strerror(errno));
        return 1;
    }
    for (int first = i; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd >= 0)
            cmdline_file_header(argc, argv, first, i);
        if (fd < 0 || tail(fd, n) < 0) {
            fprintf(stderr, "tail: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
        if (fd >= 0)
            close(fd);
    }
    return status;
}
