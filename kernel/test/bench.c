/*
 * Micro-benchmarks, run with bootargs `bench` (see tests/bench.py and
 * docs/performance.md).  Each prints "bench <name>: <value> <unit>".  Times
 * come from the `time` CSR (the timebase), so they are wall-clock time under
 * QEMU's emulation: compare numbers from the same machine only.
 */
#include "test/selftest.h"
#include "test/fs_util.h"
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
    for (int i = 0; i < ncpu; i++)
        t[i] = thread_create("yielder", yielder, NULL);
    uint64_t before = thread_current()->nswitch, t0 = timer_now_ns();
    for (int i = 0; i < ROUNDS / 4; i++)
        sched_yield();
    uint64_t ns = timer_now_ns() - t0, n = thread_current()->nswitch - before;
    pingpong_stop = 1;
    for (int i = 0; i < ncpu; i++)
        if (t[i])
            thread_join(t[i]);
    report("sched_yield round trip", ns, n);
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

void bench_run(void)
{
    printf("bench: %d harts, tick %u ms\n", ncpu, timer_tick_ms());
    bench_pages();
    bench_kmalloc();
    bench_switch();
    bench_fs();
    printf("bench: done\n");
}
