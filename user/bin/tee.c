/*
 * tee: copy standard input to standard output and to files.
 *
 * Usage: tee [-a] [FILE...]
 *   -a  append to the FILEs instead of truncating them
 *
 * Exit status 1 if a FILE could not be opened or written (the others still
 * get the data).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write all of buf to fd; 0 or -1. */
static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w <= 0)
            return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    int first = 1, flags = O_WRONLY | O_CREAT | O_TRUNC, status = 0;
    if (argc > 1 && !strcmp(argv[1], "-a"))
        first = 2, flags = O_WRONLY | O_CREAT | O_APPEND;
    int nfd = argc - first + 1;
    int *fds = malloc(nfd * sizeof(int));
    if (!fds) {
        fprintf(stderr, "tee: out of memory\n");
        return 1;
    }
    fds[0] = 1;
    for (int i = first; i < argc; i++) {
        fds[i - first + 1] = open(argv[i], flags, 0644);
        if (fds[i - first + 1] < 0) {
            fprintf(stderr, "tee: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    char buf[512];
    ssize_t n;
    while ((n = read(0, buf, sizeof(buf))) > 0) {
        for (int i = 0; i < nfd; i++) {
            if (fds[i] >= 0 && write_all(fds[i], buf, (size_t)n) < 0) {
                fprintf(stderr, "tee: %s: %s\n", i ? argv[first + i - 1] : "stdout",
                        strerror(errno));
                fds[i] = -1;
                status = 1;
            }
        }
    }
    for (int i = 1; i < nfd; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    return n < 0 ? 1 : status;
}
