/*
 * Micro-benchmarks, run with bootargs `bench` (see tests/bench.py and
 * docs/performance.md).  Each prints "bench <name>: <value> <unit>".  Times
 * come from the `time` CSR (the timebase), so they are wall-clock time under
 * QEMU's emulation: compare numbers from the same machine only.
 */
#include "init/boot.h"
#include "test/fs_util.h"
#include "test/selftest.h"
#include "arch/riscv/timer.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "proc/cpu.h"
#include "proc/sched.h"
#include "proc/thread.h"

#define ROUNDS 20000

static void report(const char *name, uint64_t ns, uint64_t ops)
{
    printf("bench %s: %lu ns/op (%lu ops)\n", name, ops ? ns / ops : 0, ops);
}

/* ROUNDS allocations and frees of `order`, 16 at a time. */
static void bench_page_order(unsigned order)
{
    void *p[16];
    char name[40];
    uint64_t t0 = timer_now_ns();
    for (int r = 0; r < ROUNDS / 16; r++) {
        for (int i = 0; i < 16; i++)
            p[i] = page_alloc(order);
        for (int i = 0; i < 16; i++)
            page_free(p[i], order);
    }
    snprintf(name, sizeof(name), "page_alloc+free order %u", order);
    report(name, timer_now_ns() - t0, ROUNDS);
}

static void bench_pages(void)
{
    bench_page_order(0);
    bench_page_order(3);
}

static void bench_kmalloc(void)
{
    static const size_t sizes[] = {32, 256, 2048};
    void *p[16];
    char name[40];
    for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
        uint64_t t0 = timer_now_ns();
        for (int r = 0; r < ROUNDS / 16; r++) {
            for (int i = 0; i < 16; i++)
                p[i] = kmalloc(sizes[s]);
            for (int i = 0; i < 16; i++)
                kfree(p[i]);
        }
        snprintf(name, sizeof(name), "kmalloc+kfree %lu bytes", sizes[s]);
        report(name, timer_now_ns() - t0, ROUNDS);
    }
}

static volatile int pingpong_stop;

static void yielder(void *arg)
{
    while (!pingpong_stop)
        sched_yield();
}

static void bench_switch(void)
{
    /* One extra thread per hart yielding: every yield here is a switch. */
    struct thread *t[NCPU_MAX];
    pingpong_stop = 0;
    int n = selftest_spawn(t, ncpu, "yielder", yielder, NULL, 0);
    uint64_t before = thread_current()->nswitch, t0 = timer_now_ns();
    for (int i = 0; i < ROUNDS / 4; i++)
        sched_yield();
    uint64_t ns = timer_now_ns() - t0, switches = thread_current()->nswitch - before;
    pingpong_stop = 1;
    selftest_join(t, n);
    report("sched_yield round trip", ns, switches);
}

static void bench_fs(void)
{
    char path[32];
    if (!root_fs)
        return;
    uint64_t t0 = timer_now_ns();
    for (int i = 0; i < 200; i++) {
        snprintf(path, sizeof(path), "/bench%d", i);
        put_file(path, path, 8);
    }
    for (int i = 0; i < 200; i++) {
        snprintf(path, sizeof(path), "/bench%d", i);
        fs_unlink(NULL, path);
    }
    report("fs create+write+unlink", timer_now_ns() - t0, 200);
    size_t len = 8 * 1024 * 1024;
    t0 = timer_now_ns();
    put_pattern_file("/bench.big", len, 1);
    uint64_t wns = timer_now_ns() - t0;
    t0 = timer_now_ns();
    check_pattern_file("/bench.big", len, 1);
    uint64_t rns = timer_now_ns() - t0;
    fs_unlink(NULL, "/bench.big");
    printf("bench fs sequential write: %lu KiB/s\n", len / 1024 * 1000000000UL / (wns ? wns : 1));
    printf("bench fs sequential read: %lu KiB/s\n", len / 1024 * 1000000000UL / (rns ? rns : 1));
}

/*
 * A directory of BIGDIR entries: the cost of the last 200 creates and of
 * 200 lookups there, next to the same in an empty directory (the directory
 * index and the free-slot hint keep them about equal).
 */
#define BIGDIR 3000
static uint64_t time_creates(const char *dir, int from, int n)
{
    char path[48];
    uint64_t t0 = timer_now_ns();
    for (int i = from; i < from + n; i++) {
        snprintf(path, sizeof(path), "%s/f%d", dir, i);
        put_file(path, "", 0);
    }
    return timer_now_ns() - t0;
}

static uint64_t time_lookups(const char *dir, int from, int n)
{
    char path[48];
    struct kstat st;
    uint64_t t0 = timer_now_ns();
    for (int i = from; i < from + n; i++) {
        snprintf(path, sizeof(path), "%s/f%d", dir, i);
        fs_stat(NULL, path, true, &st);
    }
    return timer_now_ns() - t0;
}

static void remove_entries(const char *dir, int n)
{
    char path[48];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/f%d", dir, i);
        fs_unlink(NULL, path);
    }
    fs_rmdir(NULL, dir);
}

static void bench_bigdir(void)
{
    if (!root_fs || fs_mkdir(NULL, "/bench.small", 0755) || fs_mkdir(NULL, "/bench.dir", 0755))
        return;
    report("fs create in an empty directory", time_creates("/bench.small", 0, 200), 200);
    report("fs lookup in a 200-entry directory", time_lookups("/bench.small", 0, 200), 200);
    remove_entries("/bench.small", 200);
    time_creates("/bench.dir", 0, BIGDIR - 200);
    report("fs create in a 3000-entry directory", time_creates("/bench.dir", BIGDIR - 200, 200),
           200);
    report("fs lookup in a 3000-entry directory", time_lookups("/bench.dir", 0, 200), 200);
    remove_entries("/bench.dir", BIGDIR);
}

static void bench_run(void)
{
    printf("bench: %d harts, tick %u ms\n", ncpu, timer_tick_ms());
    bench_pages();
    bench_kmalloc();
    bench_switch();
    sched_bench_run();
    bench_fs();
    bench_bigdir();
    printf("bench: done\n");
}

static void bench_hook(const char *value)
{
    bench_run();
}
BOOT_HOOK(bench, "bench", BOOT_HOOK_FIRST_THREAD, bench_hook);
