/*
 * Stride scheduling.  A thread with t tickets has stride L / t (L = 10,000);
 * the queue runs the thread with the smallest pass and, for every tick it
 * runs, adds its stride to its pass.  Ties go to the thread that arrived
 * first (the lower thread id).  A thread that arrives (new or woken) starts
 * at no less than the queue's current minimum pass, so it cannot monopolise
 * the CPU by having a pass far behind.  A thread that moves to another
 * hart's queue keeps its lead over the old queue's current pass as its lead
 * over the new one's (each queue's pass runs at its own rate).
 *
 * Invariant: the queue is sorted by (pass, tid).  The queue's current pass
 * (cur_pass) is the pass its last pick had, the minimum at that moment; it
 * never decreases (others read it without the lock), and an arriving thread
 * starts at cur_pass + max(0, its pass - its old queue's cur_pass), which is
 * max(its pass, cur_pass) when it stays on its queue.
 * A thread woken alone by one that then sleeps runs in the rest of the
 * sleeper's slice only if its (pass, tid) is below the sleeper's: the
 * hand-off never runs a thread the order would put behind the one whose
 * turn it takes.
 * Tickets are read when a stride is charged, so a change (settickets) takes
 * effect from the next tick.  A thread that yields before a tick is charged
 * nothing for the partial tick, but a yield gives the hart to the others
 * at the smallest pass: the yielder's pass rises to the smallest queued
 * pass (it is charged its lead, at most) and it goes behind every thread
 * with that pass, whatever their ids.  Without this the yielder, which
 * still has the smallest pass, would be picked again at once and keep the
 * hart until a tick charged it.
 */
#include "sched/runq.h"
#include "proc/thread.h"
#include "lib/list.h"
#include "lib/printf.h"
#include "mm/slab.h"
#include "abi/errno.h"

struct stride_rq {
    struct list_head sorted; /* (rq->lock) by (pass, tid) */
    uint64_t cur_pass;       /* (rq->lock) pass of the last pick; read unlocked */
};

static struct stride_rq *sq(struct runq *rq)
{
    return rq->pol;
}

static void stride_init(const char *bootargs)
{
}

static int stride_set_tunable(const char *key, unsigned long value)
{
    return -EINVAL;
}

static void stride_describe(char *buf, size_t size)
{
    snprintf(buf, size, "L=%d", STRIDE_L);
}

static int stride_rq_init(struct runq *rq)
{
    struct stride_rq *s = kzalloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    list_init(&s->sorted);
    rq->pol = s;
    return 0;
}

static void stride_rq_free(struct runq *rq)
{
    kfree(rq->pol);
    rq->pol = NULL;
}

/* LAB sched BEGIN */
static bool runs_before(const struct thread *a, const struct thread *b)
{
    return a->pass < b->pass || (a->pass == b->pass && a->tid < b->tid);
}
/* LAB sched SKELETON
static bool runs_before(const struct thread *a, const struct thread *b)
{
    // Your code here (docs/labs/sched.md): the queue is kept in the order
    // this defines, and pick_next takes its front.  false for every pair
    // makes the queue first-come first-served (round robin).
    return false;
}
   LAB sched END */

static void insert_sorted(struct runq *rq, struct thread *t)
{
    struct list_head *e;
    list_for_each (e, &sq(rq)->sorted) {
        if (runs_before(t, list_entry(e, struct thread, rq_link)))
            break;
    }
    list_insert_between(&t->rq_link, e->prev, e);
}

/* Preempted: keep its pass. */
static void stride_enqueue(struct runq *rq, struct thread *t)
{
    t->slice_left = sched_slice_ticks();
    insert_sorted(rq, t);
}

/* Yielding: behind the thread that runs next (see the top of the file). */
static void stride_yield(struct runq *rq, struct thread *t)
{
    struct list_head *e = sq(rq)->sorted.next;
    if (e != &sq(rq)->sorted)
        t->pass = MAX(t->pass, list_entry(e, struct thread, rq_link)->pass);
    while (e != &sq(rq)->sorted && list_entry(e, struct thread, rq_link)->pass <= t->pass)
        e = e->next; /* behind its equals */
    t->slice_left = sched_slice_ticks();
    list_insert_between(&t->rq_link, e->prev, e);
}

/* t's pass, relative to from's current pass, made relative to rq's. */
uint64_t stride_rebase(uint64_t pass, uint64_t from_pass, uint64_t to_pass)
{
    return to_pass + (pass > from_pass ? pass - from_pass : 0);
}

/* Arriving from elsewhere (a wait, another hart): no credit for the absence,
 * and its lead over the queue it came from kept. */
static void stride_arrive(struct runq *rq, struct thread *t, struct runq *from)
{
    t->pass = stride_rebase(t->pass, READ_ONCE(sq(from)->cur_pass), sq(rq)->cur_pass);
    t->slice_left = sched_slice_ticks();
    insert_sorted(rq, t);
}

static void stride_wake(struct runq *rq, struct thread *t, uint64_t slept, struct runq *from)
{
    stride_arrive(rq, t, from);
}

static void stride_dequeue(struct runq *rq, struct thread *t)
{
    list_remove(&t->rq_link);
}

/* LAB sched BEGIN */
static struct thread *stride_pick_next(struct runq *rq)
{
    struct list_head *h = list_pop_front(&sq(rq)->sorted);
    if (!h)
        return NULL;
    struct thread *t = list_entry(h, struct thread, rq_link);
    WRITE_ONCE(sq(rq)->cur_pass, MAX(sq(rq)->cur_pass, t->pass));
    return t;
}
/* LAB sched SKELETON
static struct thread *stride_pick_next(struct runq *rq)
{
    // Your code here (docs/labs/sched.md): take the thread to run next and
    // note the queue's current pass.
    struct list_head *h = list_pop_front(&sq(rq)->sorted);
    return h ? list_entry(h, struct thread, rq_link) : NULL;
}
   LAB sched END */

/* LAB sched BEGIN */
static uint64_t stride_of(int tickets)
{
    if (tickets < 1)
        tickets = 1;
    return STRIDE_L / (uint64_t)tickets;
}

static bool stride_tick(struct runq *rq, struct thread *t)
{
    t->pass += stride_of(READ_ONCE(t->tickets));
    if (t->slice_left > 0)
        t->slice_left--;
    return t->slice_left == 0;
}
/* LAB sched SKELETON
static bool stride_tick(struct runq *rq, struct thread *t)
{
    // Your code here (docs/labs/sched.md): charge t for the tick it ran,
    // its stride: STRIDE_L / its tickets (READ_ONCE(t->tickets), at least 1).
    if (t->slice_left > 0)
        t->slice_left--;
    return t->slice_left == 0;
}
   LAB sched END */

/* Hand-off: the woken thread takes the rest of the waker's slice only if
 * it would run before the waker, by (pass, tid); the pick it amounts to
 * moves cur_pass as pick_next does. */
static bool stride_take(struct runq *rq, struct thread *waker, struct thread *wakee)
{
    if (runs_before(waker, wakee))
        return false;
    list_remove(&wakee->rq_link);
    WRITE_ONCE(sq(rq)->cur_pass, MAX(sq(rq)->cur_pass, wakee->pass));
    wakee->slice_left = waker->slice_left;
    return true;
}

/* A new job starts at the current minimum pass, not at 0. */
static void stride_fork(struct runq *rq, struct thread *parent, struct thread *child)
{
    child->pass = sq(rq)->cur_pass;
}

const struct sched_ops sched_stride_ops = {
    .name = "stride",
    .init = stride_init,
    .set_tunable = stride_set_tunable,
    .describe = stride_describe,
    .rq_init = stride_rq_init,
    .rq_free = stride_rq_free,
    .enqueue = stride_enqueue,
    .dequeue = stride_dequeue,
    .pick_next = stride_pick_next,
    .tick = stride_tick,
    .yield = stride_yield,
    .wake = stride_wake,
    .migrate = stride_arrive,
    .fork = stride_fork,
    .take = stride_take,
};
