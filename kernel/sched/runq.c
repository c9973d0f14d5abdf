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
 *   - rq->nr_queued counts the threads queued on rq.
 */
#include "sched/runq.h"
#include "proc/thread.h"
#include "proc/cpu.h"
#include "arch/riscv/smp.h"
#include "arch/riscv/timer.h"
#include "lib/printf.h"

#define BALANCE_TICKS 4 /* how often a busy hart compares queue lengths */

static struct runq runqs[NCPU_MAX];
static const struct sched_ops *active;
static bool global_queue;

void runq_init(bool global, const struct sched_ops *ops)
{
    global_queue = global;
    active = ops;
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

void runq_enqueue_locked(struct runq *rq, struct thread *t,
                         void (*how)(struct runq *, struct thread *))
{
    ASSERT_HELD(&rq->lock);
    if ((t->on_cpu && t != this_cpu()->thread) || t->state != T_RUNNABLE)
        panic("runq_enqueue_locked: thread '%s' on a hart or not runnable", t->name);
    t->rq = rq;
    rq->nr_queued++;
    how(rq, t);
}

void runq_wake_locked(struct runq *rq, struct thread *t, uint64_t slept)
{
    ASSERT_HELD(&rq->lock);
    if (t->on_cpu || t->state != T_RUNNABLE)
        panic("runq_wake_locked: thread '%s' on a hart or not runnable", t->name);
    t->rq = rq;
    rq->nr_queued++;
    active->wake(rq, t, slept);
}

struct thread *runq_pick_locked(struct runq *rq)
{
    ASSERT_HELD(&rq->lock);
    struct thread *t = active->pick_next(rq);
    if (t)
        rq->nr_queued--;
    return t;
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
    struct thread *t = runq_pick_locked(victim);
    if (t)
        t->rq = NULL; /* in transit: the stealing hart owns it */
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
