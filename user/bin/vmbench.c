/*
 * vmbench: the virtual-memory benchmarks of `make bench` (tests/bench.py runs
 * it at the shell, with a swap disk attached).  Each line is
 * "bench <name>: <value> <unit>", like the kernel's own benchmarks.
 *
 *   fork 1 MiB / 32 MiB   fork + child exit + wait of a parent with that much
 *                         touched heap (copy-on-write: about the same cost)
 *   minor fault           first touch of an anonymous page (demand-zero)
 *   major fault           first touch of a page of a file mapping (read in)
 *   swap out / in         a 16 MiB working set under a 64-frame memlimit:
 *                         writing it (pages go to swap), reading it back
 *   regions N             with N one-page regions below it (apart, so they
 *                         cannot merge): a minor fault in a 4 MiB region
 *                         and an msync of one of its pages (a region
 *                         lookup and nothing else), for N = 0 and 500
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <quill/syscall.h>
#include "abi/vminfo.h"

#define PAGE 4096L
#define MiB (1024L * 1024L)

static long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void bench_fork(long size, const char *name)
{
    char *heap = sbrk(size);
    if (heap == (char *)-1) {
        printf("bench %s: sbrk failed\n", name);
        return;
    }
    memset(heap, 1, size);
    const int n = 50;
    long t0 = now_ns();
    for (int i = 0; i < n; i++) {
        int pid = fork();
        if (pid == 0)
            _exit(0);
        waitpid(pid, NULL, 0);
    }
    long ns = now_ns() - t0;
    printf("bench %s: %ld us/fork (%d forks)\n", name, ns / n / 1000, n);
    sbrk(-size);
}

static void bench_minor(void)
{
    const long size = 16 * MiB;
    volatile char *p = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long t0 = now_ns();
    for (long off = 0; off < size; off += PAGE)
        p[off] = 1;
    long ns = now_ns() - t0;
    printf("bench minor fault: %ld ns/fault (%ld faults)\n", ns / (size / PAGE), size / PAGE);
    munmap((void *)p, size);
}

static void bench_major(void)
{
    const long size = 4 * MiB;
    int fd = open("/vmbench.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char *buf = malloc(64 * 1024);
    memset(buf, 7, 64 * 1024);
    for (long done = 0; done < size; done += 64 * 1024)
        write(fd, buf, 64 * 1024);
    fsync(fd);
    volatile char *p = mmap(0, size, PROT_READ, MAP_PRIVATE, fd, 0);
    long sum = 0, t0 = now_ns();
    for (long off = 0; off < size; off += PAGE)
        sum += p[off];
    long ns = now_ns() - t0;
    printf(
        "bench major fault: %ld ns/fault (%ld faults, file pages from the buffer cache or disk)\n",
        ns / (size / PAGE), size / PAGE);
    munmap((void *)p, size);
    close(fd);
    unlink("/vmbench.dat");
    free(buf);
    (void)sum;
}

static void bench_swap(void)
{
    struct vmstat vs;
    if (vmstat(&vs) != 0 || vs.swap_total == 0) {
        printf("bench swap: no swap disk\n");
        return;
    }
    int pid = fork();
    if (pid == 0) {
        const long size = 16 * MiB;
        if (memlimit(64, "clock") != 0)
            _exit(1);
        volatile char *p =
            mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        long t0 = now_ns();
        for (long off = 0; off < size; off += PAGE)
            p[off] = 1;
        long t1 = now_ns();
        long sum = 0;
        for (long off = 0; off < size; off += PAGE)
            sum += p[off];
        long t2 = now_ns();
        printf("bench swap out: %ld KiB/s\n", size / 1024 * 1000000000L / (t1 - t0));
        printf("bench swap in: %ld KiB/s (with as many pages out)\n",
               size / 1024 * 1000000000L / (t2 - t1));
        _exit(sum == size / PAGE ? 0 : 2);
    }
    waitpid(pid, NULL, 0);
}

#define REGION_BASE 0x40000000UL /* far from the program, its heap and its stack */
#define REGION_TARGET (REGION_BASE + 16 * MiB)

static void bench_regions(int n)
{
    const long size = 4 * MiB, syncs = 20000;
    for (int i = 0; i < n; i++)
        if (mmap((void *)(REGION_BASE + 2 * PAGE * i), PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
            printf("bench regions %d: mmap failed\n", n);
            return;
        }
    volatile char *p = mmap((void *)REGION_TARGET, size, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) {
        printf("bench regions %d: mmap failed\n", n);
        return;
    }
    long t0 = now_ns();
    for (long off = 0; off < size; off += PAGE)
        p[off] = 1;
    long t1 = now_ns();
    for (long i = 0; i < syncs; i++)
        msync((void *)p, PAGE, MS_ASYNC);
    long t2 = now_ns();
    printf("bench regions %d: %ld ns/fault, %ld ns/msync\n", n, (t1 - t0) / (size / PAGE),
           (t2 - t1) / syncs);
    munmap((void *)p, size);
    if (n)
        munmap((void *)REGION_BASE, 2 * PAGE * n);
}

int main(void)
{
    bench_fork(1 * MiB, "fork 1 MiB");
    bench_fork(32 * MiB, "fork 32 MiB");
    bench_minor();
    bench_major();
    bench_swap();
    bench_regions(0);
    bench_regions(500);
    bench_regions(0);
    printf("bench: vm done\n");
    return 0;
}
