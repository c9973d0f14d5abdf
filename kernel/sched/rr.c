/*
 * Round robin: one FIFO run queue shared by all harts.  A thread runs for a
 * slice of `slice` ticks, then goes to the back of the queue; a thread that
 * yields or wakes also goes to the back.  Simple and fair; no affinity.
 * Called with the scheduler lock held.
 */
#include "proc/sched.h"
#include "proc/thread.h"
#include "lib/list.h"

static struct list_head runq;

static void rr_init(void)
{
    list_init(&runq);
}

static void rr_enqueue(struct thread *t)
{
    t->slice_left = sched_slice_ticks();
    list_push_back(&runq, &t->link);
}

static void rr_dequeue(struct thread *t)
{
    list_remove(&t->link);
}

static struct thread *rr_pick_next(int cpu)
{
    struct list_head *e = list_pop_front(&runq);
    return e ? list_entry(e, struct thread, link) : NULL;
}

static bool rr_tick(struct thread *t)
{
    if (t->slice_left > 0)
        t->slice_left--;
    return t->slice_left == 0;
}

static void rr_fork(struct thread *parent, struct thread *child)
{
    child->slice_left = sched_slice_ticks();
}

const struct sched_ops sched_rr_ops = {
    .name = "rr",
    .init = rr_init,
    .enqueue = rr_enqueue,
    .dequeue = rr_dequeue,
    .pick_next = rr_pick_next,
    .tick = rr_tick,
    .yield = rr_enqueue,
    .wake = rr_enqueue,
    .fork = rr_fork,
};
