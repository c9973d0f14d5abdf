/*
 * Sleep locks: mutexes for long critical sections (disk I/O, later).  A
 * thread that finds one taken sleeps instead of spinning, so they may be held
 * across a sleep but never taken in an interrupt handler.
 */
#ifndef SYNC_SLEEPLOCK_H
#define SYNC_SLEEPLOCK_H

#include "types.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"

struct thread;

struct sleeplock {
    bool locked;           /* (lk) */
    struct thread *holder; /* (lk) */
    struct spinlock lk;
    struct waitq wq;
    const char *name;
};

void sleeplock_init(struct sleeplock *sl, const char *name);
void sleeplock_acquire(struct sleeplock *sl); /* may sleep */
void sleeplock_release(struct sleeplock *sl);
bool sleeplock_is_held(struct sleeplock *sl); /* by the calling thread */

#endif
