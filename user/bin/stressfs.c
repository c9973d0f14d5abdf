/*
 * stressfs: a file-system load generator and checker.
 *
 * Usage: stressfs [-p PROCS] [-n ROUNDS] [-s BYTES] [-d DIR]
 *   -p  number of child processes, working at the same time (default 4)
 *   -n  rounds per child (default 20)
 *   -s  bytes per file (default 8192)
 *   -d  directory to work in (default ".")
 *
 * Each child, in every round, writes a file DIR/stressfs.<child>.<round % 4>
 * with a pattern unique to (child, round, offset), reads it back, checks
 * every byte, and unlinks it.  The parent waits for all children and prints
 *
 *     stressfs: 4 procs x 20 rounds x 8192 bytes: ok
 *
 * or "... FAILED (N of PROCS children)" and exits 1 if any byte, size or
 * call was wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int nprocs = 4, nrounds = 20;
static long fsize = 8192;
static const char *dir = ".";

/* The byte that belongs at offset off of the file of (child, round). */
static unsigned char pattern(int child, int round, long off)
{
    return (unsigned char)(child * 31 + round * 7 + off + (off >> 8));
}

/* Write the whole file in chunks of odd sizes (to cross block boundaries). */
static int write_file(const char *path, int child, int round, unsigned char *buf)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "stressfs: %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (long off = 0; off < fsize;) {
        long n = fsize - off < 1000 ? fsize - off : 1000;
        for (long i = 0; i < n; i++)
            buf[i] = pattern(child, round, off + i);
        if (write(fd, buf, n) != n) {
            fprintf(stderr, "stressfs: write %s: %s\n", path, strerror(errno));
            close(fd);
            return 1;
        }
        off += n;
    }
    return close(fd) < 0;
}

/* Read the file back and compare every byte; returns the number of errors. */
static int check_file(const char *path, int child, int round, unsigned char *buf)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "stressfs: %s: %s\n", path, strerror(errno));
        return 1;
    }
    long off = 0;
    ssize_t n;
    int errors = 0;
    while ((n = read(fd, buf, 4096)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] != pattern(child, round, off + i) && errors++ == 0)
                fprintf(stderr, "stressfs: %s: wrong byte at offset %ld\n", path, off + i);
        }
        off += n;
    }
    if (n < 0 || off != fsize) {
        fprintf(stderr, "stressfs: %s: read %ld of %ld bytes%s%s\n", path, off, fsize,
                n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
        errors++;
    }
    close(fd);
    return errors;
}

/* One child's work; its exit status is 1 if anything went wrong. */
static int child_main(int child)
{
    unsigned char *buf = malloc(4096);
    int errors = 0;
    if (!buf)
        return 1;
    for (int round = 0; round < nrounds; round++) {
        char path[256];
        snprintf(path, sizeof path, "%s/stressfs.%d.%d", dir, child, round % 4);
        if (write_file(path, child, round, buf) != 0) {
            errors++;
            continue;
        }
        errors += check_file(path, child, round, buf);
        if (unlink(path) < 0) {
            fprintf(stderr, "stressfs: unlink %s: %s\n", path, strerror(errno));
            errors++;
        }
    }
    free(buf);
    return errors > 0;
}

static int parse_options(int argc, char *argv[])
{
    int c;
    while ((c = getopt(argc, argv, "p:n:s:d:")) != -1) {
        switch (c) {
        case 'p':
            nprocs = atoi(optarg);
            break;
        case 'n':
            nrounds = atoi(optarg);
            break;
        case 's':
            fsize = atol(optarg);
            break;
        case 'd':
            dir = optarg;
            break;
        default:
            return -1;
        }
    }
    return (nprocs > 0 && nrounds > 0 && fsize >= 0 && optind == argc) ? 0 : -1;
}

int main(int argc, char *argv[])
{
    if (parse_options(argc, argv) < 0) {
        fprintf(stderr, "usage: stressfs [-p PROCS] [-n ROUNDS] [-s BYTES] [-d DIR]\n");
        return 1;
    }
    int failed = 0, started = 0;
    fflush(stdout);
    for (int i = 0; i < nprocs; i++) {
        int pid = fork();
        if (pid == 0)
            _exit(child_main(i));
        if (pid < 0) {
            fprintf(stderr, "stressfs: fork: %s\n", strerror(errno));
            failed++;
            break;
        }
        started++;
    }
    for (int i = 0; i < started; i++) {
        int status;
        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    }
    printf("stressfs: %d procs x %d rounds x %ld bytes: ", nprocs, nrounds, fsize);
    if (failed)
        printf("FAILED (%d of %d children)\n", failed, nprocs);
    else
        printf("ok\n");
    return failed != 0;
}
