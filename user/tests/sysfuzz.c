/*
 * sysfuzz: a seeded system-call fuzzer.  Forked children make random calls
 * with adversarial arguments; afterwards the kernel must be alive, every
 * frame back (memfree as before the run) and, checked from the host, the
 * file system clean.
 *
 *   sysfuzz [-s seed] [-n calls] [-t seconds] [-j parallel] [-c calls-per-child]
 *   sysfuzz -s seed -C child -v     replay one child, printing every call
 *   sysfuzz -x name ...             leave these calls out (to narrow down a finding)
 *   sysfuzz -l                      list the table: each call's argument kinds
 *   sysfuzz -F n                    n processes fork and reap forever (for the
 *                                   power-off-while-forking test)
 *
 * The table of calls is kernel/abi/syscalls.def itself (an X-macro): each
 * line's parameter list, as text, says what to pass.  A parameter's type and
 * name give its kind (a path, a pointer, a descriptor, a size, flags, a pid,
 * a signal...), so a call added to syscalls.def is fuzzed with no edit here.
 * A few calls get a hint (see `hints` below), each with its reason.
 *
 * Determinism: child k of seed s draws from its own generator seeded by
 * (s, k), and the number of draws per call does not depend on results, so a
 * seed always makes the same calls with the same arguments (values the
 * kernel returned, like pids and descriptors, can differ between runs).
 *
 * Containment: every path stays inside the child's scratch directory
 * /sysfuzz.<pid>/c<k> (relative paths have no "..", absolute ones start with
 * the scratch directory; the only others are "/", and lookups that must fail),
 * pids are the child itself, its own children, or pids that cannot exist.
 * A child blocked in the kernel for a while (a read of a pipe whose write end
 * it holds itself, a long nanosleep) is killed by the parent: that is normal,
 * and counted.  A child that is not gone 20 s after SIGKILL is a failure.
 *
 * Each child reports the calls it made through a pipe (2 bytes a call: table
 * index and success bit), so the counts stay right when a child dies.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <quill/syscall.h>
#include "abi/procinfo.h"

#define MAX_CALLS 128 /* table entries (syscalls.def lines) */
#define MAX_ARGS 6
#define ARENA_SIZE (64 * 1024) /* the child's buffers: the top of its heap */
#define REPORT_FD 29           /* the child's end of its report pipe */
#define TRACE_FD 28            /* -v: the console, for the trace */
#define FD_RANGE 24            /* descriptors drawn from 0..FD_RANGE-1 mostly */
#define MAX_JOBS 4
#define CHUNK_MAX 1500          /* 2 bytes a call must fit in one pipe buffer */
#define BLOCKED_NS 500000000L   /* asleep this long: blocked on itself, killed */
#define OVERRUN_NS 30000000000L /* running this long: killed, counted */
#define UNKILLABLE_NS 20000000000L
#define KERNEL_HALF 0xffffffc000000000UL
#define SETUP_FAILED 0x7fff /* record: the child could not make its scratch directory */

/* ---- the call table, from syscalls.def --------------------------------------- */

enum kind {
    K_INT,
    K_FD,
    K_DIRFD,
    K_SIZE,
    K_OFFSET,
    K_FLAGS,
    K_MODE,
    K_PID,
    K_SIG,
    K_ADDR,
    K_PTR,
    K_PATH,
    K_STRVEC,
};
static const char *const kind_names[] = {"int", "fd",  "dirfd", "size", "offset", "flags", "mode",
                                         "pid", "sig", "addr",  "ptr",  "path",   "strvec"};

/* Hints: what the table's text cannot say.  Calls without one are fuzzed plainly. */
enum {
    H_SKIP = 1,     /* never called (reason given) */
    H_LAST = 2,     /* ends the child: made once, as its last call */
    H_FORK = 4,     /* the new process _exits at once; at most 4 are left unreaped */
    H_BRK = 8,      /* the break is put back afterwards: the arena lives in the heap */
    H_EXEC = 16,    /* may succeed (a real program sometimes): the child ends there */
    H_WAITPID = 32, /* pid <= 0 is allowed: it selects the caller's own children */
    H_NAP = 64,     /* a time it is given is short, mostly */
    H_RARE = 128,   /* made a tenth as often: it blocks until killed, mostly */
    H_SIGACT = 256, /* the new action's handler is mostly a real one (or DFL/IGN) */
};
struct hint {
    const char *name;
    int flags;
    const char *why;
};
static const struct hint hints[] = {
    {"poweroff", H_SKIP, "powers the machine off: the test would end"},
    {"reboot", H_SKIP, "restarts the machine: the test would end"},
    {"_exit", H_LAST, "ends the child: made once, as its last call"},
    {"fork", H_FORK, "the new process exits at once (no fork bombs)"},
    {"brk", H_BRK, "the break is put back after each call (the fuzzer's buffers are in the heap)"},
    {"execve", H_EXEC, "sometimes given /bin/true: success ends the child"},
    {"wait4", H_WAITPID, "pid -1 and 0 allowed (they mean the caller's children)"},
    {"rt_sigreturn", H_LAST,
     "restores registers from whatever the stack holds: the child ends there"},
    {"rt_sigaction", H_SIGACT,
     "the handler is mostly SIG_DFL, SIG_IGN or a function that returns "
     "(a random one only gets the child killed by the first SIGCHLD)"},
    {"pause", H_RARE, "waits for a signal that does not come: made a tenth as often"},
    {"rt_sigsuspend", H_RARE, "waits for a signal that does not come: made a tenth as often"},
    {"nanosleep", H_NAP,
     "the time is mostly under 10 ms (a long sleep only gets the child killed)"},
};

struct call {
    int nr;
    const char *name;
    const char *params; /* "(int fd, void *buf, unsigned long count)" */
    int nargs;
    enum kind kinds[MAX_ARGS];
    int flags;
    const char *why;
};

#define SYSCALL(nr, name, ret, params) {nr, #name, #params, 0, {0}, 0, NULL},
static struct call calls[] = {
#include "abi/syscalls.def"
};
#undef SYSCALL
#define NCALLS ((int)(sizeof(calls) / sizeof(calls[0])))

static bool has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = s; (p = strstr(p, w)) != NULL; p++) {
        bool left = p == s || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z'));
        char r = p[n];
        if (left && !(r == '_' || (r >= 'a' && r <= 'z')))
            return true;
    }
    return false;
}

/* One parameter's kind, from its declaration ("const char *path", "int fds[2]"). */
static enum kind classify(const char *decl)
{
    const char *name = decl + strlen(decl);
    while (name > decl && name[-1] != ' ' && name[-1] != '*')
        name--;
    bool ptr = strchr(decl, '*') || strchr(decl, '[');
    if (ptr) {
        if (strstr(decl, "*const") && strchr(decl, '['))
            return K_STRVEC;
        if (strstr(decl, "const char *"))
            return K_PATH; /* every const char * of the table is a path */
        return K_PTR;
    }
    static const struct {
        const char *word;
        enum kind k;
    } words[] = {
        {"fd", K_FD},       {"dirfd", K_DIRFD},   {"olddirfd", K_DIRFD}, {"newdirfd", K_DIRFD},
        {"oldfd", K_FD},    {"newfd", K_FD},      {"size", K_SIZE},      {"count", K_SIZE},
        {"length", K_SIZE}, {"len", K_SIZE},      {"max", K_SIZE},       {"offset", K_OFFSET},
        {"flags", K_FLAGS}, {"options", K_FLAGS}, {"mode", K_MODE},      {"pid", K_PID},
        {"sig", K_SIG},     {"addr", K_ADDR},
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(name, words[i].word) == 0 || has_word(name, words[i].word))
            return words[i].k;
    return K_INT;
}

static void table_init(void)
{
    for (int i = 0; i < NCALLS; i++) {
        struct call *c = &calls[i];
        char buf[256], *save = NULL;
        strncpy(buf, c->params + 1, sizeof(buf) - 1); /* drop "(" */
        buf[sizeof(buf) - 1] = 0;
        char *close = strrchr(buf, ')');
        if (close)
            *close = 0;
        for (char *tok = strtok_r(buf, ",", &save); tok && c->nargs < MAX_ARGS;
             tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            char *end = tok + strlen(tok);
            while (end > tok && end[-1] == ' ')
                *--end = 0;
            char *br = strchr(tok, '['); /* "fds[2]" -> pointer */
            if (strcmp(tok, "void") == 0)
                continue;
            c->kinds[c->nargs] = classify(tok);
            if (br && c->kinds[c->nargs] != K_STRVEC)
                c->kinds[c->nargs] = K_PTR;
            c->nargs++;
        }
        for (size_t h = 0; h < sizeof(hints) / sizeof(hints[0]); h++)
            if (strcmp(hints[h].name, c->name) == 0) {
                c->flags = hints[h].flags;
                c->why = hints[h].why;
            }
    }
}

/* ---- the generator: xorshift64*, one per child ---------------------------------- */

static uint64_t rng_state;

static void rng_seed(uint64_t seed, uint64_t child)
{
    uint64_t z = seed * 0x9e3779b97f4a7c15ULL + child * 0xbf58476d1ce4e5b9ULL + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    rng_state = (z ^ (z >> 31)) | 1;
}

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t n)
{
    return n ? rng() % n : 0;
}
static bool chance(int percent)
{
    return below(100) < (uint64_t)percent;
}
#define PICK(a) ((a)[below(sizeof(a) / sizeof((a)[0]))])

/* ---- the child's world ------------------------------------------------------- */

static char *arena;         /* ARENA_SIZE bytes at the top of the heap */
static char scratch[64];    /* "/sysfuzz.<pid>/c<k>" */
static int last_child = -1; /* the pid of the child's newest fork */
static int unreaped;
static bool tracing;
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

/* A word that tends to sit on a boundary. */
static long interesting(void)
{
    static const long words[] = {
        0,
        1,
        2,
        3,
        7,
        8,
        15,
        16,
        63,
        64,
        255,
        256,
        511,
        512,
        4095,
        4096,
        4097,
        65535,
        65536,
        999999999,
        1000000000,
        0x7fffffff,
        -0x80000000L,
        0xffffffff,
        0x100000000L,
        -1,
        -2,
        -4096,
        0x7fffffffffffffffL,
        (long)0x8000000000000000UL,
    };
    return chance(75) ? PICK(words) : (long)rng();
}

static void fill(char *p, size_t n)
{
    for (size_t i = 0; i + 8 <= n; i += 8) {
        long w = chance(50) ? (long)below(4) : interesting();
        memcpy(p + i, &w, 8);
    }
}

/* A pointer: into the arena (filled with words), near its end, or bad. */
static long gen_ptr(void)
{
    long sp = (long)__builtin_frame_address(0);
    const long bad[] = {
        0,
        1,
        8,
        0x1000,
        0x10000 /* program text: read-only */,
        0xfff,
        (long)KERNEL_HALF,
        (long)0xffffffc080000000UL,
        (long)0xffffffc080200000UL,
        -1,
        -4096,
        (long)0x8000000000000000UL,
        0x4000000000L /* past Sv39 user */,
        0x3fff000000L /* stack area, far below sp */,
        0x2000000000L /* nothing mapped */,
        sp - 65536 /* unused stack */,
        (long)(arena + ARENA_SIZE),
        (long)(arena + ARENA_SIZE - 1),
    };
    uint64_t r = below(100);
    if (r < 60) {
        size_t off = below(ARENA_SIZE / 2) & (chance(80) ? ~7UL : ~0UL);
        size_t n = ARENA_SIZE - off < 512 ? ARENA_SIZE - off : 512;
        fill(arena + off, n);
        return (long)(arena + off);
    }
    if (r < 70) {
        size_t back = below(64);
        return (long)(arena + ARENA_SIZE - back);
    }
    return PICK(bad);
}

/* A path, written into the arena (or a bad pointer, or a string running off its end). */
static long gen_path(int flags)
{
    static const char *const names[] = {"a", "b", "c", "d", "f", "l", "dir"};
    static const char *const parts[] = {
        ".",
        "",
        "a.b",
        " ",
        "\xff\xfe",
        "\n",
        "-",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",  /* 59 */
        "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", /* 60 */
    };
    static const char *const fixed[] = {"", "/", "/.", "//", "/nonexistent/x", "/bin/sh/x"};
    char *p = arena + ARENA_SIZE / 2 + below(8) * 2048;
    uint64_t r = below(100);
    if (r < 8)
        return gen_ptr();
    if (r < 11) { /* unterminated up to an unmapped page */
        char *s = arena + ARENA_SIZE - 1 - below(32);
        memset(s, 'a', arena + ARENA_SIZE - s);
        return (long)s;
    }
    if (r < 14) { /* longer than PATH_MAX */
        size_t n = 4000 + below(4000);
        n = n > 8190 ? 8190 : n;
        char *s = arena + ARENA_SIZE - 8192;
        for (size_t i = 0; i < n; i++)
            s[i] = (i % 8 == 7) ? '/' : 'a';
        s[n] = 0;
        return (long)s;
    }
    if (r < 18) {
        if ((flags & H_EXEC) && chance(50))
            return (long)strcpy(p, "/bin/true");
        return (long)strcpy(p, PICK(fixed));
    }
    size_t len = 0;
    if (r < 40)
        len = (size_t)snprintf(p, 2048, "%s/", scratch);
    int n = chance(50) ? 1 : chance(60) ? 2 : 3 + (int)below(2);
    for (int i = 0; i < n && len < 1900; i++) {
        const char *part = chance(75) ? PICK(names) : PICK(parts);
        size_t k = strlen(part);
        memcpy(p + len, part, k);
        len += k;
        if (i + 1 < n || chance(10))
            p[len++] = '/';
    }
    p[len] = 0;
    return (long)p;
}

/* An argv or envp array: strings, bad pointers, maybe no NULL before the end. */
static long gen_strvec(void)
{
    if (chance(15))
        return gen_ptr();
    long *v = (long *)(arena + ARENA_SIZE / 4 + below(4) * 1024);
    int n = (int)below(6);
    for (int i = 0; i < n; i++)
        v[i] = chance(80) ? gen_path(0) : gen_ptr();
    if (chance(10)) { /* runs to the arena's end: no terminator */
        long *end = (long *)(arena + ARENA_SIZE) - 1;
        *end = (long)"x";
        return (long)end;
    }
    v[n] = 0;
    return (long)v;
}

static long gen_fd(void)
{
    static const long odd[] = {-1,    -2 /* AT_FDCWD */, -100,         1023,        1024,
                               65536, 0x7fffffff,        -0x80000000L, 0x100000003L};
    uint64_t r = below(100);
    long fd = r < 60 ? (long)below(8) : r < 85 ? (long)below(FD_RANGE) : PICK(odd);
    if (fd == REPORT_FD || fd == TRACE_FD)
        fd = 3;
    return fd;
}

static long gen_pid(int flags)
{
    static const long none[] = {32768, 99999, 0x7fffffff, -0x80000000L, 0x100000001L};
    uint64_t r = below(100);
    if (r < 10)
        return getpid();
    if (r < 45 && last_child > 0)
        return last_child;
    if ((flags & H_WAITPID) && r < 70)
        return chance(50) ? -1 : 0;
    return PICK(none);
}

static long gen_arg(enum kind k, int flags)
{
    static const long sizes[] = {0,
                                 1,
                                 2,
                                 7,
                                 8,
                                 16,
                                 59,
                                 60,
                                 64,
                                 512,
                                 4095,
                                 4096,
                                 4097,
                                 65536,
                                 0x7fffffff,
                                 0x80000000L,
                                 0x100000000L,
                                 -1,
                                 -4096,
                                 (long)0x8000000000000000UL};
    static const long offsets[] = {0,        1,        511,      512, 4096,  49152,
                                   1L << 22, 1L << 31, 1L << 40, -1,  -4096, 0x7fffffffffffffffL};
    static const long flagbits[] = {0,     1,      2,       3,        0x40,     0x200, 0x400,
                                    0x800, 0x4000, 0x40000, 0x100000, 0x200000, 2,     8};
    switch (k) {
    case K_FD:
        return gen_fd();
    case K_DIRFD:
        return chance(50) ? AT_FDCWD : gen_fd();
    case K_SIZE:
        return chance(70) ? PICK(sizes) : (long)below(9000);
    case K_OFFSET:
        return chance(70) ? PICK(offsets) : (long)below(70000);
    case K_FLAGS: {
        long f = 0;
        for (int i = (int)below(4); i > 0; i--)
            f |= PICK(flagbits);
        return chance(10) ? interesting() : f;
    }
    case K_MODE:
        return chance(80) ? (long)below(010000) : interesting();
    case K_PID:
        return gen_pid(flags);
    case K_SIG:
        return chance(85) ? (long)below(66) : interesting();
    case K_ADDR: {
        long cur = (long)sbrk(0);
        long delta = (long)below(64) * 4096 - 32 * 4096;
        return chance(70) ? cur + delta : interesting();
    }
    case K_PTR:
        return gen_ptr();
    case K_PATH:
        return gen_path(flags);
    case K_STRVEC:
        return gen_strvec();
    default:
        return chance(50) ? (long)below(8) - 2 : interesting();
    }
}

/* ---- trace (-v) ------------------------------------------------------------------ */

static void trace_call(int n, const struct call *c, const long a[MAX_ARGS])
{
    char line[512];
    int len = snprintf(line, sizeof(line), "#%d %s(", n, c->name);
    for (int i = 0; i < c->nargs && len < 400; i++) {
        if (c->kinds[i] == K_PATH && (unsigned long)a[i] - (unsigned long)arena < ARENA_SIZE - 64)
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
        int i = (int)below(NCALLS + 1);
        if (i == NCALLS)
            return -1; /* a number that is not in the table */
        if (calls[i].flags & (H_SKIP | H_LAST))
            continue;
        if (!(calls[i].flags & H_RARE) || below(10) == 0)
            return i;
    }
}

static void after_fork(long r)
{
    if (r == 0)
        _exit(0);
    if (r > 0) {
        last_child = (int)r;
        if (++unreaped > 4) {
            __sys_wait4(-1, NULL, 0, NULL);
            unreaped--;
        }
    }
}

void __sigtramp(void); /* the user library's handler return (user/lib/sigtramp.S) */

static void on_signal(int sig)
{
    (void)sig;
}

static void fuzz_one(int n, int index, uintptr_t arena_end)
{
    const unsigned long handlers[] = {0, 1, (unsigned long)on_signal};
    long a[MAX_ARGS];
    long nr;
    const struct call *c = index >= 0 ? &calls[index] : NULL;
    for (int i = 0; i < MAX_ARGS; i++)
        a[i] = (c && i < c->nargs) ? gen_arg(c->kinds[i], c->flags) : interesting();
    if (c) {
        nr = c->nr;
    } else {
        static const long numbers[] = {-1, 0, 1, 499, 504, 1000, 0x7fffffff, 1L << 40};
        nr = chance(50) ? PICK(numbers) : (long)below(600);
        for (int i = 0; i < NCALLS; i++)
            if (calls[i].nr == nr)
                nr = 599; /* in the table after all: use a free number */
        index = NCALLS;
    }
    if (tracing) {
        static const struct call unknown = {0, "unknown", "", 6, {0}, 0, NULL};
        trace_call(n, c ? c : &unknown, a);
    }
    if (c && (c->flags & H_NAP) && (unsigned long)a[0] - (unsigned long)arena < ARENA_SIZE - 16 &&
        chance(90)) {
        long t[2] = {0, (long)below(10000000)};
        memcpy((char *)a[0], t, sizeof(t));
    }
    if (c && (c->flags & H_SIGACT) &&
        (unsigned long)a[1] - (unsigned long)arena < ARENA_SIZE - 32 && chance(90)) {
        unsigned long act[3] = {PICK(handlers), (unsigned long)below(0x10000000),
                                (unsigned long)__sigtramp};
        memcpy((char *)a[1], act, sizeof(act));
    }
    if (c && (c->flags & (H_EXEC | H_LAST)))
        flush_records();
    if (!c || c->kinds[0] == K_PID || c->kinds[1] == K_SIG)
        flush_records(); /* a signal to itself may end the child here */
    long r = raw_syscall(nr, a);
    if (tracing)
        trace_result(r);
    record(index, r >= 0);
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
        long n = writer ? write(keep, buf, 1 + below(sizeof(buf))) : read(keep, buf, sizeof(buf));
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
    if (tracing)
        dup2(1, TRACE_FD);
    setpgid(0, 0); /* its own group: the parent kills what is left of it after it */
    for (int fd = 0; fd < TRACE_FD; fd++)
        close(fd);
    int p[2];
    if (pipe(p) == 0) /* fd 0: a pipe with no writer left (reads see EOF) */
        close(p[1]);
    if (mkdir(scratch, 0755) != 0 || chdir(scratch) != 0)
        setup_failed();
    int out = open("out", O_CREAT | O_WRONLY | O_TRUNC, 0644); /* fds 1 and 2 */
    dup(out);
    int f = open("f", O_CREAT | O_RDWR, 0644);
    write(f, scratch, sizeof(scratch));
    open(".", O_RDONLY);
    start_pumps();
    mkdir("dir", 0755);
    symlink("f", "l");
    /* The arena: page-aligned, the last thing in the heap (unmapped after it). */
    uintptr_t cur = (uintptr_t)sbrk(0);
    sbrk((intptr_t)(((cur + 4095) & ~4095UL) - cur));
    arena = sbrk(ARENA_SIZE);
    if (arena == (char *)-1)
        setup_failed();
    memset(arena, 0, ARENA_SIZE);
}

static void child_main(uint64_t seed, int k, int ncalls, int report_wfd)
{
    snprintf(scratch, sizeof(scratch), "/sysfuzz.%d/c%d", getppid(), k);
    child_setup(report_wfd);
    uintptr_t arena_end = (uintptr_t)arena + ARENA_SIZE;
    rng_seed(seed, (uint64_t)k);
    for (int n = 0; n < ncalls; n++)
        fuzz_one(n, pick_call(), arena_end);
    /* Last: one of the calls that end a child (_exit, sigreturn), fuzzed too. */
    int last[MAX_CALLS], nlast = 0;
    for (int i = 0; i < NCALLS; i++)
        if (calls[i].flags & H_LAST)
            last[nlast++] = i;
    if (nlast) {
        int i = last[below(nlast)];
        record(i, true);
        flush_records();
        fuzz_one(ncalls, i, arena_end);
    }
    _exit(0);
}

/* ---- the parent --------------------------------------------------------------------- */

struct job {
    int pid;   /* 0: free slot */
    int index; /* child number */
    int rfd;   /* read end of its report pipe */
    long started, asleep_since, killed_at;
    const char *why; /* why the parent killed it, or NULL */
    uint64_t seed;
};

struct totals {
    long made[MAX_CALLS + 1], ok[MAX_CALLS + 1];
    long calls, children, blocked, overran, self_ended, by_signal, exits;
    long signals[65];
    int failures;
};

static struct totals tot;
static struct job jobs[MAX_JOBS];
static char root_dir[32];

static long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void failure(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("sysfuzz: FAILURE: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    tot.failures++;
}

/* Remove a tree the fuzzer made (whatever names and links are in it). */
static void rmtree(const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode) && depth < 64) {
        DIR *d = opendir(path);
        struct dirent *e;
        static char sub[64][1024];
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            if (snprintf(sub[depth], sizeof(sub[depth]), "%s/%s", path, e->d_name) <
                (int)sizeof(sub[depth]))
                rmtree(sub[depth], depth + 1);
        }
        if (d)
            closedir(d);
        if (rmdir(path) != 0)
            failure("cannot remove directory %s: %s", path, strerror(errno));
    } else if (unlink(path) != 0) {
        failure("cannot remove %s: %s", path, strerror(errno));
    }
}

static int start_child(uint64_t seed, int k, int ncalls)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    fflush(stdout);
    int pid = fork();
    if (pid == 0) {
        close(p[0]);
        child_main(seed, k, ncalls, p[1]);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return -1;
    }
    for (int j = 0; j < MAX_JOBS; j++)
        if (!jobs[j].pid) {
            jobs[j] = (struct job){pid, k, p[0], now_ns(), 0, 0, NULL, seed};
            return 0;
        }
    return -1; /* not reached: callers keep a slot free */
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* A child has been reaped: count its calls, remove its directory.  What is
 * left of its group (a stopped fork child holding the report pipe) is killed;
 * an alarm ends a read that would still wait (EINTR: no SA_RESTART). */
static void finish_child(struct job *j, int status)
{
    uint16_t rec[256];
    long n;
    bool setup_ok = true;
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    kill(-j->pid, SIGKILL);
    alarm(5);
    while ((n = read(j->rfd, rec, sizeof(rec))) > 0)
        for (long i = 0; i < n / 2; i++) {
            int index = rec[i] >> 1;
            setup_ok &= rec[i] != SETUP_FAILED;
            if (index > NCALLS)
                continue;
            tot.made[index]++;
            tot.ok[index] += rec[i] & 1;
            tot.calls++;
        }
    alarm(0);
    close(j->rfd);
    tot.children++;
    if (j->why && strcmp(j->why, "blocked") == 0)
        tot.blocked++;
    else if (j->why)
        tot.overran++;
    else if (!setup_ok)
        failure("child %d could not make its scratch directory", j->index);
    else if (WIFSIGNALED(status)) {
        tot.by_signal++;
        tot.signals[WTERMSIG(status) & 63]++;
    } else
        tot.exits++;
    char dir[64];
    snprintf(dir, sizeof(dir), "%s/c%d", root_dir, j->index);
    rmtree(dir, 0);
    j->pid = 0;
}

/* Kill children that block on themselves or run too long; fail on unkillable ones. */
static void watch_children(void)
{
    static struct procinfo ps[128];
    int n = getprocs(ps, 128);
    long t = now_ns();
    for (int j = 0; j < MAX_JOBS; j++) {
        struct job *jb = &jobs[j];
        if (!jb->pid)
            continue;
        char state = '?';
        for (int i = 0; i < n; i++)
            if (ps[i].pid == jb->pid)
                state = ps[i].state;
        if (jb->killed_at) {
            if (t - jb->killed_at > UNKILLABLE_NS && state != 'Z') {
                failure("child %d (pid %d, seed %llu) still there (state %c) 20 s after SIGKILL; "
                        "given up on",
                        jb->index, jb->pid, (unsigned long long)jb->seed, state);
                close(jb->rfd);
                jb->pid = 0; /* the run goes on without it (and its frames count as leaked) */
            }
            continue;
        }
        if (state == 'S' && !jb->asleep_since)
            jb->asleep_since = t;
        else if (state != 'S')
            jb->asleep_since = 0;
        const char *why = NULL;
        if (jb->asleep_since && t - jb->asleep_since > BLOCKED_NS)
            why = "blocked";
        else if (t - jb->started > OVERRUN_NS)
            why = "overran";
        if (why) {
            jb->why = why;
            jb->killed_at = t;
            kill(jb->pid, SIGKILL);
        }
    }
}

static int running(void)
{
    int n = 0;
    for (int j = 0; j < MAX_JOBS; j++)
        n += jobs[j].pid != 0;
    return n;
}

/* Reap what has exited (WNOHANG); true if something was. */
static bool reap_some(void)
{
    int status;
    bool any = false;
    int pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        any = true;
        for (int j = 0; j < MAX_JOBS; j++)
            if (jobs[j].pid == pid)
                finish_child(&jobs[j], status);
    }
    return any;
}

struct options {
    uint64_t seed;
    long calls, seconds;
    int jobs, chunk, only, forkers;
};

static void run(const struct options *o)
{
    long deadline = o->seconds ? now_ns() + o->seconds * 1000000000L : 0;
    int next = o->only >= 0 ? o->only : 0;
    int last = o->only >= 0 ? o->only + 1 : 0x7fffffff;
    long planned = 0;
    for (;;) {
        bool more = next < last && (o->only >= 0 || planned < o->calls) &&
                    (!deadline || now_ns() < deadline);
        if (more && running() < o->jobs) {
            if (start_child(o->seed, next, o->chunk) == 0) {
                next++;
                planned += o->chunk;
                continue;
            }
            msleep(20); /* out of processes for now (EAGAIN): wait for some to go */
        }
        if (!more && running() == 0)
            break;
        if (!reap_some()) {
            watch_children();
            msleep(10);
        }
    }
}

/* ---- after the run: alive, no leak ------------------------------------------------ */

static void check_alive(void)
{
    int pid = fork();
    if (pid == 0) {
        char *argv[] = {"true", NULL};
        execv("/bin/true", argv);
        _exit(127);
    }
    int st = -1;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        failure("fork and exec of /bin/true failed afterwards (status %#x)", st);
    char path[64], buf[8];
    snprintf(path, sizeof(path), "%s.alive", root_dir);
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "alive", 5) != 5 || pread(fd, buf, 5, 0) != 5 ||
        memcmp(buf, "alive", 5) != 0)
        failure("cannot write and read back a file afterwards");
    if (fd >= 0)
        close(fd);
    unlink(path);
}

/* Bytes of user memory this process has mapped (its heap grows as stdio and
 * opendir need it: those frames are the fuzzer's, not a leak). */
static long own_size(void)
{
    static struct procinfo ps[128];
    int n = getprocs(ps, 128);
    for (int i = 0; i < n; i++)
        if (ps[i].pid == getpid())
            return (long)ps[i].size;
    return 0;
}

/* Free frames plus the frames the fuzzer's own growth took since `base_size`. */
static long frames_free(long base_size)
{
    return memfree() + (own_size() - base_size) / 4096;
}

/* Free frames once every process the run made is gone (init reaps orphans). */
static long settled_memfree(long want, long base_size)
{
    long m = frames_free(base_size);
    for (int i = 0; i < 100 && m < want; i++) {
        msleep(50);
        m = frames_free(base_size);
    }
    return m;
}

/* Touch what the run will use once, so that caches the kernel fills on first use
 * (the process table's frame, stdio's buffers) are not counted as leaks. */
static void warm_up(void)
{
    struct options o = {12345, 50, 0, 1, 50, -1, 0};
    bool t = tracing;
    tracing = false;
    run(&o);
    tracing = t;
    check_alive();
    tot = (struct totals){0};
}

static void report(const struct options *o, long secs, long before, long after, long base_size)
{
    int skipped = 0;
    printf("sysfuzz: seed %llu: %ld calls in %ld children, %ld s (%ld ended by their own calls, "
           "%ld by a signal they caused, %ld killed while blocked, %ld overran)\n",
           (unsigned long long)o->seed, tot.calls, tot.children, secs, tot.exits, tot.by_signal,
           tot.blocked, tot.overran);
    printf("sysfuzz: signals that ended children:");
    for (int i = 1; i < 64; i++)
        if (tot.signals[i])
            printf(" %d (%ld)", i, tot.signals[i]);
    printf("\nsysfuzz: calls (made/succeeded):");
    for (int i = 0; i <= NCALLS; i++) {
        if (i < NCALLS && (calls[i].flags & H_SKIP)) {
            skipped++;
            continue;
        }
        printf("%s %s %ld/%ld", i % 6 ? "" : "\n ", i < NCALLS ? calls[i].name : "(unknown nr)",
               tot.made[i], tot.ok[i]);
    }
    printf("\nsysfuzz: %d calls in the table, %d skipped:", NCALLS, skipped);
    for (int i = 0; i < NCALLS; i++)
        if (calls[i].flags & H_SKIP)
            printf(" %s (%s)", calls[i].name, calls[i].why);
    printf("\nsysfuzz: free frames: %ld before, %ld after (the fuzzer's own growth: %ld KiB)\n",
           before, after, (own_size() - base_size) / 1024);
}

static void list_table(void)
{
    for (int i = 0; i < NCALLS; i++) {
        printf("%4d %-16s", calls[i].nr, calls[i].name);
        for (int a = 0; a < calls[i].nargs; a++)
            printf(" %s", kind_names[calls[i].kinds[a]]);
        if (calls[i].why)
            printf("   [%s]", calls[i].why);
        printf("\n");
    }
}

/* -F n: n processes fork and reap children forever (until killed). */
static void fork_storm(int n)
{
    for (int i = 1; i < n; i++)
        if (fork() == 0)
            break;
    for (;;) {
        int pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid > 0)
            waitpid(pid, NULL, 0);
    }
}

static void usage(void)
{
    fprintf(stderr,
            "usage: sysfuzz [-s seed] [-n calls] [-t seconds] [-j parallel 1-%d] "
            "[-c calls-per-child] [-x call]... [-C child [-v]] | -l | -F processes\n",
            MAX_JOBS);
    exit(2);
}

int main(int argc, char **argv)
{
    struct options o = {1, 100000, 0, 2, 400, -1, 0};
    bool list = false;
    int c;
    const char *exclude[16];
    int nexclude = 0;
    while ((c = getopt(argc, argv, "s:n:t:j:c:C:vlF:x:")) != -1) {
        switch (c) {
        case 's':
            o.seed = strtoull(optarg, NULL, 0);
            break;
        case 'n':
            o.calls = strtol(optarg, NULL, 0);
            break;
        case 't':
            o.seconds = strtol(optarg, NULL, 0);
            break;
        case 'j':
            o.jobs = atoi(optarg);
            break;
        case 'c':
            o.chunk = atoi(optarg);
            break;
        case 'C':
            o.only = atoi(optarg);
            break;
        case 'v':
            tracing = true;
            break;
        case 'l':
            list = true;
            break;
        case 'F':
            o.forkers = atoi(optarg);
            break;
        case 'x':
            if (nexclude < 16)
                exclude[nexclude++] = optarg;
            break;
        default:
            usage();
        }
    }
    if (o.jobs < 1 || o.jobs > MAX_JOBS || o.chunk < 1 || o.chunk > CHUNK_MAX || NCALLS > MAX_CALLS)
        usage();
    if (o.forkers > 0)
        fork_storm(o.forkers);
    table_init();
    for (int i = 0; i < nexclude; i++)
        for (int k = 0; k < NCALLS; k++)
            if (strcmp(calls[k].name, exclude[i]) == 0) {
                calls[k].flags |= H_SKIP;
                calls[k].why = "-x on the command line";
            }
    if (list) {
        list_table();
        return 0;
    }
    snprintf(root_dir, sizeof(root_dir), "/sysfuzz.%d", getpid());
    if (mkdir(root_dir, 0755) != 0) {
        printf("sysfuzz: cannot make %s: %s\n", root_dir, strerror(errno));
        return 1;
    }
    printf("sysfuzz: seed %llu, %s%ld calls, %d at a time, %d per child\n",
           (unsigned long long)o.seed, o.seconds ? "at most " : "", o.calls, o.jobs, o.chunk);
    warm_up();
    long base_size = own_size(), before = memfree(), start = now_ns();
    run(&o);
    long secs = (now_ns() - start) / 1000000000L;
    check_alive();
    rmtree(root_dir, 0);
    long after = settled_memfree(before, base_size);
    report(&o, secs, before, after, base_size);
    if (after < before) /* more free than before is no leak (a page counted resident twice) */
        failure("%ld frames leaked (free frames %ld before the run, %ld after)", before - after,
                before, after);
    printf("sysfuzz: %s\n", tot.failures ? "FAIL" : "PASS");
    return tot.failures ? 1 : 0;
}
