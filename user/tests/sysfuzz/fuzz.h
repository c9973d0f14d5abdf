/*
 * fuzz.h: what the files of sysfuzz (user/tests/sysfuzz/) share.
 *
 *   table.c   the call table, built from kernel/abi/syscalls.def: each
 *             parameter's kind from its declaration, and the hints
 *   gen.c     the generator (xorshift64*, one stream per child) and the
 *             adversarial arguments drawn from it: words, pointers, paths,
 *             argv arrays, descriptors, pids
 *   child.c   a child's life: its scratch directory and setup descriptors,
 *             one fuzzed call after another, the report of each call
 *   parent.c  the parent: children started a few at a time, watched (blocked
 *             or overrunning ones killed), reaped and counted, their
 *             directories removed
 *   check.c   after the run: the kernel alive, no frame leaked, the summary
 *   main.c    options, -l, -F, and the run
 *
 * Single-threaded: the globals below are each written by one side (the
 * child's by the child after fork, the parent's by the parent).
 */
#ifndef SYSFUZZ_FUZZ_H
#define SYSFUZZ_FUZZ_H

#include <stdbool.h>
#include <stdint.h>

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
#define MAP_WINDOW 0x2000000000UL /* the child's mmap window: far from heap and stack */
#define MAP_WINDOW_PAGES 64
#define SETUP_FAILED 0x7fff /* record: the child could not make its scratch directory */

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
    H_MAP = 512,    /* often a well-formed request on the mapping window, then used */
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

struct totals {
    long made[MAX_CALLS + 1], ok[MAX_CALLS + 1];
    long calls, children, blocked, overran, self_ended, by_signal, exits;
    long signals[65];
    int failures;
};

struct options {
    uint64_t seed;
    long calls, seconds;
    int jobs, chunk, only, forkers;
};

/* table.c */
extern struct call table_calls[];
extern const int table_ncalls;
void table_init(void);
void table_list(void);

/* gen.c: child k of seed s draws the same numbers whatever the kernel returns */
void gen_seed(uint64_t seed, uint64_t child);
uint64_t gen_below(uint64_t n);
bool gen_chance(int percent);
long gen_interesting(void);
long gen_arg(enum kind k, int flags);
#define PICK(a) ((a)[gen_below(sizeof(a) / sizeof((a)[0]))])

/* child.c */
extern char *child_arena;      /* ARENA_SIZE bytes at the top of the child's heap */
extern char child_scratch[64]; /* "/sysfuzz.<pid>/c<k>" */
extern int child_last_fork;    /* the pid of the child's newest fork */
extern bool child_tracing;     /* -v: print every call and its result */
void child_main(uint64_t seed, int k, int ncalls, int report_wfd) __attribute__((noreturn));
void __sigtramp(void); /* the user library's handler return (user/lib/sigtramp.S) */

/* parent.c */
extern struct totals parent_tot;
extern char parent_root_dir[32]; /* "/sysfuzz.<pid>" */
long parent_now_ns(void);
void parent_msleep(long ms);
void parent_failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void parent_rmtree(const char *path, int depth);
void parent_run(const struct options *o);

/* check.c */
void check_alive(void);
long check_own_size(void);
/* Free frames, and page-cache frames no process maps (given back at once
 * under pressure, and when their file's last reference goes). */
long check_memfree(void);
long check_settled_memfree(long want, long base_size);
/* Note the kernel's own memory (slab frames, reverse-map items) before the
 * run (when 0) or after it (1), for the report: where missing frames went. */
void check_kernel_mem(int when, long frames);
/* After both counts: are the missing frames held, not leaked (<quill/memcheck.h>)? */
bool check_mem_held(void);
void check_warm_up(void);
void check_report(const struct options *o, long secs, long before, long after, long base_size);

#endif
