/*
 * Completely fair scheduling (the textbook's CFS, for comparison).  Every
 * thread has a virtual runtime that grows, for each tick it runs, by the
 * tick's length x 1024 / weight, the weight coming from its nice value
 * (nice 0 -> 1024, each step ~1.25x: nice 5 -> 335, nice -5 -> 3121).  The
 * queue runs the lowest vruntime first (ties: the one queued first).  A
 * thread's slice is cfs_latency x weight / (sum of the weights of the
 * queue's threads and itself), at least cfs_granularity; a thread is
 * preempted when it has run its slice.  Tunables, in milliseconds:
 * cfs_latency= (default 48) and cfs_granularity= (default 6); with 10 ms
 * ticks a slice is rounded up to whole ticks.
 *
 * A yield gives the hart to the others at the lowest vruntime: the
 * yielder's vruntime rises to the lowest queued one (it is charged its
 * lead, at most) and, as the last one queued, it goes behind its equals
 * (ties go to the thread queued first).  It is charged only by ticks and
 * would otherwise be picked again at once and keep the hart until a tick
 * charged it.
 *
 * A thread woken alone by one that then sleeps runs in the rest of the
 * sleeper's slice (the hand-off) only if its vruntime is not above the
 * sleeper's: the lower vruntime of the two runs first.
 *
 * The queue is a skew heap threaded through the threads (no allocation,
 * no recursion): insert, remove-min and remove-any are O(log n) amortised.
 *
 * Invariant: the heap holds exactly the queued threads, ordered by
 * (vruntime, order queued: cfs_seq); load is the sum of their weights as charged when they
 * were queued (cfs_weight); min_vruntime never decreases (other harts read
 * it without the lock), and a thread that arrives (new or woken) starts at
 * no less than min_vruntime, so a sleeper cannot bank CPU time.  A thread
 * that moves to another hart's queue keeps its lead over the old queue's
 * min_vruntime as its lead over the new one's: min_vruntime + max(0,
 * vruntime - old min_vruntime), which is max(vruntime, min_vruntime) when
 * it stays.
 */
#include "sched/runq.h"
#include "proc/thread.h"
#include "arch/riscv/timer.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "abi/errno.h"
#include "abi/sched.h"

static unsigned latency_ms = 48, granularity_ms = 6; /* (all run-queue locks) */

/* Weight of nice -20 .. 19: 1024 at nice 0, about 1.25x per step. */
static const uint32_t nice_weight[40] = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904,
    3906,  3121,  2501,  1991,  1586,  1277,  1024,  820,   655,   526,   423,  335,  272,  215,
    172,   137,   110,   87,    70,    56,    45,    36,    29,    23,    18,   15,
};

struct cfs_rq {
    struct thread *root;   /* (rq->lock) skew heap */
    uint64_t load;         /* (rq->lock) sum of queued weights */
    uint64_t min_vruntime; /* (rq->lock) written; read unlocked by other harts */
    uint64_t seq;          /* (rq->lock) threads queued so far: ties go to the first */
};

static struct cfs_rq *cq(struct runq *rq)
{
    return rq->pol;
}

uint32_t cfs_weight_of(int nice)
{
    nice = MAX(NICE_MIN, MIN(NICE_MAX, nice));
    return nice_weight[nice - NICE_MIN];
}

uint64_t cfs_vruntime_delta(uint64_t ran_ns, uint32_t weight)
{
    return ran_ns * 1024 / weight;
}

uint64_t cfs_slice_ns(uint32_t weight, uint64_t total_weight, unsigned latency,
                      unsigned granularity)
{
    uint64_t slice = (uint64_t)latency * 1000000 * weight / MAX(total_weight, 1);
    return MAX(slice, (uint64_t)granularity * 1000000);
}

static bool before(const struct thread *a, const struct thread *b)
{
    return a->vruntime < b->vruntime || (a->vruntime == b->vruntime && a->cfs_seq < b->cfs_seq);
}

/* Top-down skew-heap merge of a and b, hung below `parent`. */
static struct thread *merge(struct thread *a, struct thread *b, struct thread *parent)
{
    struct thread *root = NULL, **link = &root;
    while (a && b) {
        if (before(b, a)) {
            struct thread *tmp = a;
            a = b;
            b = tmp;
        }
        *link = a;
        a->heap_parent = parent;
        struct thread *old_right = a->heap_right;
        a->heap_right = a->heap_left; /* the skew: swap the children */
        a->heap_left = old_right;
        parent = a;
        link = &a->heap_left;
        a = old_right;
    }
    struct thread *rest = a ? a : b;
    *link = rest;
    if (rest)
        rest->heap_parent = parent;
    return root;
}

static void heap_insert(struct cfs_rq *c, struct thread *t)
{
    t->heap_left = t->heap_right = t->heap_parent = NULL;
    c->root = merge(c->root, t, NULL);
}

static void heap_remove(struct cfs_rq *c, struct thread *t)
{
    struct thread *parent = t->heap_parent;
    struct thread *sub = merge(t->heap_left, t->heap_right, parent);
    if (!parent)
        c->root = sub;
    else if (parent->heap_left == t)
        parent->heap_left = sub;
    else
        parent->heap_right = sub;
    t->heap_left = t->heap_right = t->heap_parent = NULL;
}

static void cfs_init(const char *bootargs)
{
    latency_ms = sched_bootarg_uint(bootargs, "cfs_latency", 48, 1, 10000);
    granularity_ms = sched_bootarg_uint(bootargs, "cfs_granularity", 6, 1, 10000);
}

static int cfs_set_tunable(const char *key, unsigned long value)
{
    if (value < 1 || value > 10000)
        return -EINVAL;
    if (strcmp(key, "cfs_latency") == 0)
        latency_ms = value;
    else if (strcmp(key, "cfs_granularity") == 0)
        granularity_ms = value;
    else
        return -EINVAL;
    return 0;
}

static void cfs_describe(char *buf, size_t size)
{
    snprintf(buf, size, "cfs_latency=%u cfs_granularity=%u", latency_ms, granularity_ms);
}

static int cfs_rq_init(struct runq *rq)
{
    struct cfs_rq *c = kzalloc(sizeof(*c));
    if (!c)
        return -ENOMEM;
    rq->pol = c;
    return 0;
}

static void cfs_rq_free(struct runq *rq)
{
    kfree(rq->pol);
    rq->pol = NULL;
}

static void queue(struct runq *rq, struct thread *t)
{
    t->cfs_weight = cfs_weight_of(READ_ONCE(t->nice));
    cq(rq)->load += t->cfs_weight;
    t->slice_ns_used = 0;
    t->cfs_seq = ++cq(rq)->seq;
    heap_insert(cq(rq), t);
}

/* Yielding: behind the thread that runs next (see the top of the file). */
static void cfs_yield(struct runq *rq, struct thread *t)
{
    if (cq(rq)->root)
        t->vruntime = MAX(t->vruntime, cq(rq)->root->vruntime);
    queue(rq, t);
}

/* t's vruntime, relative to from's min_vruntime, made relative to rq's. */
uint64_t cfs_rebase(uint64_t vruntime, uint64_t from_min, uint64_t to_min)
{
    return to_min + (vruntime > from_min ? vruntime - from_min : 0);
}

/* Woken or moved: start no earlier than the queue's minimum, with the lead
 * it had over the minimum of the queue it comes from. */
static void cfs_arrive(struct runq *rq, struct thread *t, struct runq *from)
{
    t->vruntime = cfs_rebase(t->vruntime, READ_ONCE(cq(from)->min_vruntime), cq(rq)->min_vruntime);
    queue(rq, t);
}

static void cfs_wake(struct runq *rq, struct thread *t, uint64_t slept, struct runq *from)
{
    cfs_arrive(rq, t, from);
}

static void cfs_dequeue(struct runq *rq, struct thread *t)
{
    heap_remove(cq(rq), t);
    cq(rq)->load -= t->cfs_weight;
}

static struct thread *cfs_pick_next(struct runq *rq)
{
    struct cfs_rq *c = cq(rq);
    struct thread *t = c->root;
    if (!t)
        return NULL;
    cfs_dequeue(rq, t);
    WRITE_ONCE(c->min_vruntime, MAX(c->min_vruntime, t->vruntime));
    return t;
}

/* Hand-off: the woken thread takes the rest of the waker's slice only if
 * its vruntime is not above the waker's. */
static bool cfs_take(struct runq *rq, struct thread *waker, struct thread *wakee)
{
    struct cfs_rq *c = cq(rq);
    if (wakee->vruntime > waker->vruntime)
        return false;
    cfs_dequeue(rq, wakee);
    WRITE_ONCE(c->min_vruntime, MAX(c->min_vruntime, wakee->vruntime));
    wakee->slice_ns_used = waker->slice_ns_used;
    return true;
}

static bool cfs_tick(struct runq *rq, struct thread *t)
{
    struct cfs_rq *c = cq(rq);
    uint64_t tick_ns = (uint64_t)timer_tick_ms() * 1000000;
    uint32_t w = cfs_weight_of(READ_ONCE(t->nice));
    t->vruntime += cfs_vruntime_delta(tick_ns, w);
    t->slice_ns_used += tick_ns;
    uint64_t lowest = c->root ? MIN(c->root->vruntime, t->vruntime) : t->vruntime;
    WRITE_ONCE(c->min_vruntime, MAX(c->min_vruntime, lowest));
    return t->slice_ns_used >= cfs_slice_ns(w, c->load + w, latency_ms, granularity_ms);
}

static void cfs_fork(struct runq *rq, struct thread *parent, struct thread *child)
{
    child->vruntime = cq(rq)->min_vruntime;
    child->slice_ns_used = 0;
}

const struct sched_ops sched_cfs_ops = {
    .name = "cfs",
    .init = cfs_init,
    .set_tunable = cfs_set_tunable,
    .describe = cfs_describe,
    .rq_init = cfs_rq_init,
    .rq_free = cfs_rq_free,
    .enqueue = queue,
    .dequeue = cfs_dequeue,
    .pick_next = cfs_pick_next,
    .tick = cfs_tick,
    .yield = cfs_yield,
    .wake = cfs_wake,
    .migrate = cfs_arrive,
    .fork = cfs_fork,
    .take = cfs_take,
};
