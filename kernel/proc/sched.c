/*
 * Scheduler core, wait queues and timed sleep.
 *
 * Each hart runs sched_loop() on its own stack.  To run a thread it takes
 * sched_lock, asks the policy for one and swtch()es to it; the thread returns
 * to the loop by swtch()ing back with sched_lock held (yield, preempt, sleep,
 * exit).  Holding the lock across the switch means no other hart can pick a
 * thread whose registers are still being saved.
 *
 * Invariants (checked):
 *   - a thread is on at most one hart: on_cpu is 0 when it is picked;
 *   - sched_switch() is entered with sched_lock as the only spinlock held;
 *   - a RUNNABLE thread is on exactly one run queue, a SLEEPING one on
 *     exactly one wait queue (the `link` field serves both).
 */
#include "proc/sched.h"
#include "proc/thread.h"
#include "proc/cpu.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"
#include "arch/riscv/riscv.h"
#include "arch/riscv/smp.h"
#include "arch/riscv/timer.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/uvm.h"
#include "proc/proc.h"
#include "abi/errno.h"

static struct spinlock sched_lock = SPINLOCK_INIT("sched");
static const struct sched_ops *policy = &sched_rr_ops;
static unsigned slice_ticks = 1;
static struct list_head all_threads = LIST_HEAD_INIT(all_threads);
static struct waitq tick_wq = WAITQ_INIT(tick_wq, "ticks");

static const struct sched_ops *const policies[] = {&sched_rr_ops};

void sched_init(const char *name, unsigned slice)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++)
        if (name && strcmp(name, policies[i]->name) == 0)
            policy = policies[i];
    if (name && strcmp(name, policy->name) != 0)
        printf("sched: unknown policy '%s', using %s\n", name, policy->name);
    slice_ticks = slice ? slice : 1;
    policy->init();
}

const char *sched_policy_name(void)
{
    return policy->name;
}

unsigned sched_slice_ticks(void)
{
    return slice_ticks;
}

void sched_register_thread(struct thread *t)
{
    spin_lock(&sched_lock);
    list_push_back(&all_threads, &t->all);
    spin_unlock(&sched_lock);
}

/* Ask an idle hart to look at the run queue. */
static void kick_idle_hart(void)
{
    struct cpu *self = this_cpu();
    for (int i = 0; i < ncpu; i++) {
        if (&cpus[i] != self && cpus[i].started && cpus[i].thread == NULL) {
            ipi_send(i, IPI_RESCHED);
            return;
        }
    }
}

static void make_runnable_locked(struct thread *t, void (*how)(struct thread *))
{
    ASSERT_HELD(&sched_lock);
    t->state = T_RUNNABLE;
    how(t);
    kick_idle_hart();
}

void sched_start(struct thread *t, struct thread *parent)
{
    spin_lock(&sched_lock);
    policy->fork(parent, t);
    make_runnable_locked(t, policy->enqueue);
    spin_unlock(&sched_lock);
}

/*
 * Switch from the current thread to this hart's scheduler loop.  The caller
 * holds sched_lock (and nothing else) and has already changed the thread's
 * state.  Returns when the thread is next picked, maybe on another hart.
 */
static void sched_switch(void)
{
    struct cpu *c = this_cpu();
    struct thread *t = c->thread;
    ASSERT_HELD(&sched_lock);
    spin_assert_none_held(&sched_lock, "sleep");
    if (c->noff != 1)
        panic("sched_switch: interrupt-disable depth %d", c->noff);
    if (t->state == T_RUNNING)
        panic("sched_switch: thread '%s' still RUNNING", t->name);
    bool intena = c->intena;
    swtch(&t->ctx, &c->sched_ctx);
    this_cpu()->intena = intena; /* this_cpu() may be another hart now */
}

static void run_thread(struct cpu *c, struct thread *t)
{
    if (t->on_cpu || t->state != T_RUNNABLE)
        panic("sched: thread '%s' picked while on a hart or not runnable", t->name);
    t->state = T_RUNNING;
    t->on_cpu = 1;
    t->cpu = c->id;
    t->nswitch++;
    c->thread = t;
    c->need_resched = false;
    c->stack_lo = t->kstack_top - KSTACK_SIZE;
    swtch(&c->sched_ctx, &t->ctx);
    c->stack_lo = c->sched_stack_lo;
    c->thread = NULL;
    t->on_cpu = 0;
}

void sched_loop(void)
{
    struct cpu *c = this_cpu();
    c->stack_lo = c->sched_stack_lo;
    for (;;) {
        intr_on(); /* take pending interrupts between threads */
        spin_lock(&sched_lock);
        struct thread *t = policy->pick_next(c->id);
        if (!t) {
            spin_unlock(&sched_lock);
            c->idle_ticks++;
            wfi();
            continue;
        }
        if (t->proc && t->proc->mm)
            mm_activate(t->proc->mm); /* its system calls touch user memory */
        run_thread(c, t);
        if (t->proc)
            mm_deactivate(); /* its page table may be freed once it exits */
        struct thread *reap = (t->state == T_ZOMBIE && t->detached) ? t : NULL;
        if (reap)
            list_remove(&reap->all);
        spin_unlock(&sched_lock);
        if (reap)
            thread_free(reap);
    }
}

void sched_kick(struct thread *t)
{
    spin_lock(&sched_lock);
    if (t->state == T_SLEEPING && t->wq) {
        list_remove(&t->link);
        t->wq = NULL;
        make_runnable_locked(t, policy->wake);
    }
    spin_unlock(&sched_lock);
}

void sched_unlock_after_switch(void)
{
    spin_unlock(&sched_lock);
}

/* Give up the hart but stay runnable; `how` puts the thread back on a queue. */
static void requeue_current(void (*how)(struct thread *), bool preempted)
{
    struct thread *t = thread_current();
    spin_lock(&sched_lock);
    this_cpu()->need_resched = false;
    t->npreempt += preempted;
    t->state = T_RUNNABLE;
    how(t);
    sched_switch();
    spin_unlock(&sched_lock);
}

void sched_yield(void)
{
    requeue_current(policy->yield, false);
}

void sched_preempt(void)
{
    requeue_current(policy->enqueue, true);
}

void sched_tick(void)
{
    struct cpu *c = this_cpu();
    if (c->id == 0)
        waitq_wake_all(&tick_wq);
    if (!c->thread)
        return;
    spin_lock(&sched_lock);
    c->thread->ticks_run++;
    if (policy->tick(c->thread))
        c->need_resched = true;
    spin_unlock(&sched_lock);
}

void sched_exit_current(int code)
{
    struct thread *t = thread_current();
    spin_lock(&sched_lock);
    t->exit_code = code;
    t->state = T_ZOMBIE;
    /* Joiners recheck under sched_lock after the switch-out completes. */
    struct list_head *e;
    while ((e = list_pop_front(&t->exit_wq.sleepers)) != NULL) {
        struct thread *w = list_entry(e, struct thread, link);
        w->wq = NULL;
        make_runnable_locked(w, policy->wake);
    }
    sched_switch();
    panic("sched_exit_current: zombie '%s' ran again", t->name);
}

void sched_wait_zombie(struct thread *t)
{
    spin_lock(&sched_lock);
    while (t->state != T_ZOMBIE || t->on_cpu)
        waitq_sleep(&t->exit_wq, &sched_lock);
    list_remove(&t->all);
    spin_unlock(&sched_lock);
}

void sched_for_each_thread(void (*fn)(struct thread *t, void *arg), void *arg)
{
    struct list_head *e;
    spin_lock(&sched_lock);
    list_for_each(e, &all_threads) fn(list_entry(e, struct thread, all), arg);
    spin_unlock(&sched_lock);
}

/* Sleep until the global tick count reaches `until`; with `interruptible`,
 * return -EINTR early if the thread's process has a signal to act on. */
static int sleep_until(uint64_t until, bool interruptible)
{
    while (READ_ONCE(ticks) < until) {
        struct thread *t = thread_current();
        if (interruptible && t->proc && sig_pending_proc(t->proc))
            return -EINTR;
        waitq_sleep(&tick_wq, NULL);
    }
    return 0;
}

void sched_sleep_ticks(uint64_t n)
{
    sleep_until(ticks + n, false);
}

int sched_sleep_ns(uint64_t ns)
{
    uint64_t tick_ns = (uint64_t)timer_tick_ms() * 1000000UL;
    return sleep_until(ticks + (ns + tick_ns - 1) / tick_ns + (ns ? 1 : 0), true);
}

/* ---- wait queues (sync/waitq.h); here because they share sched_lock ---- */

void waitq_init(struct waitq *wq, const char *name)
{
    list_init(&wq->sleepers);
    wq->name = name;
}

void waitq_sleep(struct waitq *wq, struct spinlock *lk)
{
    struct thread *t = thread_current();
    if (!t)
        panic("waitq_sleep: no thread to put to sleep on '%s'", wq->name);
    bool same = lk == &sched_lock;
    if (!same)
        spin_lock(&sched_lock);
    if (lk && !same)
        spin_unlock(lk);
    t->state = T_SLEEPING;
    t->wq = wq;
    list_push_back(&wq->sleepers, &t->link);
    sched_switch();
    t->wq = NULL;
    if (!same) {
        spin_unlock(&sched_lock);
        if (lk)
            spin_lock(lk);
    }
}

static int wake(struct waitq *wq, bool all)
{
    int n = 0;
    struct list_head *e;
    spin_lock(&sched_lock);
    while ((e = list_pop_front(&wq->sleepers)) != NULL) {
        struct thread *t = list_entry(e, struct thread, link);
        t->wq = NULL;
        make_runnable_locked(t, policy->wake);
        n++;
        if (!all)
            break;
    }
    spin_unlock(&sched_lock);
    return n;
}

int waitq_wake_all(struct waitq *wq)
{
    return wake(wq, true);
}

int waitq_wake_one(struct waitq *wq)
{
    return wake(wq, false);
}
