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
int fs_corrupt_selftest(void);

/* Scheduler micro-benchmarks (sched_bench.c), run by bench.c's boot hook. */
void sched_bench_run(void);

#endif
