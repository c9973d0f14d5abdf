/*
 * Run queues: one per hart (or one shared with runq=global), placement of
 * new and woken threads, work stealing and periodic balancing.  The policy
 * and the lock order are described in runq.h.
 *
 * Invariants:
 *   - a RUNNABLE thread is on exactly one queue (t->rq), or in transit in
 *     the hands of one hart (stolen, or being woken), never on two;
 *   - a thread is queued only once it is off every hart (on_cpu == 0):
 *     a thread queues itself under its hart's lock, which the hart holds
 *     until the switch-out is complete; a waker waits for on_cpu == 0;
 *   - rq->nr_queued counts the threads queued on rq;
 *   - rq->offer_wakee, if set, is queued on rq (every way off the queue,
 *     a pick, a steal or a policy switch, clears the offer);
 *   - t->rq is the queue t is on or was last on (running, asleep, or in
 *     transit to another hart); the policy state of a thread that is not
 *     queued is relative to t->rq until it is queued again.
 */
#include "sched/runq.h"
#include "proc/thread.h"
#include "proc/cpu.h"
#include "arch/riscv/smp.h"
#include "arch/riscv/timer.h"
#include "lib/printf.h"
#include "sync/sleeplock.h"
#include "abi/errno.h"

#define BALANCE_TICKS 4 /* how often a busy hart compares queue lengths */

static struct runq runqs[NCPU_MAX];
/* The active policy and its generation: changed only with every run-queue
 * lock held, so a hart holding one sees them agree with rq->pol. */
static const struct sched_ops *active;
static unsigned policy_gen = 1;
static bool global_queue;            /* (i) */
static struct sleeplock switch_lock; /* one policy switch at a time */

void runq_init(bool global, const struct sched_ops *ops)
{
    global_queue = global;
    active = ops;
    sleeplock_init(&switch_lock, "policy switch");
    for (int i = 0; i < NCPU_MAX; i++) {
        spin_init(&runqs[i].lock, "runq");
        runqs[i].id = i;
        if ((i == 0 || !global) && i < ncpu && ops->rq_init(&runqs[i]) != 0)
            panic("runq_init: no memory for run queue %d", i);
    }
}

const struct sched_ops *runq_policy(void)
{
    return active;
}

bool runq_is_global(void)
{
    return global_queue;
}

struct runq *runq_of_cpu(int cpu)
{
    return &runqs[global_queue ? 0 : cpu];
}

struct runq *runq_lock_self(void)
{
    intr_push(); /* stay on this hart until the lock pins us */
    struct runq *rq = runq_of_cpu(this_cpu()->id);
    spin_lock(&rq->lock);
    intr_pop();
    return rq;
}

/* A thread whose policy state predates the active policy gets a fresh one
 * (relative to rq): true if it did. */
static bool ensure_state(struct runq *rq, struct thread *t)
{
    if (t->sched_gen == policy_gen)
        return false;
    active->fork(rq, NULL, t);
    t->sched_gen = policy_gen;
    return true;
}

void runq_fork_locked(struct runq *rq, struct thread *parent, struct thread *child)
{
    ASSERT_HELD(&rq->lock);
    active->fork(rq, parent, child);
    child->sched_gen = policy_gen;
}

/* Checks t and counts it on rq; returns the queue its policy state is
 * relative to (t->rq before, or rq if the state was just made afresh). */
static struct runq *check_queueable(struct runq *rq, struct thread *t, const char *what)
{
    ASSERT_HELD(&rq->lock);
    if ((t->on_cpu && t != this_cpu()->thread) || t->state != T_RUNNABLE)
        panic("%s: thread '%s' on a hart or not runnable", what, t->name);
    struct runq *from = t->rq;
    if (ensure_state(rq, t) || !from)
        from = rq;
    t->rq = rq;
    t->queued_since = ticks;
    rq->nr_queued++;
    return from;
}

void runq_enqueue_locked(struct runq *rq, struct thread *t, enum runq_why why)
{
    ASSERT_HELD(&rq->lock);
    struct runq *from = check_queueable(rq, t, "runq_enqueue_locked");
    switch (why) {
    case RQ_YIELDED:
        active->yield(rq, t);
        break;
    case RQ_MIGRATED:
        active->migrate(rq, t, from);
        break;
    default:
        active->enqueue(rq, t);
        break;
    }
}

void runq_wake_locked(struct runq *rq, struct thread *t, uint64_t slept)
{
    ASSERT_HELD(&rq->lock);
    struct runq *from = check_queueable(rq, t, "runq_wake_locked");
    active->wake(rq, t, slept, from);
}

struct thread *runq_pick_locked(struct runq *rq)
{
    ASSERT_HELD(&rq->lock);
    struct thread *t = active->pick_next(rq);
    if (t)
        rq->nr_queued--;
    if (t && t == rq->offer_wakee)
        rq->offer_wakee = rq->offer_waker = NULL;
    return t;
}

void runq_offer_locked(struct runq *rq, struct thread *waker, struct thread *wakee)
{
    ASSERT_HELD(&rq->lock);
    if (wakee->rq != rq || wakee->state != T_RUNNABLE)
        panic("runq_offer_locked: '%s' is not queued on run queue %d", wakee->name, rq->id);
    rq->offer_wakee = wakee;
    rq->offer_waker = waker;
}

struct thread *runq_take_offer_locked(struct runq *rq, struct thread *waker)
{
    ASSERT_HELD(&rq->lock);
    struct thread *wakee = rq->offer_wakee;
    if (!wakee || rq->offer_waker != waker)
        return NULL;
    rq->offer_wakee = rq->offer_waker = NULL;
    ensure_state(rq, waker); /* it may have run since a policy switch without a tick */
    if (!active->take(rq, waker, wakee))
        return NULL;
    rq->nr_queued--;
    return wakee;
}

void runq_withdraw_offer_locked(struct runq *rq, struct thread *waker)
{
    ASSERT_HELD(&rq->lock);
    if (rq->offer_waker == waker)
        rq->offer_wakee = rq->offer_waker = NULL;
}

bool runq_tick_locked(struct runq *rq, struct thread *t)
{
    ASSERT_HELD(&rq->lock);
    ensure_state(rq, t);
    return active->tick(rq, t);
}

static int nr_queues(void)
{
    return global_queue ? 1 : ncpu;
}

void runq_lock_all(void)
{
    for (int i = 0; i < nr_queues(); i++)
        spin_lock(&runqs[i].lock);
}

void runq_unlock_all(void)
{
    for (int i = nr_queues() - 1; i >= 0; i--)
        spin_unlock(&runqs[i].lock);
}

void runq_params_changed(struct thread *t)
{
    runq_lock_all();
    if (active->params_changed)
        active->params_changed(t);
    runq_unlock_all();
}

/* Move every thread queued on rq from the old policy's state to `fresh`. */
static void move_queue_locked(struct runq *rq, const struct sched_ops *old, void *fresh)
{
    ASSERT_HELD(&rq->lock);
    struct list_head moved = LIST_HEAD_INIT(moved);
    struct thread *t;
    rq->offer_wakee = rq->offer_waker = NULL;
    while ((t = old->pick_next(rq)) != NULL)
        list_push_back(&moved, &t->rq_link);
    rq->nr_queued = 0;
    rq->pol = fresh;
    struct list_head *e;
    while ((e = list_pop_front(&moved)) != NULL)
        runq_enqueue_locked(rq, list_entry(e, struct thread, rq_link), RQ_NEW);
}

int runq_switch_policy(const struct sched_ops *ops)
{
    void *fresh[NCPU_MAX] = {0}, *old[NCPU_MAX];
    int n = nr_queues(), err = 0;
    sleeplock_acquire(&switch_lock);
    if (ops == active)
        goto out_unlock;
    for (int i = 0; i < n; i++) {
        struct runq tmp = {.id = i};
        if (ops->rq_init(&tmp) != 0) {
            err = -ENOMEM;
            goto out_free;
        }
        fresh[i] = tmp.pol;
    }
    const struct sched_ops *prev = active;
    runq_lock_all();
    active = ops;
    policy_gen++;
    for (int i = 0; i < n; i++) {
        old[i] = runqs[i].pol;
        move_queue_locked(&runqs[i], prev, fresh[i]);
        fresh[i] = old[i]; /* freed below, with the old policy's rq_free */
    }
    runq_unlock_all();
    ops = prev;
out_free:
    for (int i = 0; i < n; i++) {
        struct runq tmp = {.id = i, .pol = fresh[i]};
        if (fresh[i])
            ops->rq_free(&tmp);
    }
out_unlock:
    sleeplock_release(&switch_lock);
    return err;
}

static bool cpu_is_idle(int i)
{
    return cpus[i].started && READ_ONCE(cpus[i].thread) == NULL &&
           READ_ONCE(runqs[i].nr_queued) == 0;
}

static int idle_cpu_from(int first)
{
    for (int k = 0; k < ncpu; k++) {
        int i = (first + k) % ncpu;
        if (cpu_is_idle(i))
            return i;
    }
    return -1;
}

/* The started hart with the fewest queued threads, `pref` on a tie. */
static int least_loaded_cpu(int pref)
{
    int best = pref;
    for (int i = 0; i < ncpu; i++)
        if (cpus[i].started && READ_ONCE(runqs[i].nr_queued) < READ_ONCE(runqs[best].nr_queued))
            best = i;
    return best;
}

struct runq *runq_place(struct thread *t, bool is_new)
{
    if (global_queue)
        return &runqs[0];
    int here = this_cpu()->id;
    int last = is_new ? here : t->cpu;
    if (!cpus[last].started)
        last = here;
    if (!is_new && cpu_is_idle(last))
        return &runqs[last];
    int idle = idle_cpu_from(last);
    if (idle >= 0)
        return &runqs[idle];
    return &runqs[is_new ? least_loaded_cpu(last) : last];
}

struct runq *runq_place_sync(struct thread *t, bool offer)
{
    struct cpu *c = this_cpu();
    if (!global_queue && c->thread && (offer || READ_ONCE(runqs[c->id].nr_queued) == 0))
        return &runqs[c->id];
    return runq_place(t, false);
}

void runq_notify(struct runq *rq)
{
    int self = this_cpu()->id;
    if (global_queue) {
        int idle = idle_cpu_from(self + 1);
        if (idle < 0) /* queue 0 is not empty: look for a hart without a thread */
            for (int i = 0; i < ncpu && idle < 0; i++)
                if (i != self && cpus[i].started && READ_ONCE(cpus[i].thread) == NULL)
                    idle = i;
        if (idle >= 0 && idle != self)
            ipi_send(idle, IPI_RESCHED);
        return;
    }
    if (rq->id != self && cpus[rq->id].started && READ_ONCE(cpus[rq->id].thread) == NULL)
        ipi_send(rq->id, IPI_RESCHED);
}

/* The other queue with the most queued threads (at least `min`), or NULL. */
static struct runq *busiest_other(struct runq *self, unsigned min)
{
    struct runq *best = NULL;
    unsigned most = min ? min - 1 : 0;
    for (int i = 0; i < ncpu; i++) {
        unsigned n = READ_ONCE(runqs[i].nr_queued);
        if (i != self->id && n > most) {
            most = n;
            best = &runqs[i];
        }
    }
    return best;
}

static struct thread *take_from(struct runq *victim)
{
    spin_lock(&victim->lock);
    /* In transit: the stealing hart owns it; t->rq stays victim, the queue
     * its policy state is relative to, until it is queued again. */
    struct thread *t = runq_pick_locked(victim);
    spin_unlock(&victim->lock);
    return t;
}

struct thread *runq_steal(struct runq *self)
{
    if (global_queue)
        return NULL;
    struct runq *victim = busiest_other(self, 1);
    return victim ? take_from(victim) : NULL;
}

struct thread *runq_balance(struct runq *self)
{
    if (global_queue || ticks - READ_ONCE(self->last_balance) < BALANCE_TICKS)
        return NULL;
    WRITE_ONCE(self->last_balance, ticks);
    unsigned mine = READ_ONCE(self->nr_queued);
    struct runq *victim = busiest_other(self, mine + 2);
    return victim ? take_from(victim) : NULL;
}
