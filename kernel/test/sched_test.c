/*
 * Self-tests of the scheduler core: run queues, wake-ups and kicks.
 *
 * wakeup: pairs of threads hand a turn back and forth through a wait queue
 *         (each sleeps until it is its turn) while a kicker thread keeps
 *         waking every one of them directly (sched_kick, as kill does).
 *         Every hand-over must arrive: a lost wake-up leaves a pair stuck,
 *         which the test sees as no progress over a long interval.  The
 *         turn counts must be exact (no thread ran twice at once).
 * spread: twice as many spinning threads as harts: every hart must run
 *         spinners and no hart may sit idle while threads wait (stealing
 *         and balancing keep every queue fed).
 */
#include "test/selftest.h"
#include "proc/thread.h"
#include "proc/sched.h"
#include "proc/cpu.h"
#include "sync/waitq.h"
#include "arch/riscv/timer.h"
#include "lib/printf.h"

#define MAX_PAIRS 17
#define ROUNDS 300
#define STUCK_TICKS 1000 /* no hand-over at all for 10 s at 10 ms: stuck */

struct pair {
    struct spinlock lock;
    struct waitq wq;
    int turn;  /* (lock) 0: a's turn, 1: b's */
    int count; /* (lock) hand-overs so far */
    volatile int busy[2];
    bool twice; /* a side was found running twice at once */
    struct thread *t[2];
};

static struct pair pairs[MAX_PAIRS];
static volatile int sides_done;
static volatile bool kicker_stop;

static void side(struct pair *p, int me)
{
    for (int r = 0; r < ROUNDS; r++) {
        spin_lock(&p->lock);
        while (p->turn != me)
            waitq_sleep(&p->wq, &p->lock);
        if (__atomic_exchange_n(&p->busy[me], 1, __ATOMIC_SEQ_CST))
            p->twice = true;
        p->turn = !me;
        p->count++;
        __atomic_store_n(&p->busy[me], 0, __ATOMIC_SEQ_CST);
        waitq_wake_all(&p->wq);
        spin_unlock(&p->lock);
    }
    __atomic_fetch_add(&sides_done, 1, __ATOMIC_SEQ_CST);
}

static void side_a(void *arg)
{
    side(arg, 0);
}

static void side_b(void *arg)
{
    side(arg, 1);
}

static void kicker(void *arg)
{
    int n = *(int *)arg;
    while (!READ_ONCE(kicker_stop)) {
        for (int i = 0; i < n; i++)
            for (int s = 0; s < 2; s++)
                sched_kick(pairs[i].t[s]);
        sched_yield();
    }
}

static int total_count(int n)
{
    int sum = 0;
    for (int i = 0; i < n; i++)
        sum += READ_ONCE(pairs[i].count);
    return sum;
}

/* Wait for every side to finish; false if no progress for STUCK_TICKS. */
static bool wait_sides(int n)
{
    int last = -1;
    uint64_t since = ticks;
    while (READ_ONCE(sides_done) < 2 * n) {
        int now = total_count(n);
        if (now != last) {
            last = now;
            since = ticks;
        } else if (ticks - since > STUCK_TICKS) {
            return false;
        }
        sched_sleep_ticks(5);
    }
    return true;
}

static int start_pairs(int n)
{
    for (int i = 0; i < n; i++) {
        struct pair *p = &pairs[i];
        *p = (struct pair){0};
        spin_init(&p->lock, "pair");
        waitq_init(&p->wq, "pair");
        p->t[0] = thread_create("ping", side_a, p);
        p->t[1] = thread_create("pong", side_b, p);
        if (!p->t[0] || !p->t[1])
            return -1;
    }
    return 0;
}

int wakeup_selftest(void)
{
    int n = MIN(2 * ncpu + 1, MAX_PAIRS);
    sides_done = 0;
    kicker_stop = false;
    if (start_pairs(n) != 0)
        return selftest_fail("wakeup", "could not create the threads");
    struct thread *k = thread_create("kicker", kicker, &n);
    bool finished = wait_sides(n);
    kicker_stop = true;
    if (!finished)
        return selftest_fail("wakeup", "a hand-over never arrived (lost wake-up)");
    if (k)
        thread_join(k);
    for (int i = 0; i < n; i++) {
        thread_join(pairs[i].t[0]);
        thread_join(pairs[i].t[1]);
        if (pairs[i].twice)
            return selftest_fail("wakeup", "a thread ran on two harts at once");
        if (pairs[i].count != 2 * ROUNDS)
            return selftest_fail("wakeup", "hand-overs lost or duplicated");
    }
    printf("selftest wakeup: PASS (%d pairs x %d hand-overs, kicked throughout)\n", n, 2 * ROUNDS);
    return 0;
}

static volatile bool spread_stop;
static volatile uint32_t spread_harts;

static void spread_spinner(void *arg)
{
    while (!READ_ONCE(spread_stop))
        __atomic_fetch_or(&spread_harts, 1U << this_cpu()->id, __ATOMIC_RELAXED);
}

static uint64_t idle_sum(void)
{
    uint64_t sum = 0;
    for (int i = 0; i < ncpu; i++)
        sum += READ_ONCE(cpus[i].idle_ticks);
    return sum;
}

int spread_selftest(void)
{
    struct thread *t[2 * NCPU_MAX];
    int n = 2 * ncpu, started = 0;
    spread_stop = false;
    spread_harts = 0;
    started = selftest_spawn(t, n, "spread", spread_spinner, NULL, 0);
    sched_sleep_ticks(10); /* let placement and stealing settle */
    uint64_t idle0 = idle_sum();
    sched_sleep_ticks(30);
    uint64_t idled = idle_sum() - idle0;
    spread_stop = true;
    selftest_join(t, started);
    if (started != n)
        return selftest_fail("spread", "could not create the threads");
    int harts = 0;
    for (uint32_t m = spread_harts; m; m &= m - 1)
        harts++;
    if (harts != ncpu)
        return selftest_fail("spread", "some hart never ran a spinner");
    /* This thread's own sleeps may leave its hart idle for a moment twice
     * per tick at most; spinners waiting in a queue must not. */
    if (idled > 2 * 30)
        return selftest_fail("spread", "harts idled while threads waited");
    printf("selftest spread: PASS (%d spinners on %d harts, %lu idle passes)\n", n, harts, idled);
    return 0;
}
