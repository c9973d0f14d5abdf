/*
 * Self-tests of kernel threads, preemption, sleep/wakeup and the timer.
 *
 * threads: many threads (more than harts) each do rounds of work, yielding
 *          now and then.  Every thread must finish (none lost), the shared
 *          counter must be exact, and a thread must never be found running
 *          twice at once (each marks itself busy with an atomic swap).
 * preempt: more spinning threads than harts, none of which ever yields; the
 *          test thread must still get a hart back (only the timer can give
 *          it one) and every spinner must make progress.
 * sleep:   threads contend for a sleep lock, holding it across a yield;
 *          a producer and a consumer hand items over through a wait queue.
 * timer:   every online hart takes timer interrupts.
 */
#include "test/selftest.h"
#include "proc/thread.h"
#include "proc/sched.h"
#include "proc/cpu.h"
#include "sync/sleeplock.h"
#include "arch/riscv/timer.h"
#include "lib/printf.h"
#include "mm/slab.h"

#define MAX_TEST_THREADS 64

struct worker {
    volatile int busy;
    volatile uint64_t progress;
    uint32_t cpus_seen; /* bitmask of harts it ran on */
    int rounds;
    bool failed;
};

static struct worker workers[MAX_TEST_THREADS];
static struct thread *worker_threads[MAX_TEST_THREADS]; /* worker i runs as thread i */
static volatile uint64_t shared_count;
static volatile bool stop_spinning;

static void spin_work(unsigned n)
{
    for (volatile unsigned i = 0; i < n; i++)
        ;
}

static void worker_rounds(void *arg)
{
    struct worker *w = arg;
    for (int r = 0; r < w->rounds; r++) {
        if (__atomic_exchange_n(&w->busy, 1, __ATOMIC_SEQ_CST) != 0)
            w->failed = true; /* the same thread is running elsewhere */
        w->cpus_seen |= 1U << this_cpu()->id;
        __atomic_fetch_add(&shared_count, 1, __ATOMIC_RELAXED);
        spin_work(2000 + (r * 7919) % 20000);
        w->progress++;
        __atomic_store_n(&w->busy, 0, __ATOMIC_SEQ_CST);
        if (r % 16 == 15)
            sched_yield();
    }
}

/* Start n workers running fn; returns how many started. */
static int start_workers(int n, void (*fn)(void *), int rounds, const char *name)
{
    for (int i = 0; i < n; i++)
        workers[i] = (struct worker){.rounds = rounds};
    return selftest_spawn(worker_threads, n, name, fn, workers, sizeof(workers[0]));
}

int thread_selftest(void)
{
    int n = MIN(4 * ncpu + 4, MAX_TEST_THREADS), rounds = 200;
    shared_count = 0;
    int started = start_workers(n, worker_rounds, rounds, "worker");
    selftest_join(worker_threads, started);
    if (started != n)
        return selftest_fail("threads", "could not create all threads");
    uint32_t harts = 0;
    uint64_t preempts = 0;
    for (int i = 0; i < n; i++) {
        if (workers[i].failed)
            return selftest_fail("threads", "a thread ran on two harts at once");
        if (workers[i].progress != (uint64_t)rounds)
            return selftest_fail("threads", "a thread did not finish its rounds");
        harts |= workers[i].cpus_seen;
    }
    if (shared_count != (uint64_t)n * rounds)
        return selftest_fail("threads", "shared counter is wrong: lost updates or threads");
    int nharts = 0;
    for (; harts; harts &= harts - 1)
        nharts++;
    if (ncpu > 1 && nharts < 2)
        return selftest_fail("threads", "all threads ran on one hart");
    (void)preempts;
    printf("selftest threads: PASS (%d threads x %d rounds on %d harts)\n", n, rounds, nharts);
    return 0;
}

static void spinner(void *arg)
{
    struct worker *w = arg;
    while (!READ_ONCE(stop_spinning)) {
        w->progress++;
        w->cpus_seen |= 1U << this_cpu()->id;
    }
}

int preempt_selftest(void)
{
    int n = MIN(ncpu + 2, MAX_TEST_THREADS);
    stop_spinning = false;
    int started = start_workers(n, spinner, 0, "spinner");
    /* Every hart is busy with spinners now: only preemption brings us back. */
    sched_sleep_ticks(30);
    uint64_t before[MAX_TEST_THREADS];
    for (int i = 0; i < started; i++)
        before[i] = workers[i].progress;
    sched_sleep_ticks(30);
    stop_spinning = true;
    uint64_t preempts = 0;
    bool stuck = false;
    for (int i = 0; i < started; i++) {
        stuck |= workers[i].progress == before[i];
        preempts += worker_threads[i]->npreempt;
    }
    selftest_join(worker_threads, started);
    if (started != n)
        return selftest_fail("preempt", "could not create all threads");
    if (stuck)
        return selftest_fail("preempt", "a spinning thread made no progress (starved)");
    if (preempts == 0)
        return selftest_fail("preempt", "no thread was ever preempted");
    printf("selftest preempt: PASS (%d spinners on %d harts, %lu preemptions)\n", n, ncpu,
           preempts);
    return 0;
}

static struct sleeplock test_sl;
static volatile uint64_t guarded; /* (test_sl) */
static volatile int inside;       /* threads inside test_sl: must stay <= 1 */
static bool mutex_broken;

static void sleeplock_worker(void *arg)
{
    struct worker *w = arg;
    for (int r = 0; r < w->rounds; r++) {
        sleeplock_acquire(&test_sl);
        if (__atomic_add_fetch(&inside, 1, __ATOMIC_SEQ_CST) != 1)
            mutex_broken = true;
        uint64_t v = guarded;
        sched_yield(); /* hold it across a switch: others must sleep */
        guarded = v + 1;
        __atomic_sub_fetch(&inside, 1, __ATOMIC_SEQ_CST);
        sleeplock_release(&test_sl);
    }
}

/* A one-slot mailbox: the producer waits for empty, the consumer for full. */
static struct spinlock box_lock = SPINLOCK_INIT("mailbox");
static struct waitq box_wq = WAITQ_INIT(box_wq, "mailbox");
static int box_full;
static uint64_t box_item, box_sum;

static void producer(void *arg)
{
    for (uint64_t i = 1; i <= 500; i++) {
        spin_lock(&box_lock);
        while (box_full)
            waitq_sleep(&box_wq, &box_lock);
        box_item = i;
        box_full = 1;
        waitq_wake_all(&box_wq);
        spin_unlock(&box_lock);
    }
}

static void consumer(void *arg)
{
    for (int i = 0; i < 500; i++) {
        spin_lock(&box_lock);
        while (!box_full)
            waitq_sleep(&box_wq, &box_lock);
        box_sum += box_item;
        box_full = 0;
        waitq_wake_all(&box_wq);
        spin_unlock(&box_lock);
    }
}

int sleep_selftest(void)
{
    int n = MIN(2 * ncpu + 2, MAX_TEST_THREADS), rounds = 50;
    sleeplock_init(&test_sl, "selftest");
    guarded = 0;
    mutex_broken = false;
    int started = start_workers(n, sleeplock_worker, rounds, "locker");
    box_full = 0;
    box_sum = 0;
    struct thread *p = thread_create("producer", producer, NULL);
    struct thread *c = thread_create("consumer", consumer, NULL);
    if (p)
        thread_join(p);
    if (c)
        thread_join(c);
    selftest_join(worker_threads, started);
    if (started != n || !p || !c)
        return selftest_fail("sleep", "could not create all threads");
    if (mutex_broken || guarded != (uint64_t)n * rounds)
        return selftest_fail("sleep", "sleep lock did not exclude");
    if (box_sum != 500UL * 501 / 2)
        return selftest_fail("sleep", "mailbox lost or duplicated items");
    printf("selftest sleep: PASS (%d threads on a sleep lock, 500 items through a wait queue)\n",
           n);
    return 0;
}

int timer_selftest(void)
{
    uint64_t before[NCPU_MAX], t0 = ticks, ns0 = timer_now_ns();
    for (int i = 0; i < ncpu; i++)
        before[i] = cpus[i].ticks;
    sched_sleep_ticks(20);
    uint64_t elapsed_ms = (timer_now_ns() - ns0) / 1000000;
    for (int i = 0; i < ncpu; i++)
        if (cpus[i].started && cpus[i].ticks == before[i])
            return selftest_fail("timer", "a hart took no timer interrupts");
    if (ticks - t0 < 20)
        return selftest_fail("timer", "slept fewer ticks than asked");
    printf("selftest timer: PASS (%lu ticks in %lu ms on %d harts)\n", ticks - t0, elapsed_ms,
           ncpu);
    return 0;
}
