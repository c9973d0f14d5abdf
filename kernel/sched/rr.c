/*
 * Round robin: each run queue is one FIFO.  A thread runs for a slice of
 * `slice` ticks, then goes to the back of its queue; a thread that yields,
 * wakes or is new also goes to the back with a fresh slice, except that a
 * thread woken alone by one that then sleeps runs in the rest of the
 * sleeper's slice (the hand-off: the pair shares one turn).
 *
 * Invariant: the threads queued on rq are exactly those on its FIFO, in the
 * order they became runnable; pick_next takes the front.
 */
#include "sched/runq.h"
#include "proc/thread.h"
#include "lib/list.h"
#include "mm/slab.h"
#include "abi/errno.h"

struct rr_rq {
    struct list_head fifo; /* (rq->lock) */
};

static struct list_head *fifo(struct runq *rq)
{
    return &((struct rr_rq *)rq->pol)->fifo;
}

static void rr_init(const char *bootargs)
{
}

static int rr_set_tunable(const char *key, unsigned long value)
{
    return -EINVAL;
}

static void rr_describe(char *buf, size_t size)
{
    if (size)
        buf[0] = '\0';
}

static int rr_rq_init(struct runq *rq)
{
    struct rr_rq *r = kzalloc(sizeof(*r));
    if (!r)
        return -ENOMEM;
    list_init(&r->fifo);
    rq->pol = r;
    return 0;
}

static void rr_rq_free(struct runq *rq)
{
    kfree(rq->pol);
    rq->pol = NULL;
}

static void rr_enqueue(struct runq *rq, struct thread *t)
{
    t->slice_left = sched_slice_ticks();
    list_push_back(fifo(rq), &t->rq_link);
}

static void rr_dequeue(struct runq *rq, struct thread *t)
{
    list_remove(&t->rq_link);
}

static struct thread *rr_pick_next(struct runq *rq)
{
    struct list_head *e = list_pop_front(fifo(rq));
    return e ? list_entry(e, struct thread, rq_link) : NULL;
}

/* Hand-off: the woken thread runs in the rest of the waker's turn; the
 * FIFO's order is unchanged, the pair just shares one turn. */
static bool rr_take(struct runq *rq, struct thread *waker, struct thread *wakee)
{
    list_remove(&wakee->rq_link);
    wakee->slice_left = waker->slice_left;
    return true;
}

static bool rr_tick(struct runq *rq, struct thread *t)
{
    if (t->slice_left > 0)
        t->slice_left--;
    return t->slice_left == 0;
}

static void rr_wake(struct runq *rq, struct thread *t, uint64_t slept, struct runq *from)
{
    rr_enqueue(rq, t);
}

static void rr_migrate(struct runq *rq, struct thread *t, struct runq *from)
{
    rr_enqueue(rq, t);
}

static void rr_fork(struct runq *rq, struct thread *parent, struct thread *child)
{
    child->slice_left = sched_slice_ticks();
}

const struct sched_ops sched_rr_ops = {
    .name = "rr",
    .init = rr_init,
    .set_tunable = rr_set_tunable,
    .describe = rr_describe,
    .rq_init = rr_rq_init,
    .rq_free = rr_rq_free,
    .enqueue = rr_enqueue,
    .dequeue = rr_dequeue,
    .pick_next = rr_pick_next,
    .tick = rr_tick,
    .yield = rr_enqueue,
    .wake = rr_wake,
    .migrate = rr_migrate,
    .fork = rr_fork,
    .take = rr_take,
};
