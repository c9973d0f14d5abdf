/*
 * Multi-level feedback queue, the textbook's five rules:
 *   1. a job at a higher level runs before one at a lower level;
 *   2. jobs at the same level run round robin;
 *   3. a new job starts at the top level (0);
 *   4. once a job has used its allotment at a level, however often it gave
 *      up the CPU on the way, it moves down one level;
 *   5. after every period S all jobs move to the top level.
 *
 * Tunables (bootargs, or `sched mlfq_boost=50` at run time): mlfq_levels=N (2..8, default 3); the
 * slice at level i is quantum << i ticks (mlfq_quantum=, default 1: longer at lower levels); the
 * allotment at level i is mlfq_allot= slices (default 4); S is mlfq_boost= ticks (default 100).
 *
 * A thread woken alone by one that then sleeps runs in the rest of the
 * sleeper's slice (the hand-off) only if it is at the sleeper's level or
 * higher: the hand-off never runs a lower level first.
 *
 * Invariant: each queued thread is on the FIFO of its level; allot_used
 * counts the ticks it ran at that level since it arrived there, and only a
 * demotion or a boost resets it.  Boosts are exact: a boost happens at every
 * multiple of S ticks; a queued or running thread is lifted when its queue
 * next picks or ticks, a sleeping one when it wakes (boost_epoch says which
 * period it last got its level in).
 */
#include "sched/runq.h"
#include "proc/thread.h"
#include "arch/riscv/timer.h"
#include "lib/list.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "abi/errno.h"

#define MLFQ_MAX_LEVELS 8

static unsigned nlevels = 3, quantum = 1, allot_slices = 4, boost_period = 100; /* (i) */

struct mlfq_rq {
    struct list_head level[MLFQ_MAX_LEVELS]; /* (rq->lock) FIFOs */
    uint64_t epoch;                          /* (rq->lock) boost period of the last boost */
};

STATIC_ASSERT(MLFQ_MAX_LEVELS <= ARRAY_SIZE(((struct thread *)0)->ticks_at_level));

static struct mlfq_rq *mq(struct runq *rq)
{
    return rq->pol;
}

static unsigned slice_of(int level)
{
    return quantum << level;
}

static unsigned allotment_of(int level)
{
    return allot_slices * slice_of(level);
}

unsigned mlfq_allotment(int level)
{
    return allotment_of(level);
}

static uint64_t current_epoch(void)
{
    return ticks / boost_period;
}

static const struct {
    const char *key;
    unsigned *var, lo, hi;
} tunables[] = {
    {"mlfq_levels", &nlevels, 2, MLFQ_MAX_LEVELS},
    {"mlfq_quantum", &quantum, 1, 100},
    {"mlfq_allot", &allot_slices, 1, 100},
    {"mlfq_boost", &boost_period, 1, 100000},
};

static void mlfq_init(const char *bootargs)
{
    for (size_t i = 0; i < ARRAY_SIZE(tunables); i++)
        *tunables[i].var = sched_bootarg_uint(bootargs, tunables[i].key, *tunables[i].var,
                                              tunables[i].lo, tunables[i].hi);
}

static int mlfq_set_tunable(const char *key, unsigned long value)
{
    for (size_t i = 0; i < ARRAY_SIZE(tunables); i++) {
        if (strcmp(key, tunables[i].key) != 0)
            continue;
        if (value < tunables[i].lo || value > tunables[i].hi)
            return -EINVAL;
        *tunables[i].var = value;
        return 0;
    }
    return -EINVAL;
}

static void mlfq_describe(char *buf, size_t size)
{
    snprintf(buf, size, "mlfq_levels=%u mlfq_quantum=%u mlfq_allot=%u mlfq_boost=%u", nlevels,
             quantum, allot_slices, boost_period);
}

static int mlfq_rq_init(struct runq *rq)
{
    struct mlfq_rq *m = kzalloc(sizeof(*m));
    if (!m)
        return -ENOMEM;
    for (int i = 0; i < MLFQ_MAX_LEVELS; i++)
        list_init(&m->level[i]);
    m->epoch = current_epoch();
    rq->pol = m;
    return 0;
}

static void mlfq_rq_free(struct runq *rq)
{
    kfree(rq->pol);
    rq->pol = NULL;
}

static void set_level(struct thread *t, int level)
{
    t->level = level;
    t->allot_used = 0;
    t->slice_left = slice_of(level);
}

/* Rule 5 for one thread: a new period since it got its level lifts it. */
static void catch_up_boost(struct thread *t)
{
    uint64_t e = current_epoch();
    if (t->boost_epoch != e) {
        t->boost_epoch = e;
        if (t->level != 0)
            set_level(t, 0);
    }
}

/* Rule 5 for a queue: move every queued thread to the top, in level order. */
static void boost_queue(struct runq *rq)
{
    struct mlfq_rq *m = mq(rq);
    uint64_t e = current_epoch();
    if (m->epoch == e)
        return;
    m->epoch = e;
    for (unsigned l = 1; l < MLFQ_MAX_LEVELS; l++) {
        struct list_head *h;
        while ((h = list_pop_front(&m->level[l])) != NULL) {
            struct thread *t = list_entry(h, struct thread, rq_link);
            list_push_back(&m->level[0], h);
            t->boost_epoch = e;
            set_level(t, 0);
        }
    }
}

static void queue(struct runq *rq, struct thread *t)
{
    catch_up_boost(t);
    if (t->level >= (int)nlevels) /* mlfq_levels shrank at run time */
        set_level(t, nlevels - 1);
    if (t->slice_left == 0)
        t->slice_left = slice_of(t->level);
    list_push_back(&mq(rq)->level[t->level], &t->rq_link);
}

/* Yield or wake: a fresh slice at the same level; the allotment carries on. */
static void mlfq_requeue(struct runq *rq, struct thread *t)
{
    t->slice_left = 0;
    queue(rq, t);
}

static void mlfq_wake(struct runq *rq, struct thread *t, uint64_t slept, struct runq *from)
{
    mlfq_requeue(rq, t);
}

/* Moved to another hart: its level and allotment go with it. */
static void mlfq_migrate(struct runq *rq, struct thread *t, struct runq *from)
{
    queue(rq, t);
}

static void mlfq_dequeue(struct runq *rq, struct thread *t)
{
    list_remove(&t->rq_link);
}

static struct thread *mlfq_pick_next(struct runq *rq)
{
    boost_queue(rq);
    for (unsigned l = 0; l < MLFQ_MAX_LEVELS; l++) { /* all: levels may have shrunk */
        struct list_head *h = list_pop_front(&mq(rq)->level[l]);
        if (h)
            return list_entry(h, struct thread, rq_link);
    }
    return NULL;
}

static bool higher_waiting(struct runq *rq, int level)
{
    for (int l = 0; l < level; l++)
        if (!list_empty(&mq(rq)->level[l]))
            return true;
    return false;
}

static bool mlfq_tick(struct runq *rq, struct thread *t)
{
    catch_up_boost(t);
    if (t->level >= (int)nlevels)
        set_level(t, nlevels - 1);
    boost_queue(rq);
    t->ticks_at_level[t->level]++;
    t->allot_used++;
    if (t->slice_left > 0)
        t->slice_left--;
    if (t->allot_used >= allotment_of(t->level) && t->level + 1 < (int)nlevels) {
        set_level(t, t->level + 1); /* rule 4 */
        return true;
    }
    return t->slice_left == 0 || higher_waiting(rq, t->level); /* rules 2 and 1 */
}

/* Hand-off: the woken thread takes the rest of the waker's slice (no more
 * than its own) only if it is at the waker's level or higher (rule 1);
 * the ticks it then runs count against its own allotment (rule 4). */
static bool mlfq_take(struct runq *rq, struct thread *waker, struct thread *wakee)
{
    catch_up_boost(waker);
    if (wakee->level > waker->level)
        return false;
    list_remove(&wakee->rq_link);
    wakee->slice_left = MIN(wakee->slice_left, waker->slice_left);
    return true;
}

static void mlfq_fork(struct runq *rq, struct thread *parent, struct thread *child)
{
    child->boost_epoch = current_epoch();
    set_level(child, 0); /* rule 3 */
}

const struct sched_ops sched_mlfq_ops = {
    .name = "mlfq",
    .init = mlfq_init,
    .set_tunable = mlfq_set_tunable,
    .describe = mlfq_describe,
    .rq_init = mlfq_rq_init,
    .rq_free = mlfq_rq_free,
    .enqueue = queue,
    .dequeue = mlfq_dequeue,
    .pick_next = mlfq_pick_next,
    .tick = mlfq_tick,
    .yield = mlfq_requeue,
    .wake = mlfq_wake,
    .migrate = mlfq_migrate,
    .fork = mlfq_fork,
    .take = mlfq_take,
};
