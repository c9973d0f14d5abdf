/*
 * Sleep locks built from a spinlock and a wait queue (see sleeplock.h).
 *
 * Each thread keeps the list of sleep locks it holds (thread->sleep_held,
 * oldest first).  Before it can block, an acquisition checks that no
 * spinlock is held (it may sleep), that the thread does not hold the lock
 * already, and that every held lock from thread->sleep_base on is outer to
 * it (sync/lockorder.h).  sleep_base is 0 except inside an owner's nested
 * context (sleeplock_acquire_owner), which starts at the owner lock's entry
 * and ends when that lock is released.  nsleep_leaf counts the leaf locks
 * held: while it is not 0, no sleep lock may be taken.
 */
#include "sync/sleeplock.h"
#include "proc/thread.h"
#include "lib/printf.h"

void sleeplock_init(struct sleeplock *sl, const char *name)
{
    spin_init_ranked(&sl->lk, name, LOCK_RANK_SLEEPLOCK_INNER);
    waitq_init(&sl->wq, name);
    sl->locked = 0;
    sl->nwaiters = 0;
    sl->holder = NULL;
    sl->name = name;
    sl->rank = lock_rank_of(name);
    sl->how = SL_ORDERED;
    sl->saved_base = 0;
}

/* Panics if self holds sl, or (ordered) holds a lock the order puts inside it. */
static void check_order(struct thread *self, struct sleeplock *sl, bool ordered)
{
    if (self->nsleep_leaf)
        panic("lock order: sleep lock '%s' taken while holding a leaf lock (sync/sleeplock.h)",
              sl->name);
    for (int i = 0; i < self->nsleep_held; i++) {
        const struct sleeplock *h = self->sleep_held[i];
        if (h == sl)
            panic("sleeplock_acquire: recursive acquire of '%s'", sl->name);
        if (ordered && i >= self->sleep_base && !lock_rank_allows(h->rank, sl->rank))
            panic("lock order: sleep lock '%s' taken while holding '%s' (sync/lockorder.h)",
                  sl->name, h->name);
    }
}

static void held_add(struct thread *self, struct sleeplock *sl, enum sleeplock_how how)
{
    if (self->nsleep_held == THREAD_SLEEP_HELD_MAX)
        panic("sleeplock: a thread holds more than %d sleep locks ('%s')", THREAD_SLEEP_HELD_MAX,
              sl->name);
    sl->how = how;
    if (how == SL_OWNER) {
        sl->saved_base = self->sleep_base;
        self->sleep_base = self->nsleep_held;
    }
    self->nsleep_leaf += how == SL_LEAF;
    self->sleep_held[self->nsleep_held++] = sl;
}

/* Sleep locks need not be released in LIFO order, except an owner lock,
 * which ends the nested context it opened. */
static void held_remove(struct thread *self, struct sleeplock *sl)
{
    int i = self->nsleep_held - 1;
    while (i >= 0 && self->sleep_held[i] != sl)
        i--;
    if (i < 0)
        panic("sleeplock_release: '%s' not in the thread's list", sl->name);
    if (sl->how == SL_OWNER) {
        if (i != self->nsleep_held - 1)
            panic("sleeplock_release: owner lock '%s' released before '%s', taken under it",
                  sl->name, self->sleep_held[self->nsleep_held - 1]->name);
        self->sleep_base = sl->saved_base;
    }
    self->nsleep_leaf -= sl->how == SL_LEAF;
    for (; i < self->nsleep_held - 1; i++)
        self->sleep_held[i] = self->sleep_held[i + 1];
    self->nsleep_held--;
}

/* One try at taking sl: true if this thread now holds it. */
static bool take(struct sleeplock *sl)
{
    uint32_t expect = 0;
    return __atomic_compare_exchange_n(&sl->locked, &expect, 1, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

/* The lock was taken: wait for it, counted in nwaiters (see the top). */
static void __attribute__((noinline)) acquire_slow(struct sleeplock *sl)
{
    spin_lock(&sl->lk);
    sl->nwaiters++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* nwaiters before locked (sleeplock_release) */
    while (!take(sl))
        waitq_sleep(&sl->wq, &sl->lk);
    sl->nwaiters--;
    spin_unlock(&sl->lk);
}

static void acquire(struct sleeplock *sl, enum sleeplock_how how)
{
    struct thread *self = thread_current();
    spin_assert_none_held(NULL, "sleeplock_acquire");
    if (self)
        check_order(self, sl, how != SL_OWNER);
    if (!take(sl))
        acquire_slow(sl);
    sl->holder = self;
    if (self)
        held_add(self, sl, how);
}

void sleeplock_acquire(struct sleeplock *sl)
{
    acquire(sl, SL_ORDERED);
}

void sleeplock_acquire_owner(struct sleeplock *sl)
{
    acquire(sl, SL_OWNER);
}

void sleeplock_acquire_leaf(struct sleeplock *sl)
{
    acquire(sl, SL_LEAF);
}

bool sleeplock_try_acquire(struct sleeplock *sl)
{
    struct thread *self = thread_current();
    if (!take(sl))
        return false;
    sl->holder = self;
    if (self)
        held_add(self, sl, SL_ORDERED);
    return true;
}

/* A release that saw a waiter counted: wake one (see the top). */
static void __attribute__((noinline)) release_wake(struct sleeplock *sl)
{
    spin_lock(&sl->lk);
    if (sl->nwaiters)
        waitq_wake_one(&sl->wq);
    spin_unlock(&sl->lk);
}

void sleeplock_release(struct sleeplock *sl)
{
    struct thread *self = thread_current();
    if (!READ_ONCE(sl->locked) || sl->holder != self)
        panic("sleeplock_release: '%s' released by a thread that does not hold it", sl->name);
    if (self)
        held_remove(self, sl);
    sl->holder = NULL;
    __atomic_store_n(&sl->locked, 0, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* locked before nwaiters (acquire_slow) */
    if (READ_ONCE(sl->nwaiters))
        release_wake(sl);
}
