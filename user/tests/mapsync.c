/*
 * mapsync: does fsync make a shared mapping's stores durable?  The power-cut
 * test of tests/test_crash.py runs it in two boots.
 *
 *   mapsync write FILE PAGES   make FILE, PAGES pages of zeros, durable
 *                              (fsync); map it MAP_SHARED in this process and
 *                              in a child that opened it on its own; each
 *                              stores a pattern into its half of the pages
 *                              (the parent the even ones, the child the odd
 *                              ones), then the parent calls fsync(fd) once and
 *                              prints "mapsync: fsynced".  Both then wait with
 *                              their mappings (and dirty pages' D bits, had
 *                              fsync left them) in place, for the power cut.
 *   mapsync check FILE PAGES   read FILE and print "mapsync: FILE intact", or
 *                              "mapsync: FILE BAD page N" for the first page
 *                              that lacks its pattern.
 *
 * No write() ever carries the pattern: only the mappings' stores do, so the
 * pattern is on the disk after the cut only if fsync wrote those pages back
 * and committed them (boot with a long commit_ms, so that the commit thread
 * does not do it in between).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static void die(const char *what)
{
    printf("mapsync: %s failed\n", what);
    exit(1);
}

/* The byte at offset i of page p. */
static unsigned char pattern_at(long p, long i)
{
    return (unsigned char)(p * 31 + i * 7 + 1);
}

/* Map FILE shared and store the pattern into the pages of parity `odd`. */
static char *store_half(const char *file, long pages, int odd, int *fdp)
{
    int fd = open(file, O_RDWR);
    if (fd < 0)
        die("open");
    char *m = mmap(0, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        die("mmap");
    for (long p = odd; p < pages; p += 2)
        for (long i = 0; i < PAGE; i++)
            m[p * PAGE + i] = (char)pattern_at(p, i);
    *fdp = fd;
    return m;
}

static void __attribute__((noreturn)) do_write(const char *file, long pages)
{
    int fd = open(file, O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0)
        die("create");
    static char zero[PAGE];
    for (long p = 0; p < pages; p++)
        if (write(fd, zero, PAGE) != PAGE)
            die("write");
    if (fsync(fd) != 0)
        die("fsync of the zeros");
    close(fd);
    int ready[2];
    if (pipe(ready) != 0)
        die("pipe");
    int child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        int cfd;
        store_half(file, pages, 1, &cfd);
        close(ready[0]);
        close(ready[1]); /* tells the parent: stored */
        for (;;)
            pause();
    }
    close(ready[1]);
    char c;
    if (read(ready[0], &c, 1) != 0)
        die("waiting for the child");
    int pfd;
    store_half(file, pages, 0, &pfd);
    if (fsync(pfd) != 0)
        die("fsync");
    printf("mapsync: fsynced\n");
    fflush(stdout);
    for (;;)
        pause();
}

static int do_check(const char *file, long pages)
{
    int fd = open(file, O_RDONLY);
    if (fd < 0)
        die("open");
    static unsigned char buf[PAGE];
    for (long p = 0; p < pages; p++) {
        if (read(fd, buf, PAGE) != PAGE) {
            printf("mapsync: %s BAD page %ld (short)\n", file, p);
            return 1;
        }
        for (long i = 0; i < PAGE; i++)
            if (buf[i] != pattern_at(p, i)) {
                printf("mapsync: %s BAD page %ld\n", file, p);
                return 1;
            }
    }
    printf("mapsync: %s intact\n", file);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 || atol(argv[3]) <= 0) {
        fprintf(stderr, "usage: mapsync write|check FILE PAGES\n");
        return 2;
    }
    long pages = atol(argv[3]);
    if (strcmp(argv[1], "write") == 0)
        do_write(argv[2], pages);
    if (strcmp(argv[1], "check") == 0)
        return do_check(argv[2], pages);
    fprintf(stderr, "usage: mapsync write|check FILE PAGES\n");
    return 2;
}
