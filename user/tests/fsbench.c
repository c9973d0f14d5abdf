/*
 * fsbench [n]: the file-system loops of docs/performance.md ("File system"),
 * timed with clock_gettime.  Under `qemu -icount shift=0` a guest instruction
 * is one nanosecond of virtual time, so the figures are icount units per
 * operation (idle time waiting for the disk included).
 *
 *   create+write 64 B+close+unlink   n times (default 200), per operation
 *   sequential write                 1 MiB in 4 KiB calls, per KiB; then
 *                                    the same with the fsync that ends it
 *   sequential read                  the 1 MiB back in 4 KiB calls, per KiB
 *   read 4 KiB / 1 byte, lseek       one call each, at offset 0 (what a
 *                                    call costs beyond the copy)
 *
 * Each loop starts after a sync, so it does not pay for an earlier one's commit.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BIG "/fsbench.big"
#define SMALL "/fsbench.small"
#define CALLS 256 /* 4 KiB calls: 1 MiB */

static char buf[4096];

static long long now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int fail(const char *what)
{
    printf("fsbench: %s failed\n", what);
    return 1;
}

static int small_files(int n)
{
    long long step[4] = {0}; /* open(O_CREAT), write, close, unlink */
    sync();
    long long t0 = now();
    for (int i = 0; i < n; i++) {
        long long a = now();
        int fd = open(SMALL, O_CREAT | O_WRONLY | O_TRUNC, 0644);
        long long b = now();
        if (fd < 0 || write(fd, buf, 64) != 64)
            return fail("create+write");
        long long c = now();
        close(fd);
        long long d = now();
        if (unlink(SMALL) != 0)
            return fail("unlink");
        long long e = now();
        step[0] += b - a, step[1] += c - b, step[2] += d - c, step[3] += e - d;
    }
    printf("fsbench create+write 64 B+close+unlink: %lld per op (create %lld, write %lld, close "
           "%lld, unlink %lld)\n",
           (now() - t0) / n, step[0] / n, step[1] / n, step[2] / n, step[3] / n);
    return 0;
}

static int sequential(void)
{
    sync();
    int fd = open(BIG, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return fail("open");
    long long t0 = now();
    for (int i = 0; i < CALLS; i++)
        if (write(fd, buf, sizeof(buf)) != sizeof(buf))
            return fail("write");
    long long t1 = now();
    fsync(fd);
    long long t2 = now();
    close(fd);
    printf("fsbench sequential write: %lld per KiB, %lld with the fsync that ends it\n",
           (t1 - t0) / (CALLS * 4), (t2 - t0) / (CALLS * 4));
    sync();
    fd = open(BIG, O_RDONLY);
    t0 = now();
    for (int i = 0; i < CALLS; i++)
        if (read(fd, buf, sizeof(buf)) != sizeof(buf))
            return fail("read");
    printf("fsbench sequential read: %lld per KiB\n", (now() - t0) / (CALLS * 4));
    close(fd);
    return 0;
}

static int per_call(void)
{
    int fd = open(BIG, O_RDONLY);
    long long t0 = now();
    for (int i = 0; i < CALLS; i++)
        lseek(fd, 0, SEEK_SET);
    long long seek = (now() - t0) / CALLS;
    t0 = now();
    for (int i = 0; i < CALLS; i++)
        pread(fd, buf, sizeof(buf), 0);
    long long page = (now() - t0) / CALLS;
    t0 = now();
    for (int i = 0; i < CALLS; i++)
        pread(fd, buf, 1, 0);
    long long byte = (now() - t0) / CALLS;
    close(fd);
    printf("fsbench per call: pread 4 KiB %lld, pread 1 byte %lld, lseek %lld\n", page, byte, seek);
    return unlink(BIG) == 0 ? 0 : fail("unlink");
}

int main(int argc, char *argv[])
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    memset(buf, 'q', sizeof(buf));
    if (n < 1 || small_files(n) || sequential() || per_call())
        return 1;
    return 0;
}
