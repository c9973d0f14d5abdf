/*
 * Sleep locks: mutexes for long critical sections (disk I/O, an address
 * space).  A thread that finds one taken sleeps instead of spinning, so they
 * may be held across a sleep but never taken in an interrupt handler or with
 * a spinlock held.  Each has a rank in the lock order (sync/lockorder.h),
 * looked up by its name; acquiring one out of order, or one the thread
 * already holds, panics.
 *
 * Three ways to take one besides the ordered sleeplock_acquire:
 *   - sleeplock_acquire_owner: by the owner of what the lock guards (a
 *     process's thread, its mm lock, in a page fault), wherever it is.  It
 *     opens a nested context: locks taken under it are ordered against it
 *     and each other, not against the locks held before it, and it must be
 *     released after them.
 *   - sleeplock_acquire_leaf: ordered, and the thread takes no other sleep
 *     lock until it releases it (a look at another process's mm), so an
 *     owner that waits for it never waits in a cycle.
 *   - sleeplock_try_acquire: never waits, so it is not ordered; false if
 *     the lock is taken.
 *
 * Fields: (a) atomic (compare-and-swap to take, store to release); (l)
 * sl->lk; (i) set by sleeplock_init; (o) written by the holder only, while
 * it holds the lock.  Taking a free lock and releasing one no one waits for
 * touch neither sl->lk nor the wait queue (sleeplock.c says why no wake-up
 * is lost).
 */
#ifndef SYNC_SLEEPLOCK_H
#define SYNC_SLEEPLOCK_H

#include "types.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"
#include "proc/cpu.h"

struct thread;

enum sleeplock_how { SL_ORDERED, SL_OWNER, SL_LEAF };

struct sleeplock {
    uint32_t locked;       /* (a) 1 while held */
    uint32_t nwaiters;     /* (l) threads waiting to take it (read unlocked by a release) */
    struct thread *holder; /* (o) NULL while free */
    struct spinlock lk;    /* guards nwaiters and the sleep on wq; rank "sleeplock inner" */
    struct waitq wq;       /* threads waiting for it */
    const char *name;      /* (i) */
    uint8_t rank;          /* (i) enum lock_rank */
    uint8_t how;           /* (o) enum sleeplock_how of the current hold */
    int8_t saved_base;     /* (o) SL_OWNER: the holder's sleep_base before it */
};

void sleeplock_init(struct sleeplock *sl, const char *name);
void sleeplock_acquire(struct sleeplock *sl);       /* may sleep */
void sleeplock_acquire_owner(struct sleeplock *sl); /* may sleep; see above */
void sleeplock_acquire_leaf(struct sleeplock *sl);  /* may sleep; see above */
bool sleeplock_try_acquire(struct sleeplock *sl);   /* never sleeps */
void sleeplock_release(struct sleeplock *sl);

/* By the calling thread?  No lock needed: only the calling thread can make
 * the answer true or end it.  Inline: every _locked function asks. */
static inline bool sleeplock_is_held(struct sleeplock *sl)
{
    return READ_ONCE(sl->locked) && READ_ONCE(sl->holder) == cpu_thread();
}

/* Panics unless the calling thread holds sl: the first line of a *_locked
 * function whose lock is a sleep lock. */
#define ASSERT_SLEEP_HELD(sl)                                                                      \
    do {                                                                                           \
        if (!sleeplock_is_held(sl))                                                                \
            panic("%s: sleep lock '%s' not held", __func__, (sl)->name);                           \
    } while (0)

#endif
