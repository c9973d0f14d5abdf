/* Sleep locks built from a spinlock and a wait queue. */
#include "sync/sleeplock.h"
#include "proc/thread.h"
#include "lib/printf.h"

void sleeplock_init(struct sleeplock *sl, const char *name)
{
    spin_init(&sl->lk, name);
    waitq_init(&sl->wq, name);
    sl->locked = false;
    sl->holder = NULL;
    sl->name = name;
}

void sleeplock_acquire(struct sleeplock *sl)
{
    struct thread *self = thread_current();
    spin_lock(&sl->lk);
    if (sl->locked && sl->holder == self)
        panic("sleeplock_acquire: recursive acquire of '%s'", sl->name);
    while (sl->locked)
        waitq_sleep(&sl->wq, &sl->lk);
    sl->locked = true;
    sl->holder = self;
    spin_unlock(&sl->lk);
}

void sleeplock_release(struct sleeplock *sl)
{
    spin_lock(&sl->lk);
    if (!sl->locked || sl->holder != thread_current())
        panic("sleeplock_release: '%s' released by a thread that does not hold it", sl->name);
    sl->locked = false;
    sl->holder = NULL;
    waitq_wake_one(&sl->wq);
    spin_unlock(&sl->lk);
}

bool sleeplock_is_held(struct sleeplock *sl)
{
    spin_lock(&sl->lk);
    bool held = sl->locked && sl->holder == thread_current();
    spin_unlock(&sl->lk);
    return held;
}
