/*
 * Wait queues (see waitq.h for the pattern and the lock order).
 *
 * A sleeper puts itself on the list under the queue's guard (its own lock,
 * or its owner's for a guarded queue) and hands that lock to the scheduler
 * (sched_block), which marks it SLEEPING before releasing it.  A waker
 * takes threads off the list under the same lock and asks the scheduler to
 * make each runnable (sched_wake); sched_wake claims a sleeper with an
 * atomic state change, so of a waker and a concurrent kick exactly one
 * makes it runnable.  A thread woken by a kick is still on the list: it
 * unlinks itself when it runs again, and a waker that meets it first skips
 * it (sched_wake fails) and goes on to the next sleeper.
 *
 * Waking takes no second trip through the lock: the waker unlinks a
 * sleeper before it claims it, and the claim clears the sleeper's t->wq
 * before the sleeper can run (sched_wake).  So a sleeper that wakes with
 * t->wq NULL is off the list and no waker touches its link any more; one
 * that finds t->wq still set was woken by a kick (or did not sleep at all)
 * and takes the lock to unlink itself, after any waker that met it first.
 */
#include "sync/waitq.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "lib/printf.h"

void waitq_init(struct waitq *wq, const char *name)
{
    spin_init_ranked(&wq->lock, name, LOCK_RANK_WAITQ);
    wq->guard = &wq->lock;
    list_init(&wq->sleepers);
    wq->name = name;
}

void waitq_init_guarded(struct waitq *wq, const char *name, struct spinlock *guard)
{
    waitq_init(wq, name);
    wq->guard = guard;
}

void waitq_sleep(struct waitq *wq, struct spinlock *lk)
{
    struct thread *t = thread_current();
    bool own = lk == wq->guard;
    if (!t)
        panic("waitq_sleep: no thread to put to sleep on '%s'", wq->name);
    if (!own) {
        spin_lock(wq->guard);
        if (lk)
            spin_unlock(lk);
    }
    t->wq = wq;
    list_push_back(&wq->sleepers, &t->wq_link);
    sched_block(wq->guard); /* returns awake, holding no lock */
    if (!own && READ_ONCE(t->wq) == NULL) {
        /* A waker took us off the list and is done with our link. */
        if (lk)
            spin_lock(lk);
        return;
    }
    spin_lock(wq->guard);
    if (!list_empty(&t->wq_link))
        list_remove(&t->wq_link); /* woken by a kick, not through the list */
    t->wq = NULL;
    if (!own) {
        spin_unlock(wq->guard);
        if (lk)
            spin_lock(lk);
    }
}

static int wake_locked(struct waitq *wq, bool all, bool sync)
{
    ASSERT_HELD(wq->guard);
    struct list_head *e, *tmp;
    int n = 0;
    list_for_each_safe (e, tmp, &wq->sleepers) {
        struct thread *t = list_entry(e, struct thread, wq_link);
        list_remove(e);
        bool woke;
        if (!sync)
            woke = sched_wake(t);
        else if (n == 0 && list_empty(&wq->sleepers))
            woke = sched_wake_handoff(t); /* it alone is released */
        else
            woke = sched_wake_sync(t); /* a broadcast: no hand-off */
        if (woke && (++n, !all))
            break;
    }
    return n;
}

int waitq_wake_all_locked(struct waitq *wq)
{
    ASSERT_HELD(wq->guard);
    return wake_locked(wq, true, false);
}

int waitq_wake_all_sync_locked(struct waitq *wq)
{
    ASSERT_HELD(wq->guard);
    return wake_locked(wq, true, true);
}

static int wake(struct waitq *wq, bool all, bool sync)
{
    spin_lock(wq->guard);
    int n = wake_locked(wq, all, sync);
    spin_unlock(wq->guard);
    return n;
}

int waitq_wake_all(struct waitq *wq)
{
    return wake(wq, true, false);
}

int waitq_wake_all_sync(struct waitq *wq)
{
    return wake(wq, true, true);
}

int waitq_wake_one(struct waitq *wq)
{
    return wake(wq, false, false);
}
