/*
 * Scheduler micro-benchmarks (part of bootargs `bench`, see bench.c):
 *
 *   yield, N runnable:        N threads (N = 2 and 64, spread over the
 *                             harts) call sched_yield in a loop;
 *   wait-queue ping-pong, N:  two threads hand a turn back and forth
 *                             through a wait queue (sleep and wake every
 *                             time, as a pipe does) while N - 2 others
 *                             yield in a loop.
 *
 * The yield rows report the cost of one context switch: the harts' time
 * (elapsed time x harts) divided by the switches all the benchmark's
 * threads made; with O(1) queues the cost with 64 runnable threads stays
 * close to the cost with 2.  The ping-pong rows report the time per
 * hand-over (a sleep, a wake-up and the switches between): with 2 runnable
 * it is the wake-up latency; with 64, each side also waits for the yielders
 * queued before it.
 */
#include "test/selftest.h"
#include "arch/riscv/timer.h"
#include "lib/printf.h"
#include "mm/slab.h"
#include "proc/cpu.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "sync/waitq.h"

#define BENCH_THREADS 64
#define BENCH_TICKS 50 /* how long each measurement runs */

static volatile bool stop;
static struct spinlock pp_lock = SPINLOCK_INIT("bench pingpong");
static struct waitq pp_wq = WAITQ_INIT(pp_wq, "bench pingpong");
static int pp_turn; /* (pp_lock) */
static volatile uint64_t pp_handovers;

static void yielder(void *arg)
{
    while (!READ_ONCE(stop))
        sched_yield();
}

static int pp_ids[2] = {0, 1}; /* the pingers' arguments: whose turn is whose */

static void pinger(void *arg)
{
    int me = *(int *)arg;
    spin_lock(&pp_lock);
    while (!READ_ONCE(stop)) {
        if (pp_turn != me) {
            waitq_sleep(&pp_wq, &pp_lock);
            continue;
        }
        pp_turn = !me;
        pp_handovers++;
        waitq_wake_all(&pp_wq);
    }
    pp_turn = !me; /* let the other one see `stop` too */
    waitq_wake_all(&pp_wq);
    spin_unlock(&pp_lock);
}

static uint64_t switches(struct thread **t, int n)
{
    uint64_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += READ_ONCE(t[i]->nswitch);
    return sum;
}

/* Run n threads (the first `pingers` of them ping-pong) for BENCH_TICKS. */
static void measure(const char *what, int n, int pingers)
{
    struct thread *t[BENCH_THREADS];
    stop = false;
    pp_turn = 0;
    pp_handovers = 0;
    int started = selftest_spawn(t, pingers, "bench", pinger, pp_ids, sizeof(pp_ids[0]));
    if (started == pingers)
        started += selftest_spawn(t + started, n - started, "bench", yielder, NULL, 0);
    sched_sleep_ticks(5); /* let them spread over the harts */
    uint64_t s0 = switches(t, started), h0 = pp_handovers, t0 = timer_now_ns();
    sched_sleep_ticks(BENCH_TICKS);
    uint64_t ns = timer_now_ns() - t0, s = switches(t, started) - s0, h = pp_handovers - h0;
    stop = true;
    selftest_join(t, started);
    if (pingers)
        printf("bench %s, %d runnable: %lu ns/hand-over (%lu hand-overs, %lu switches)\n", what,
               started, h ? ns / h : 0, h, s);
    else
        printf("bench %s, %d runnable: %lu ns/switch (%lu switches)\n", what, started,
               s ? ns * ncpu / s : 0, s);
}

void sched_bench_run(void)
{
    printf("bench: scheduler %s\n", sched_policy_name());
    measure("yield", 2, 0);
    measure("yield", BENCH_THREADS, 0);
    measure("wait-queue ping-pong", 2, 2);
    measure("wait-queue ping-pong", BENCH_THREADS, 2);
}
