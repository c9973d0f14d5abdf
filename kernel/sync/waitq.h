/*
 * Wait queues: threads sleep on one until another thread or an interrupt
 * handler wakes it.  Each queue has its own spinlock, which guards its list
 * of sleepers.  The usual pattern is
 *
 *     spin_lock(&obj->lock);
 *     while (!condition)
 *         waitq_sleep(&obj->wq, &obj->lock);   // releases, sleeps, retakes
 *     ...
 *     spin_unlock(&obj->lock);
 *
 * and the waker changes the condition under obj->lock, then waitq_wake_all.
 * No wake-up is lost: the sleeper takes the queue's lock before it lets go
 * of obj->lock, so a waker that holds obj->lock (or took it after the
 * condition changed) finds the sleeper on the queue.
 *
 * A sleeper can also be woken directly (sched_kick, e.g. by kill); it stays
 * on the list until it runs again and takes itself off.  A wait queue must
 * outlive every thread sleeping on it.
 *
 * Lock order (sync/lockorder.h): obj->lock -> wq->lock -> run-queue lock.
 * Every queue's lock has the rank "wait queue", whatever the queue's name
 * (it is named after its owner, like "pipe read"), and nothing but a
 * run-queue lock is taken under it.
 *
 * Guarded queues.  A queue set up with waitq_init_guarded has no lock of
 * its own in use: its list is guarded by its owner's lock (wq->guard, e.g.
 * a pipe's), the lock that also guards the condition its sleepers wait
 * for.  A sleeper then holds one lock from its check to its sleep
 * (waitq_sleep(wq, wq->guard)) and a waker wakes with that lock held
 * (waitq_wake_*_locked), so a sleep and a wake-up each take one lock fewer.
 * The order is then  owner's lock -> run-queue lock.
 */
#ifndef SYNC_WAITQ_H
#define SYNC_WAITQ_H

#include "types.h"
#include "lib/list.h"
#include "sync/spinlock.h"

struct waitq {
    struct spinlock lock;      /* rank "wait queue"; unused if the queue is guarded */
    struct spinlock *guard;    /* (i) the lock that guards sleepers: &lock or the owner's */
    struct list_head sleepers; /* (guard) threads, through thread->wq_link */
    const char *name;          /* (i) */
};

#define WAITQ_INIT(wq, n)                                                                          \
    {                                                                                              \
        .lock = SPINLOCK_INIT_RANKED(n, LOCK_RANK_WAITQ), .guard = &(wq).lock,                     \
        .sleepers = LIST_HEAD_INIT((wq).sleepers), .name = (n)                                     \
    }

void waitq_init(struct waitq *wq, const char *name);
/* A queue whose sleepers are guarded by guard, its owner's lock (above). */
void waitq_init_guarded(struct waitq *wq, const char *name, struct spinlock *guard);
/* Atomically release lk (may be NULL, or wq's guard), sleep on wq, and
 * retake lk.  May sleep. */
void waitq_sleep(struct waitq *wq, struct spinlock *lk);
/* Wake every sleeper / the first sleeper; returns how many were woken. */
int waitq_wake_all(struct waitq *wq);
/* waitq_wake_all from a waker about to block for the sleepers' answer:
 * they are queued on this hart if it has nothing else to run
 * (sched_wake_sync); a lone sleeper is also offered the waker's turn
 * (sched_wake_handoff), several are not. */
int waitq_wake_all_sync(struct waitq *wq);
int waitq_wake_one(struct waitq *wq);
/* The same with wq's guard already held by the caller. */
int waitq_wake_all_locked(struct waitq *wq);
int waitq_wake_all_sync_locked(struct waitq *wq);

#endif
