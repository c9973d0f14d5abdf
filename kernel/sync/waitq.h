/*
 * Wait queues: threads sleep on one until another thread or an interrupt
 * handler wakes it.  The queue's list is guarded by the scheduler lock, so
 * a waker never misses a sleeper: the usual pattern is
 *
 *     spin_lock(&obj->lock);
 *     while (!condition)
 *         waitq_sleep(&obj->wq, &obj->lock);   // releases, sleeps, retakes
 *     ...
 *     spin_unlock(&obj->lock);
 *
 * and the waker changes the condition under obj->lock, then waitq_wake_all.
 * Lock order: any lock -> the scheduler lock (it is always innermost).
 */
#ifndef SYNC_WAITQ_H
#define SYNC_WAITQ_H

#include "types.h"
#include "lib/list.h"

struct spinlock;

struct waitq {
    struct list_head sleepers; /* guarded by the scheduler lock */
    const char *name;
};

#define WAITQ_INIT(wq, n) { .sleepers = LIST_HEAD_INIT((wq).sleepers), .name = (n) }

void waitq_init(struct waitq *wq, const char *name);
/* Atomically release lk (may be NULL), sleep on wq, and retake lk.  May sleep. */
void waitq_sleep(struct waitq *wq, struct spinlock *lk);
/* Wake every sleeper / the first sleeper; returns how many were woken. */
int waitq_wake_all(struct waitq *wq);
int waitq_wake_one(struct waitq *wq);

#endif
