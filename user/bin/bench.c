/*
 * bench: user-level benchmarks of the kernel paths programs use most
 * (`make bench`, docs/performance.md).
 *
 * Usage: bench [-l] [-n OPS] [ROW...]
 *   ROW...   run only these rows (default: every row, in the order of -l)
 *   -n OPS   time OPS operations per row instead of each row's default; the
 *            file rows do OPS calls of 4 KiB instead of 256 (a 1 MiB file)
 *   -l       list the rows and what each one times
 *
 * A row sets up, reads two counters, runs its loop, reads them again and
 * tears down; only the loop is measured.  The command line, the output
 * (one line per row: ROW WHAT INSTRET/UNIT NS/UNIT COUNT UNIT, then
 * "bench: done") and what the counters mean under `qemu -icount` are the
 * harness's, shared with vmbench: <quill/benchrow.h>.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <quill/benchrow.h>
#include <quill/syscall.h>

#define PAGE 4096L
#define FILE_CHUNK 4096L
#define FILE_CHUNKS 256 /* 1 MiB */
#define BENCH_FILE "/bench.dat"
#define SMALL_FILE "/bench.small"

/* ---- processes ---- */

static long run_getpid(long ops, struct bench_sample *m)
{
    bench_start(m);
    for (long i = 0; i < ops; i++)
        getpid();
    bench_stop(m);
    return ops;
}

static long run_fork(long ops, struct bench_sample *m)
{
    bench_start(m);
    for (long i = 0; i < ops; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0)
            _exit(0);
        if (waitpid(pid, NULL, 0) != pid)
            return -1;
    }
    bench_stop(m);
    return ops;
}

static long run_forkexec(long ops, struct bench_sample *m)
{
    char *const argv[] = {"true", NULL};
    bench_start(m);
    for (long i = 0; i < ops; i++) {
        int status;
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) {
            execv("/bin/true", argv);
            _exit(127);
        }
        if (waitpid(pid, &status, 0) != pid)
            return -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            errno = ENOEXEC;
            return -1;
        }
    }
    bench_stop(m);
    return ops;
}

/* ---- scheduling and pipes ---- */

/*
 * The background of the rows with many runnable processes: n children that
 * call sched_yield forever, so that n more processes are runnable at every
 * moment while each costs only a short turn (a system call and a switch).
 * Spinners would keep as many runnable, but each of their turns would last
 * a whole time slice, and a row would then time the slice and the policy's
 * share (the measured processes get 1 / (n + 1) of the hart), not the
 * switch paths.  Returns 0 once every child runs, or -1 with errno (the
 * children made so far killed and reaped).
 */
struct yielders {
    pid_t pid[64];
    int n;
};

static void yielders_stop(struct yielders *y)
{
    for (int i = 0; i < y->n; i++)
        kill(y->pid[i], SIGKILL);
    for (int i = 0; i < y->n; i++)
        waitpid(y->pid[i], NULL, 0);
    y->n = 0;
}

static int yielders_start(struct yielders *y, int n)
{
    int ready[2], ret = -1;
    char c;
    y->n = 0;
    if (pipe(ready) < 0)
        return -1;
    for (; y->n < n; y->n++) {
        pid_t pid = fork();
        if (pid < 0)
            goto out_close;
        if (pid == 0) {
            close(ready[0]);
            write(ready[1], "r", 1);
            for (;;)
                sched_yield();
        }
        y->pid[y->n] = pid;
    }
    for (int i = 0; i < n; i++)
        if (read(ready[0], &c, 1) != 1)
            goto out_close;
    ret = 0;
out_close:
    close(ready[0]);
    close(ready[1]);
    if (ret < 0) {
        int err = errno;
        yielders_stop(y);
        errno = err;
    }
    return ret;
}

/* nproc - 1 yielders; then the caller's yields are timed.  One op: the
 * caller's sched_yield returns, every other one having had its turn (on one
 * hart; on several they also run in parallel). */
static long run_yield(long ops, struct bench_sample *m, int nproc)
{
    struct yielders y;
    if (yielders_start(&y, nproc - 1) < 0)
        return -1;
    bench_start(m);
    for (long i = 0; i < ops; i++)
        sched_yield();
    bench_stop(m);
    yielders_stop(&y);
    return ops;
}

static long run_yield2(long ops, struct bench_sample *m)
{
    return run_yield(ops, m, 2);
}

static long run_yield64(long ops, struct bench_sample *m)
{
    return run_yield(ops, m, 64);
}

/* One op: a byte to the child through one pipe and back through another,
 * while nproc - 2 yielders are runnable too. */
static long run_pipe_with(long ops, struct bench_sample *m, int nproc)
{
    int to[2], from[2];
    char c = 'x';
    long ret = -1;
    int err = 0;
    struct yielders y = {.n = 0};
    if (pipe(to) < 0)
        return -1;
    if (pipe(from) < 0)
        goto out_to;
    pid_t pid = fork();
    if (pid < 0)
        goto out_from;
    if (pid == 0) {
        close(to[1]);
        close(from[0]);
        while (read(to[0], &c, 1) == 1)
            if (write(from[1], &c, 1) != 1)
                break;
        _exit(0);
    }
    close(to[0]);
    close(from[1]);
    to[0] = from[1] = -1;
    if (yielders_start(&y, nproc - 2) < 0)
        goto out_child;
    if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1) /* the child is running */
        goto out_child;
    bench_start(m);
    for (long i = 0; i < ops; i++)
        if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1)
            goto out_child;
    bench_stop(m);
    ret = ops;
out_child:
    err = errno; /* reported after the clean-up */
    yielders_stop(&y);
    close(to[1]);
    to[1] = -1;
    waitpid(pid, NULL, 0);
out_from:
    if (from[0] >= 0)
        close(from[0]);
    if (from[1] >= 0)
        close(from[1]);
out_to:
    if (to[0] >= 0)
        close(to[0]);
    if (to[1] >= 0)
        close(to[1]);
    if (ret < 0 && err)
        errno = err;
    return ret;
}

static long run_pipe(long ops, struct bench_sample *m)
{
    return run_pipe_with(ops, m, 2);
}

static long run_pipe64(long ops, struct bench_sample *m)
{
    return run_pipe_with(ops, m, 64);
}

/* ---- memory ---- */

/* One op: the heap grows by a page, the page is written, the heap shrinks. */
static long run_sbrk(long ops, struct bench_sample *m)
{
    bench_start(m);
    for (long i = 0; i < ops; i++) {
        volatile char *p = sbrk(PAGE);
        if (p == (char *)-1)
            return -1;
        p[0] = 1;
        if (sbrk(-PAGE) == (char *)-1)
            return -1;
    }
    bench_stop(m);
    return ops;
}

/* One op: the first write to a page of an anonymous mapping (demand-zero). */
static long run_fault(long ops, struct bench_sample *m)
{
    volatile char *p =
        mmap(0, ops * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    bench_start(m);
    for (long i = 0; i < ops; i++)
        p[i * PAGE] = 1;
    bench_stop(m);
    munmap((void *)p, ops * PAGE);
    return ops;
}

/* ---- files ---- */

static char chunk[FILE_CHUNK];

/* The file rows' file: ops chunks written (timed if m) and synced. */
static int write_file(long ops, struct bench_sample *m)
{
    int fd = open(BENCH_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    memset(chunk, 'b', sizeof(chunk));
    if (m)
        bench_start(m);
    for (long i = 0; i < ops; i++)
        if (write(fd, chunk, FILE_CHUNK) != FILE_CHUNK)
            goto out_close;
    if (m)
        bench_stop(m);
    if (fsync(fd) < 0)
        goto out_close;
    return fd;
out_close:
    close(fd);
    unlink(BENCH_FILE);
    return -1;
}

/* One unit: a KiB of a file written sequentially in 4 KiB calls. */
static long run_write(long ops, struct bench_sample *m)
{
    int fd = write_file(ops, m);
    if (fd < 0)
        return -1;
    close(fd);
    unlink(BENCH_FILE);
    return ops * (FILE_CHUNK / 1024);
}

/* One unit: a KiB of that file read back sequentially in 4 KiB calls. */
static long run_read(long ops, struct bench_sample *m)
{
    long ret = -1;
    int fd = write_file(ops, NULL);
    if (fd < 0)
        return -1;
    if (lseek(fd, 0, SEEK_SET) != 0)
        goto out_close;
    bench_start(m);
    for (long i = 0; i < ops; i++)
        if (read(fd, chunk, FILE_CHUNK) != FILE_CHUNK)
            goto out_close;
    bench_stop(m);
    ret = ops * (FILE_CHUNK / 1024);
out_close:
    close(fd);
    unlink(BENCH_FILE);
    return ret;
}

/* One op: create a file, write 64 bytes, close it, unlink it. */
static long run_smallfile(long ops, struct bench_sample *m)
{
    static const char data[64] = "sixty-four bytes of a small file";
    bench_start(m);
    for (long i = 0; i < ops; i++) {
        int fd = open(SMALL_FILE, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0)
            return -1;
        long w = write(fd, data, sizeof(data));
        if (close(fd) < 0 || w != (long)sizeof(data) || unlink(SMALL_FILE) < 0)
            return -1;
    }
    bench_stop(m);
    return ops;
}

#define BUSY_SLEEPERS 30
#define BUSY_LOOP 200000 /* iterations of a chunk, about a million instructions */

/* A chunk of user work: a counted loop the compiler keeps. */
static void busy_chunk(void)
{
    for (volatile unsigned long i = 0; i < BUSY_LOOP; i++)
        ;
}

/*
 * One op: a chunk of about a million instructions of a loop in user mode,
 * while `sleepers` children sleep (1000 s at a time; killed at the end).
 * The hart never idles, and its instruction counter counts everything it
 * executes while the chunk runs: the chunk, the timer ticks, and whatever
 * the sleepers cost while they sleep.  busy30 - busy0 is that cost, per
 * chunk (under -icount on one hart, a chunk is a millisecond).
 */
static long run_busy(long ops, struct bench_sample *m, int sleepers)
{
    struct timespec settle = {0, 100000000};
    pid_t pid[BUSY_SLEEPERS];
    int n = 0, err = 0;
    for (; n < sleepers; n++) {
        pid[n] = fork();
        if (pid[n] < 0) {
            err = errno;
            break;
        }
        if (pid[n] == 0) {
            struct timespec long_sleep = {1000, 0};
            for (;;)
                nanosleep(&long_sleep, NULL);
        }
    }
    if (!err) {
        nanosleep(&settle, NULL); /* every child reaches its sleep */
        bench_start(m);
        for (long i = 0; i < ops; i++)
            busy_chunk();
        bench_stop(m);
    }
    for (int i = 0; i < n; i++)
        kill(pid[i], SIGKILL);
    for (int i = 0; i < n; i++)
        waitpid(pid[i], NULL, 0);
    errno = err;
    return err ? -1 : ops;
}

static long run_busy0(long ops, struct bench_sample *m)
{
    return run_busy(ops, m, 0);
}

static long run_busy30(long ops, struct bench_sample *m)
{
    return run_busy(ops, m, BUSY_SLEEPERS);
}

static const struct bench_row rows[] = {
    {"getpid", "getpid()", "op", 20000, run_getpid},
    {"pipe", "pipe round trip, 1 byte each way", "op", 2000, run_pipe},
    {"pipe64", "pipe round trip, 62 yielders runnable", "op", 2000, run_pipe64},
    {"fork", "fork + exit + wait", "op", 200, run_fork},
    {"forkexec", "fork + exec /bin/true + wait", "op", 50, run_forkexec},
    {"sbrk", "sbrk +4 KiB, touch, sbrk -4 KiB", "page", 2000, run_sbrk},
    {"write", "file write, 4 KiB calls (1 MiB file)", "KiB", FILE_CHUNKS, run_write},
    {"read", "file read, 4 KiB calls (1 MiB file)", "KiB", FILE_CHUNKS, run_read},
    {"smallfile", "create + write 64 B + close + unlink", "op", 50, run_smallfile},
    {"fault", "minor page fault (anonymous, first write)", "fault", 2000, run_fault},
    {"yield2", "sched_yield round trip, 2 runnable", "op", 2000, run_yield2},
    {"yield64", "sched_yield round trip, 64 runnable", "op", 100, run_yield64},
    {"busy0", "a chunk of user loop (~1M instructions)", "op", 1000, run_busy0},
    {"busy30", "the same while 30 processes sleep", "op", 1000, run_busy30},
};

int main(int argc, char *argv[])
{
    return bench_main("bench", rows, sizeof(rows) / sizeof(rows[0]), argc, argv);
}
