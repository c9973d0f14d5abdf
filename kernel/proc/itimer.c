/*
 * Interval timers (ITIMER_REAL) over the global tick count; see itimer.h.
 * Times are kept in ticks: a timer set for t expires at the first tick at
 * or after now + t (never earlier), and an interval is rounded up to a tick.
 */
#include "proc/itimer.h"
#include "proc/proc.h"
#include "abi/errno.h"
#include "abi/signal.h"
#include "arch/riscv/timer.h"
#include "lib/list.h"
#include "sync/spinlock.h"
#include "lib/printf.h"

static struct spinlock itimer_lock = SPINLOCK_INIT("itimer");
static struct list_head armed = LIST_HEAD_INIT(armed); /* (itimer_lock) sorted by itimer_at */

static uint64_t us_to_ticks(long sec, long usec)
{
    uint64_t us = (uint64_t)sec * 1000000UL + (uint64_t)usec;
    uint64_t tick_us = (uint64_t)timer_tick_ms() * 1000UL;
    return (us + tick_us - 1) / tick_us;
}

static void ticks_to_us(uint64_t t, long *sec, long *usec)
{
    uint64_t us = t * timer_tick_ms() * 1000UL;
    *sec = (long)(us / 1000000UL);
    *usec = (long)(us % 1000000UL);
}

static void unlink_locked(struct proc *p)
{
    ASSERT_HELD(&itimer_lock);
    if (p->itimer_at) {
        list_remove(&p->itimer_link);
        list_init(&p->itimer_link);
    }
    p->itimer_at = 0;
}

/* Put p on the armed list, expiring at tick `at`. */
static void insert_locked(struct proc *p, uint64_t at)
{
    ASSERT_HELD(&itimer_lock);
    struct list_head *e;
    p->itimer_at = at;
    list_for_each (e, &armed) {
        if (list_entry(e, struct proc, itimer_link)->itimer_at > at)
            break;
    }
    /* Insert before e (or at the tail when e is the list head). */
    list_push_back(e, &p->itimer_link);
}

static void read_locked(struct proc *p, uint64_t now, struct kitimerval *v)
{
    ASSERT_HELD(&itimer_lock);
    uint64_t left = p->itimer_at > now ? p->itimer_at - now : (p->itimer_at ? 1 : 0);
    ticks_to_us(left, &v->value_sec, &v->value_usec);
    ticks_to_us(p->itimer_interval, &v->interval_sec, &v->interval_usec);
}

int itimer_set(const struct kitimerval *nv, struct kitimerval *old)
{
    struct proc *p = proc_current();
    if (nv && (nv->value_sec < 0 || nv->value_usec < 0 || nv->value_usec >= 1000000 ||
               nv->interval_sec < 0 || nv->interval_usec < 0 || nv->interval_usec >= 1000000))
        return -EINVAL;
    spin_lock(&itimer_lock);
    uint64_t now = ticks;
    if (old)
        read_locked(p, now, old);
    if (nv) {
        unlink_locked(p);
        p->itimer_interval = us_to_ticks(nv->interval_sec, nv->interval_usec);
        uint64_t t = us_to_ticks(nv->value_sec, nv->value_usec);
        if (t)
            insert_locked(p, now + t);
    }
    spin_unlock(&itimer_lock);
    return 0;
}

unsigned itimer_alarm(unsigned secs)
{
    struct kitimerval nv = {0, 0, secs, 0}, old;
    itimer_set(&nv, &old);
    /* Round to the nearest second, but a pending alarm never reads as 0. */
    unsigned left = (unsigned)old.value_sec + (old.value_usec >= 500000);
    return left == 0 && (old.value_sec || old.value_usec) ? 1 : left;
}

void itimer_disarm(struct proc *p)
{
    spin_lock(&itimer_lock);
    unlink_locked(p);
    p->itimer_interval = 0;
    spin_unlock(&itimer_lock);
}

void itimer_tick(uint64_t now)
{
    struct ksiginfo info = {.si_signo = SIGALRM, .si_code = SI_TIMER};
    spin_lock(&itimer_lock);
    while (!list_empty(&armed)) {
        struct proc *p = list_entry(armed.next, struct proc, itimer_link);
        if (p->itimer_at > now)
            break;
        unlink_locked(p);
        sig_send(p, SIGALRM, &info);
        if (p->itimer_interval)
            insert_locked(p, now + p->itimer_interval);
    }
    spin_unlock(&itimer_lock);
}
