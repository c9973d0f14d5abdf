/*
 * A child's life.  It gets its own process group and scratch directory
 * /sysfuzz.<parent>/c<k>, descriptors to play with (a pipe at EOF, files,
 * a directory, pipes kept moving by two pump processes), an arena at the
 * top of its heap (unmapped after it), then makes its calls, each reported
 * to the parent through a pipe (2 bytes: table index and success bit, so
 * the counts stay right when the child dies), and ends with one of the
 * calls that end a child (_exit, rt_sigreturn), fuzzed too.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <quill/syscall.h>
#include "fuzz.h"

char *child_arena;        /* ARENA_SIZE bytes at the top of the heap */
char child_scratch[64];   /* "/sysfuzz.<pid>/c<k>" */
int child_last_fork = -1; /* the pid of the child's newest fork */
static int unreaped;
bool child_tracing;
static uint16_t records[16];
static int nrecords;

static long raw_syscall(long nr, const long a[MAX_ARGS])
{
    register long a0 __asm__("a0") = a[0];
    register long a1 __asm__("a1") = a[1];
    register long a2 __asm__("a2") = a[2];
    register long a3 __asm__("a3") = a[3];
    register long a4 __asm__("a4") = a[4];
    register long a5 __asm__("a5") = a[5];
    register long a7 __asm__("a7") = nr;
    __asm__ volatile("ecall"
                     : "+r"(a0)
                     : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                     : "memory");
    return a0;
}

static void flush_records(void)
{
    if (nrecords)
        __sys_write(REPORT_FD, records, nrecords * sizeof(records[0]));
    nrecords = 0;
}

static void record(int index, bool ok)
{
    records[nrecords++] = (uint16_t)(index << 1 | ok);
    if (nrecords == 16)
        flush_records();
}

/* ---- trace (-v) ------------------------------------------------------------------ */

static void trace_call(int n, const struct call *c, const long a[MAX_ARGS])
{
    char line[512];
    int len = snprintf(line, sizeof(line), "#%d %s(", n, c->name);
    for (int i = 0; i < c->nargs && len < 400; i++) {
        if (c->kinds[i] == K_PATH &&
            (unsigned long)a[i] - (unsigned long)child_arena < ARENA_SIZE - 64)
            len += snprintf(line + len, sizeof(line) - len, "%s\"%.40s\"", i ? ", " : "",
                            (char *)a[i]);
        else
            len += snprintf(line + len, sizeof(line) - len, "%s%#lx", i ? ", " : "", a[i]);
    }
    len += snprintf(line + len, sizeof(line) - len, ") = ");
    __sys_write(TRACE_FD, line, len);
}

static void trace_result(long r)
{
    char line[40];
    int len = snprintf(line, sizeof(line), "%ld\n", r);
    __sys_write(TRACE_FD, line, len);
}

/* ---- one fuzzed call --------------------------------------------------------------- */

static int pick_call(void)
{
    for (;;) {
        int i = (int)gen_below(table_ncalls + 1);
        if (i == table_ncalls)
            return -1; /* a number that is not in the table */
        if (table_calls[i].flags & (H_SKIP | H_LAST))
            continue;
        if (!(table_calls[i].flags & H_RARE) || gen_below(10) == 0)
            return i;
    }
}

static void after_fork(long r)
{
    if (r == 0)
        _exit(0);
    if (r > 0) {
        child_last_fork = (int)r;
        if (++unreaped > 4) {
            __sys_wait4(-1, NULL, 0, NULL);
            unreaped--;
        }
    }
}

void __sigtramp(void); /* the user library's handler return (user/lib/sigtramp.S) */

/*
 * H_MAP: most random mmap requests are refused (flags without MAP_PRIVATE or
 * MAP_SHARED, lengths that wrap), so 60 % of these calls are shaped into a
 * well-formed one on the window [MAP_WINDOW, +64 pages): mappings are made,
 * split, protected, synced and unmapped there, and the pages touched after.
 * Half the ranges start inside the newest mapping made.  Always the same
 * draws, whatever the kernel returned before.  Returns the protection to
 * touch the range with afterwards (-1: do not touch).
 */
static long last_map, last_map_pages; /* the newest mapping that succeeded */

static int shape_map_call(const struct call *c, long a[MAX_ARGS])
{
    bool shape = gen_chance(60), fixed = gen_chance(50), hint = gen_chance(50);
    bool touch = gen_chance(60), inside = gen_chance(50);
    long page = (long)gen_below(MAP_WINDOW_PAGES), pages = 1 + (long)gen_below(16);
    long odd = gen_chance(20) ? 100 : 0, prot = (long)gen_below(8), kind = (long)gen_below(4);
    long off = (long)gen_below(4) * 4096, fd = gen_chance(85) ? 3 : (long)gen_below(7);
    long ms = (long)gen_below(8);
    if (!shape)
        return -1;
    a[0] = (long)MAP_WINDOW + page * 4096;
    if (inside && last_map_pages) {
        page %= last_map_pages;
        a[0] = last_map + page * 4096;
        if (pages > last_map_pages - page)
            pages = last_map_pages - page;
    }
    a[1] = pages * 4096 - odd;
    if (strcmp(c->name, "mmap") == 0) {
        long flags = (kind & 1) ? MAP_SHARED : MAP_PRIVATE;
        if (kind & 2)
            flags |= MAP_ANONYMOUS;
        if (fixed)
            flags |= MAP_FIXED;
        else if (!hint)
            a[0] = 0;
        a[2] = prot;
        a[3] = flags;
        a[4] = (kind & 2) ? -1 : fd;
        a[5] = off;
    } else if (strcmp(c->name, "mprotect") == 0) {
        a[2] = prot;
    } else if (strcmp(c->name, "msync") == 0) {
        a[2] = ms;
    }
    return touch && strcmp(c->name, "munmap") != 0 && strcmp(c->name, "msync") != 0 ? (int)prot
                                                                                    : -1;
}

/* Would a fault the child takes come back to it (a handler of SIGSEGV or
 * SIGBUS that returns)?  Then touching a page that faults would fault again
 * for ever: the handler returns to the same store. */
static bool fault_returns(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) != 0 ||
            (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN))
            return true;
    }
    return false;
}

/* Use [addr, addr + len) as prot allows: a byte written (or read) per page;
 * not at all if a fault would return (above). */
static void touch_range(long addr, long len, int prot)
{
    if (fault_returns())
        return;
    for (long p = addr & ~4095L; p < addr + len; p += 4096) {
        if (prot & PROT_WRITE)
            *(volatile char *)p = (char)p;
        else if (prot & PROT_READ)
            (void)*(volatile char *)p;
    }
}

static void on_signal(int sig)
{
    (void)sig;
}

static void fuzz_one(int n, int index, uintptr_t arena_end)
{
    const unsigned long handlers[] = {0, 1, (unsigned long)on_signal};
    long a[MAX_ARGS];
    long nr;
    const struct call *c = index >= 0 ? &table_calls[index] : NULL;
    for (int i = 0; i < MAX_ARGS; i++)
        a[i] = (c && i < c->nargs) ? gen_arg(c->kinds[i], c->flags) : gen_interesting();
    if (c) {
        nr = c->nr;
    } else {
        static const long numbers[] = {-1, 0, 1, 499, 504, 1000, 0x7fffffff, 1L << 40};
        nr = gen_chance(50) ? PICK(numbers) : (long)gen_below(600);
        for (int i = 0; i < table_ncalls; i++)
            if (table_calls[i].nr == nr)
                nr = 599; /* in the table after all: use a free number */
        index = table_ncalls;
    }
    int touch = c && (c->flags & H_MAP) ? shape_map_call(c, a) : -1;
    if (child_tracing) {
        static const struct call unknown = {0, "unknown", "", 6, {0}, 0, NULL};
        trace_call(n, c ? c : &unknown, a);
    }
    if (c && (c->flags & H_NAP) &&
        (unsigned long)a[0] - (unsigned long)child_arena < ARENA_SIZE - 16 && gen_chance(90)) {
        long t[2] = {0, (long)gen_below(10000000)};
        memcpy((char *)a[0], t, sizeof(t));
    }
    if (c && (c->flags & H_SIGACT) &&
        (unsigned long)a[1] - (unsigned long)child_arena < ARENA_SIZE - 32 && gen_chance(90)) {
        unsigned long act[3] = {PICK(handlers), (unsigned long)gen_below(0x10000000),
                                (unsigned long)__sigtramp};
        memcpy((char *)a[1], act, sizeof(act));
    }
    if (c && (c->flags & (H_EXEC | H_LAST)))
        flush_records();
    if (!c || c->kinds[0] == K_PID || c->kinds[1] == K_SIG)
        flush_records(); /* a signal to itself may end the child here */
    long r = raw_syscall(nr, a);
    if (child_tracing)
        trace_result(r);
    record(index, r >= 0);
    if (c && (c->flags & H_MAP) && strcmp(c->name, "mmap") == 0 && (unsigned long)r < -4096UL) {
        last_map = r;
        last_map_pages = (a[1] + 4095) / 4096;
    }
    if (touch >= 0 && (unsigned long)r < -4096UL) {
        flush_records(); /* the touch may end the child (SIGSEGV, SIGBUS) */
        touch_range(strcmp(c->name, "mmap") == 0 ? r : a[0], a[1], touch);
    }
    if (c && (c->flags & H_FORK))
        after_fork(r);
    if (c && (c->flags & H_BRK))
        __sys_brk(arena_end);
}

/* ---- a child's life ---------------------------------------------------------------- */

static void setup_failed(void)
{
    uint16_t r = SETUP_FAILED;
    __sys_write(REPORT_FD, &r, sizeof(r));
    _exit(1);
}

/* A pump: a process that keeps one pipe end busy, so the child's reads and
 * writes on its setup pipes move data instead of waiting on the child itself. */
static void pump(int keep, bool writer)
{
    static char buf[4096];
    for (int fd = 0; fd <= REPORT_FD; fd++)
        if (fd != keep)
            close(fd);
    memset(buf, 'p', sizeof(buf));
    for (;;) {
        long n =
            writer ? write(keep, buf, 1 + gen_below(sizeof(buf))) : read(keep, buf, sizeof(buf));
        if (n <= 0)
            _exit(0); /* the child is gone: EPIPE or EOF */
    }
}

/* fd 5: read end of a pipe a pump fills; fd 6: write end of one a pump drains. */
static void start_pumps(void)
{
    int in[2], out[2];
    if (pipe(in) != 0)
        return;
    if (fork() == 0)
        pump(in[1], true);
    close(in[1]);
    if (pipe(out) != 0)
        return;
    if (fork() == 0)
        pump(out[0], false);
    close(out[0]);
    int a = dup(in[0]), b = dup(out[1]);
    close(in[0]);
    close(out[1]);
    dup2(a, 5);
    dup2(b, 6);
    if (a != 5)
        close(a);
    if (b != 6)
        close(b);
}

static void child_setup(int report_wfd)
{
    if (report_wfd != REPORT_FD) {
        dup2(report_wfd, REPORT_FD);
        close(report_wfd);
    }
    if (child_tracing)
        dup2(1, TRACE_FD);
    /* Its own session (and group): setpgid moves a process only within its
     * session, so no fuzzed setpgid can put it into the shell's group (whose
     * exit would then orphan that group and hang the shell up), and the
     * parent kills what is left of its group after it. */
    setsid();
    for (int fd = 0; fd < TRACE_FD; fd++)
        close(fd);
    int p[2];
    if (pipe(p) == 0) /* fd 0: a pipe with no writer left (reads see EOF) */
        close(p[1]);
    if (mkdir(child_scratch, 0755) != 0 || chdir(child_scratch) != 0)
        setup_failed();
    int out = open("out", O_CREAT | O_WRONLY | O_TRUNC, 0644); /* fds 1 and 2 */
    dup(out);
    int f = open("f", O_CREAT | O_RDWR, 0644);
    write(f, child_scratch, sizeof(child_scratch));
    open(".", O_RDONLY);
    start_pumps();
    mkdir("dir", 0755);
    symlink("f", "l");
    /* The arena: page-aligned, the last thing in the heap (unmapped after it). */
    uintptr_t cur = (uintptr_t)sbrk(0);
    sbrk((intptr_t)(((cur + 4095) & ~4095UL) - cur));
    child_arena = sbrk(ARENA_SIZE);
    if (child_arena == (char *)-1)
        setup_failed();
    memset(child_arena, 0, ARENA_SIZE);
}

void child_main(uint64_t seed, int k, int ncalls, int report_wfd)
{
    snprintf(child_scratch, sizeof(child_scratch), "/sysfuzz.%d/c%d", getppid(), k);
    child_setup(report_wfd);
    uintptr_t arena_end = (uintptr_t)child_arena + ARENA_SIZE;
    gen_seed(seed, (uint64_t)k);
    for (int n = 0; n < ncalls; n++)
        fuzz_one(n, pick_call(), arena_end);
    /* Last: one of the calls that end a child (_exit, sigreturn), fuzzed too. */
    int last[MAX_CALLS], nlast = 0;
    for (int i = 0; i < table_ncalls; i++)
        if (table_calls[i].flags & H_LAST)
            last[nlast++] = i;
    if (nlast) {
        int i = last[gen_below(nlast)];
        record(i, true);
        flush_records();
        fuzz_one(ncalls, i, arena_end);
    }
    _exit(0);
}
