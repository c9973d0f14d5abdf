/*
 * vmbench: the virtual-memory rows of `make bench` (tests/bench.py runs it
 * after bench, at the shell of a machine with a swap disk).  The command
 * line and the output are bench's (<quill/benchrow.h>):
 *
 *   vmbench [-l] [-n OPS] [ROW...]
 *
 *   fork1m / fork32m   fork() of a parent with 1 or 32 MiB of touched heap,
 *                      until it returns in the parent (the child, which
 *                      blocks reading a pipe, may run first: its return
 *                      from fork counts too)
 *   exit1m / exit32m   the same child's end: the parent writes the pipe,
 *                      the child _exits and the parent's waitpid returns
 *   cowfault           a write to a page shared with a child after fork
 *                      (copy-on-write: the page is copied)
 *   majfault           first touch of a page of a private file mapping
 *                      (read in from the file, through the buffer cache)
 *   swapout / swapin   a 16 MiB working set under a 64-frame memlimit:
 *                      writing it (each page pushes an older one to swap),
 *                      then reading it back (each page read in pushes
 *                      another out); per page
 *   msync0 / msync500  msync of one page of a 4 MiB region with 0 or 500
 *                      one-page regions below it (a region lookup)
 *   fault500           a minor fault in that region with 500 regions below
 *                      (bench's `fault` row is the one with none)
 *
 * Copy-on-write makes fork32m cost about what fork1m does plus the
 * page-table pages; the rows show how far that holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <quill/benchrow.h>
#include <quill/syscall.h>
#include "abi/vminfo.h"

#define PAGE 4096L
#define MiB (1024L * 1024L)

/* ---- fork and exit of a parent with `size` bytes of touched heap ---- */

/* One fork + child exit; *fork_m times the fork, *exit_m the child's end. */
static int fork_once(struct bench_sample *fork_m, struct bench_sample *exit_m)
{
    int p[2];
    char c = 0;
    if (pipe(p) != 0)
        return -1;
    bench_start(fork_m);
    pid_t pid = fork();
    if (pid == 0) {
        read(p[0], &c, 1);
        _exit(0);
    }
    bench_stop(fork_m);
    close(p[0]);
    if (pid < 0) {
        close(p[1]);
        return -1;
    }
    bench_start(exit_m);
    write(p[1], &c, 1);
    int ok = waitpid(pid, NULL, 0) == pid;
    bench_stop(exit_m);
    close(p[1]);
    return ok ? 0 : -1;
}

/* ops forks of a parent with size bytes touched; the row's part into *m. */
static long fork_rows(long size, long ops, struct bench_sample *m, bool time_exit)
{
    struct bench_sample other = {0, 0, 0, 0};
    char *heap = sbrk(size);
    if (heap == (char *)-1)
        return -1;
    memset(heap, 1, size);
    long done = 0;
    while (done < ops && fork_once(time_exit ? &other : m, time_exit ? m : &other) == 0)
        done++;
    sbrk(-size);
    return done == ops ? ops : -1;
}

static long run_fork1m(long ops, struct bench_sample *m)
{
    return fork_rows(1 * MiB, ops, m, false);
}

static long run_exit1m(long ops, struct bench_sample *m)
{
    return fork_rows(1 * MiB, ops, m, true);
}

static long run_fork32m(long ops, struct bench_sample *m)
{
    return fork_rows(32 * MiB, ops, m, false);
}

static long run_exit32m(long ops, struct bench_sample *m)
{
    return fork_rows(32 * MiB, ops, m, true);
}

/* ---- faults ---- */

/* ops pages written before a fork, then written again by the parent while
 * the child (blocked on a pipe) still shares them: one copy each. */
static long run_cowfault(long ops, struct bench_sample *m)
{
    volatile char *p =
        mmap(0, ops * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int fd[2];
    char c = 0;
    if (p == MAP_FAILED || pipe(fd) != 0)
        return -1;
    for (long i = 0; i < ops; i++)
        p[i * PAGE] = 1;
    pid_t pid = fork();
    if (pid == 0) {
        read(fd[0], &c, 1);
        _exit(0);
    }
    bench_start(m);
    for (long i = 0; i < ops; i++)
        p[i * PAGE] = 2;
    bench_stop(m);
    write(fd[1], &c, 1);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    close(fd[0]);
    close(fd[1]);
    munmap((void *)p, ops * PAGE);
    return pid > 0 ? ops : -1;
}

#define MAJ_FILE "/vmbench.dat"

static int write_file(int fd, long size)
{
    static char buf[64 * 1024];
    memset(buf, 7, sizeof(buf));
    for (long done = 0; done < size; done += (long)sizeof(buf))
        if (write(fd, buf, sizeof(buf)) != (long)sizeof(buf))
            return -1;
    return fsync(fd);
}

static long run_majfault(long ops, struct bench_sample *m)
{
    long size = ops * PAGE, sum = 0;
    int fd = open(MAJ_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    volatile char *p = MAP_FAILED;
    if (write_file(fd, (size + 0xffff) & ~0xffffL) == 0)
        p = mmap(0, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p != MAP_FAILED) {
        bench_start(m);
        for (long off = 0; off < size; off += PAGE)
            sum += p[off];
        bench_stop(m);
        munmap((void *)p, size);
    }
    close(fd);
    unlink(MAJ_FILE);
    return p != MAP_FAILED && sum == 7 * ops ? ops : -1;
}

/* ---- swap ---- */

#define SWAP_SET (16 * MiB)
#define SWAP_FRAMES 64

/* In a child limited to SWAP_FRAMES frames: write the set, then read it
 * back; the part asked for goes to *m through a pipe. */
static void swap_child(int fd, bool time_in)
{
    struct bench_sample m = {0, 0, 0, 0};
    if (memlimit(SWAP_FRAMES, "clock") != 0)
        _exit(1);
    volatile char *p =
        mmap(0, SWAP_SET, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        _exit(1);
    if (!time_in)
        bench_start(&m);
    for (long off = 0; off < SWAP_SET; off += PAGE)
        p[off] = 1;
    if (!time_in)
        bench_stop(&m);
    long sum = 0;
    if (time_in)
        bench_start(&m);
    for (long off = 0; off < SWAP_SET; off += PAGE)
        sum += p[off];
    if (time_in)
        bench_stop(&m);
    write(fd, &m, sizeof(m));
    _exit(sum == SWAP_SET / PAGE ? 0 : 2);
}

static long swap_row(struct bench_sample *m, bool time_in)
{
    struct vmstat vs;
    int fd[2], status = 1;
    if (vmstat(&vs) != 0 || vs.swap_total == 0) {
        errno = ENODEV; /* no swap disk attached */
        return -1;
    }
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0)
        swap_child(fd[1], time_in);
    bool got = pid > 0 && read(fd[0], m, sizeof(*m)) == (long)sizeof(*m);
    if (pid > 0)
        waitpid(pid, &status, 0);
    close(fd[0]);
    close(fd[1]);
    if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        errno = EIO;
        return -1;
    }
    return SWAP_SET / PAGE;
}

/* The set's size is fixed (it must be well above the limit): ops is ignored. */
static long run_swapout(long ops, struct bench_sample *m)
{
    (void)ops;
    return swap_row(m, false);
}

static long run_swapin(long ops, struct bench_sample *m)
{
    (void)ops;
    return swap_row(m, true);
}

/* ---- region lookups ---- */

#define REGION_BASE 0x40000000UL /* far from the program, its heap and its stack */
#define REGION_TARGET (REGION_BASE + 16 * MiB)
#define REGION_SIZE (4 * MiB)

/* n one-page regions apart (so they cannot merge) and the 4 MiB target. */
static volatile char *regions_map(int n)
{
    for (int i = 0; i < n; i++)
        if (mmap((void *)(REGION_BASE + 2 * PAGE * i), PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
            return MAP_FAILED;
    return mmap((void *)REGION_TARGET, REGION_SIZE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

static void regions_unmap(int n)
{
    munmap((void *)REGION_TARGET, REGION_SIZE);
    if (n)
        munmap((void *)REGION_BASE, 2 * PAGE * n);
}

static long msync_row(int n, long ops, struct bench_sample *m)
{
    volatile char *p = regions_map(n);
    if (p != MAP_FAILED) {
        p[0] = 1;
        bench_start(m);
        for (long i = 0; i < ops; i++)
            msync((void *)p, PAGE, MS_ASYNC);
        bench_stop(m);
    }
    regions_unmap(n);
    return p != MAP_FAILED ? ops : -1;
}

static long run_msync0(long ops, struct bench_sample *m)
{
    return msync_row(0, ops, m);
}

static long run_msync500(long ops, struct bench_sample *m)
{
    return msync_row(500, ops, m);
}

static long run_fault500(long ops, struct bench_sample *m)
{
    volatile char *p = regions_map(500);
    long pages = REGION_SIZE / PAGE;
    ops = ops < pages ? ops : pages;
    if (p != MAP_FAILED) {
        bench_start(m);
        for (long i = 0; i < ops; i++)
            p[i * PAGE] = 1;
        bench_stop(m);
    }
    regions_unmap(500);
    return p != MAP_FAILED ? ops : -1;
}

static const struct bench_row rows[] = {
    {"fork1m", "fork, parent with 1 MiB touched", "fork", 100, run_fork1m},
    {"exit1m", "its child's exit + wait", "exit", 100, run_exit1m},
    {"fork32m", "fork, parent with 32 MiB touched", "fork", 20, run_fork32m},
    {"exit32m", "its child's exit + wait", "exit", 20, run_exit32m},
    {"cowfault", "write fault copying a page shared by fork", "fault", 1000, run_cowfault},
    {"majfault", "file page fault (private mapping, read in)", "fault", 1000, run_majfault},
    {"swapout", "16 MiB written under a 64-frame limit", "page", 4096, run_swapout},
    {"swapin", "the same 16 MiB read back", "page", 4096, run_swapin},
    {"msync0", "msync of a page, no other region", "call", 5000, run_msync0},
    {"msync500", "msync of a page, 500 regions below", "call", 5000, run_msync500},
    {"fault500", "minor fault, 500 regions below", "fault", 1000, run_fault500},
};

int main(int argc, char *argv[])
{
    return bench_main("vmbench", rows, sizeof(rows) / sizeof(rows[0]), argc, argv);
}
