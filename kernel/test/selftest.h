/*
 * In-kernel self-tests: what only the real kernel on real (emulated) harts
 * can check.  Each prints "selftest <name>: PASS ..." or "... FAIL: why" and
 * returns 0 or -1.  Chosen with bootargs selftest=<list>|all, or typed at the
 * kernel monitor.
 */
#ifndef TEST_SELFTEST_H
#define TEST_SELFTEST_H

struct selftest {
    const char *name;
    int (*run)(void); /* runs in a kernel thread; may sleep */
};

#include "types.h"

struct thread;

/* Print "selftest TEST: FAIL: <message>" and return -1 (selftest_util.c). */
int selftest_fail(const char *test, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Start n kernel threads called name running fn, thread i on the argument
 * args + i * arg_size (NULL for all if args is NULL), into t[]; returns how
 * many started (fewer only when out of memory). */
int selftest_spawn(struct thread **t, int n, const char *name, void (*fn)(void *), void *args,
                   size_t arg_size);
/* Wait for t[0 .. n-1] to exit. */
void selftest_join(struct thread **t, int n);

/* Run the named tests ("all" or a comma list); returns the number failed. */
int selftest_run_list(const char *list);
void selftest_print_names(void);

int thread_selftest(void);
int preempt_selftest(void);
int sleep_selftest(void);
int timer_selftest(void);
int wakeup_selftest(void);
int spread_selftest(void);
int stride_selftest(void);
int mlfq_selftest(void);
int disk_selftest(void);
int fs_basic_selftest(void);
int fs_bigfile_selftest(void);
int fs_dirs_selftest(void);
int fs_links_selftest(void);
int fs_open_selftest(void);
int fs_rename_selftest(void);
int fs_concurrent_selftest(void);
int fs_full_selftest(void);
int fs_log_selftest(void);
int fs_corrupt_selftest(void);

/* Scheduler micro-benchmarks (sched_bench.c), run by bench.c's boot hook. */
void sched_bench_run(void);

#endif
