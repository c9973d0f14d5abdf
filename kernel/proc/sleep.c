/*
 * Timed sleep: one list of sleepers sorted by the tick they wake at.
 *
 * A sleeping thread puts a timer (struct sleep_timer, on its own stack) on
 * the list and blocks; the timer interrupt of hart 0, which counts the
 * global ticks, takes every timer whose deadline has come off the list and
 * wakes its thread.  A sleeper is woken once, at its deadline (or early by
 * a kick: a signal for an interruptible sleep), not at every tick, so a
 * long sleeper costs nothing while it sleeps and is not runnable.  A tick
 * with nothing due costs one comparison (next_due, read without the lock).
 *
 * Invariants:
 *   - timers is sorted by deadline, equal deadlines in arrival order;
 *     next_due is the first timer's deadline (NO_DEADLINE if there is none);
 *   - a timer is on the list only while its thread is in sleep_until, so
 *     the stack it lives on outlives it; the expiry takes it off before it
 *     wakes the thread and touches it no more;
 *   - no wake-up is lost: a sleeper checks the tick count after it has put
 *     its timer on the list and published next_due (fenced), and the tick
 *     counts before it reads next_due (fenced): either the tick sees the
 *     timer or the sleeper sees that its deadline has passed.  The timer is
 *     queued and the thread marked SLEEPING under the list's lock, which
 *     the expiry holds while it wakes, so it never finds a timer whose
 *     thread is not asleep yet;
 *   - a thread woken by a kick (sched_kick, e.g. kill) finds its timer
 *     maybe still on the list and takes it off itself.
 *
 * Lock order (sync/lockorder.h): "sleep timers" -> run-queue lock (the
 * block and the wake-up), and nothing else is taken under it.
 */
#include "proc/sched.h"
#include "proc/thread.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "arch/riscv/timer.h"
#include "lib/list.h"
#include "lib/printf.h"
#include "sync/spinlock.h"
#include "abi/errno.h"

#define NO_DEADLINE (~(uint64_t)0) /* next_due with no timer on the list */

struct sleep_timer {
    struct list_head link; /* (timers_lock) on timers; empty once off it */
    uint64_t deadline;     /* (c) the tick to wake at */
    struct thread *thread; /* (c) the sleeper */
};

static struct spinlock timers_lock = SPINLOCK_INIT("sleep timers");
static struct list_head timers = LIST_HEAD_INIT(timers); /* (timers_lock) by deadline */
static uint64_t next_due = NO_DEADLINE; /* (timers_lock) written; the tick reads it unlocked */

static void update_next_due_locked(void)
{
    ASSERT_HELD(&timers_lock);
    uint64_t due = NO_DEADLINE;
    if (!list_empty(&timers))
        due = list_entry(timers.next, struct sleep_timer, link)->deadline;
    __atomic_store_n(&next_due, due, __ATOMIC_RELAXED);
}

/* Behind every timer due at or before s's deadline. */
static void insert_locked(struct sleep_timer *s)
{
    ASSERT_HELD(&timers_lock);
    struct list_head *e = timers.prev;
    while (e != &timers && list_entry(e, struct sleep_timer, link)->deadline > s->deadline)
        e = e->prev;
    list_insert_between(&s->link, e, e->next);
    update_next_due_locked();
}

static void remove_locked(struct sleep_timer *s)
{
    ASSERT_HELD(&timers_lock);
    if (list_empty(&s->link))
        return;
    list_remove(&s->link);
    update_next_due_locked();
}

void sched_sleep_expire(uint64_t now)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the tick's count before next_due */
    if (now < __atomic_load_n(&next_due, __ATOMIC_RELAXED))
        return;
    spin_lock(&timers_lock);
    while (!list_empty(&timers)) {
        struct sleep_timer *s = list_entry(timers.next, struct sleep_timer, link);
        if (s->deadline > now)
            break;
        struct thread *t = s->thread;
        list_remove(&s->link); /* s may be gone once t runs */
        sched_wake(t);         /* fails if a kick woke it first: it rechecks */
    }
    update_next_due_locked();
    spin_unlock(&timers_lock);
}

/* Sleep until the global tick count reaches `until`; with `interruptible`,
 * return -EINTR early if the thread's process has a signal to act on. */
static int sleep_until(uint64_t until, bool interruptible)
{
    struct thread *t = thread_current();
    struct sleep_timer s = {.deadline = until, .thread = t};
    list_init(&s.link);
    for (;;) {
        if (READ_ONCE(ticks) >= until)
            return 0;
        if (interruptible && t->proc && sig_pending_proc(t->proc))
            return -EINTR;
        spin_lock(&timers_lock);
        insert_locked(&s);
        __atomic_thread_fence(__ATOMIC_SEQ_CST); /* next_due before the count */
        if (READ_ONCE(ticks) >= until) {
            remove_locked(&s);
            spin_unlock(&timers_lock);
            return 0;
        }
        WRITE_ONCE(t->sleeps_for, "ticks"); /* for the process list (^P) */
        sched_block(&timers_lock);          /* returns awake, holding no lock */
        WRITE_ONCE(t->sleeps_for, NULL);
        spin_lock(&timers_lock);
        remove_locked(&s); /* still there if a kick woke us */
        spin_unlock(&timers_lock);
    }
}

void sched_sleep_ticks(uint64_t n)
{
    sleep_until(ticks + n, false);
}

int sched_sleep_ns(uint64_t ns)
{
    uint64_t tick_ns = (uint64_t)timer_tick_ms() * 1000000UL;
    return sleep_until(ticks + (ns + tick_ns - 1) / tick_ns + (ns ? 1 : 0), true);
}
