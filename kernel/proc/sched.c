/*
 * Scheduler core (timed sleep is in proc/sleep.c).
 *
 * Each hart runs sched_loop() on its own stack.  To run a thread it takes
 * its run queue's lock, asks the policy for one (or steals one from another
 * hart's queue) and swtch()es to it; the thread releases that lock once it
 * is running (sched_finish_switch).  A thread gives up the hart by taking
 * its hart's queue lock, changing its state and swtch()ing back to the
 * loop, which releases the lock after the switch-out is complete.  A thread
 * that sleeps switches instead straight to the next thread the policy picks
 * from that queue, if there is one (the direct hand-off, below): the next
 * thread completes the sleeper's switch-out.
 *
 * The synchronous hand-off.  A thread that wakes one other thread and then
 * sleeps waiting for its answer (a pipe's writer that reads the reply
 * next) can give the woken thread the rest of its turn, so the answer does
 * not wait behind every runnable thread of the hart.  Invariant: the woken
 * thread takes the sleeper's turn only if
 *   - it was the only thread that wake-up released (a broadcast that
 *     released several, e.g. jobs waiting at one gate, offers nothing:
 *     the policy orders them as it would without a hand-off);
 *   - it was queued on the sleeper's queue by that wake-up and is still
 *     there, and the sleeper has not left the hart since (a yield, a
 *     preemption or an exit withdraws the offer);
 *   - the policy agrees (its take op): it is the one the policy would run
 *     first of the sleeper and itself (stride: the smaller (pass, tid);
 *     CFS: the lower vruntime; MLFQ: the same level or higher; round robin
 *     and lottery: always, the pair sharing the turn the sleeper won), and
 *     it runs only the rest of the sleeper's slice: once a tick has ended
 *     the slice (need_resched), the sleep hands nothing on, so a pair in
 *     ping-pong shares one slice and then waits its turn.
 * Otherwise the sleep picks the next thread as usual and the woken thread
 * waits its turn on the queue.
 *
 * Thread states and who changes them:
 *   EMBRYO -> RUNNABLE     sched_start, under the target queue's lock
 *   RUNNABLE -> RUNNING    the loop that picked it, under its queue's lock
 *   RUNNING -> RUNNABLE    the thread itself (yield, preempt), its queue's lock
 *   RUNNING -> SLEEPING    the thread itself (sched_block), its queue's lock
 *                          and the wait queue's lock
 *   SLEEPING -> WAKING     a waker or a kick, by compare-and-swap: one wins
 *   WAKING -> RUNNABLE     that waker, once on_cpu is 0, under the target lock
 *   RUNNING -> ZOMBIE      the thread itself (exit)
 *
 * Invariants (checked):
 *   - a thread is on at most one hart: on_cpu is 0 when it is picked, and a
 *     thread is queued only when off every hart (or by itself, under the
 *     lock its hart holds until the switch-out completes); a sleeper that
 *     hands off keeps on_cpu set until the next thread, on its own stack,
 *     has left the sleeper's page table (a waker waits for it);
 *   - a thread's runs do not overlap and leave no gap at a hand-off: one
 *     clock reading ends the sleeper's run and starts the next thread's;
 *   - sched_switch() is entered with the hart's run-queue lock as the only
 *     spinlock held, at interrupt-disable depth one;
 *   - no wake-up is lost: see sync/waitq.h.
 */
#include "proc/sched.h"
#include "proc/thread.h"
#include "proc/cpu.h"
#include "proc/proc.h"
#include "sched/runq.h"
#include "sched/trace.h"
#include "abi/sched.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/smp.h"
#include "arch/riscv/timer.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "lib/fdt.h"
#include "mm/layout.h"
#include "mm/uvm.h"
#include "abi/errno.h"

static unsigned slice_ticks = 1; /* written with every run-queue lock held */
static struct spinlock threads_lock = SPINLOCK_INIT("threads");
static struct list_head all_threads = LIST_HEAD_INIT(all_threads); /* (threads_lock) */

static const struct sched_ops *const policies[] = {
    &sched_rr_ops, &sched_mlfq_ops, &sched_lottery_ops, &sched_stride_ops, &sched_cfs_ops,
};

unsigned sched_bootarg_uint(const char *bootargs, const char *key, unsigned dflt, unsigned lo,
                            unsigned hi)
{
    char val[16];
    unsigned v = 0;
    if (!bootarg_get(bootargs, key, val, sizeof(val)) || !val[0])
        return dflt;
    for (const char *p = val; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (*p - '0');
    if (v >= lo && v <= hi)
        return v;
    printf("sched: %s=%s out of range [%u, %u], using %u\n", key, val, lo, hi, dflt);
    return dflt;
}

static const struct sched_ops *policy_named(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++)
        if (strcmp(name, policies[i]->name) == 0)
            return policies[i];
    return NULL;
}

void sched_init(const char *bootargs)
{
    char name[16] = "rr", layout[16] = "percpu";
    bootarg_get(bootargs, "sched", name, sizeof(name));
    bootarg_get(bootargs, "runq", layout, sizeof(layout));
    const struct sched_ops *ops = policy_named(name);
    if (!ops) {
        ops = policies[0];
        printf("sched: unknown policy '%s', using %s\n", name, ops->name);
    }
    if (strcmp(layout, "global") != 0 && strcmp(layout, "percpu") != 0)
        printf("sched: unknown runq=%s, using percpu\n", layout);
    slice_ticks = sched_bootarg_uint(bootargs, "slice", 1, 1, 1000);
    ops->init(bootargs);
    runq_init(strcmp(layout, "global") == 0, ops);
}

int sched_set_policy(const char *name)
{
    const struct sched_ops *ops = policy_named(name);
    return ops ? runq_switch_policy(ops) : -EINVAL;
}

int sched_set_tunable(const char *key, unsigned long value)
{
    int err = 0;
    runq_lock_all();
    if (strcmp(key, "slice") == 0) {
        if (value >= 1 && value <= 1000)
            slice_ticks = value;
        else
            err = -EINVAL;
    } else {
        err = runq_policy()->set_tunable(key, value);
    }
    runq_unlock_all();
    return err;
}

void sched_describe(char *buf, size_t size)
{
    char extra[128];
    runq_lock_all();
    const struct sched_ops *ops = runq_policy();
    ops->describe(extra, sizeof(extra));
    snprintf(buf, size, "%s slice=%u runq=%s%s%s", ops->name, slice_ticks,
             runq_is_global() ? "global" : "percpu", extra[0] ? " " : "", extra);
    runq_unlock_all();
}

const char *sched_policy_name(void)
{
    return runq_policy()->name;
}

unsigned sched_slice_ticks(void)
{
    return slice_ticks;
}

void sched_register_thread(struct thread *t)
{
    spin_lock(&threads_lock);
    list_push_back(&all_threads, &t->all);
    spin_unlock(&threads_lock);
}

static void set_state(struct thread *t, enum thread_state s)
{
    __atomic_store_n(&t->state, s, __ATOMIC_RELEASE);
}

void sched_start(struct thread *t, struct thread *parent)
{
    struct runq *rq = runq_place(t, true);
    spin_lock(&rq->lock);
    t->cpu = rq->id;
    runq_fork_locked(rq, parent, t);
    set_state(t, T_RUNNABLE);
    runq_enqueue_locked(rq, t, RQ_NEW);
    spin_unlock(&rq->lock);
    runq_notify(rq);
}

/* t's run starts at `now`: it is on this hart (sched_cpu_ns counts from here). */
static void run_begin(struct thread *t, uint64_t now)
{
    WRITE_ONCE(t->run_start_ns, now);
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* run_start_ns before on_cpu (sched_cpu_ns) */
    t->on_cpu = 1;
}

/* t's run ended at `now` and its registers are saved: it is off the hart. */
static void run_end(struct thread *t, uint64_t now)
{
    WRITE_ONCE(t->cpu_ns, t->cpu_ns + (now - t->run_start_ns));
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* cpu_ns before on_cpu (sched_cpu_ns) */
    __atomic_store_n(&t->on_cpu, 0, __ATOMIC_RELEASE);
}

void sched_finish_switch(void)
{
    struct cpu *c = this_cpu();
    struct thread *t = c->thread, *prev = c->handoff;
    intr_push(); /* stay on this hart while loading the address space */
    c->handoff = NULL;
    spin_unlock(&runq_of_cpu(c->id)->lock);
    if (t->proc && t->proc->mm)
        mm_activate(t->proc->mm); /* its system calls touch user memory */
    else if (prev && prev->proc)
        mm_deactivate(); /* off prev's page table before prev is off the hart */
    if (prev) {
        /* The end of a hand-off (handoff() below): prev is off the hart
         * only now that this hart no longer uses its page table (prev may
         * run elsewhere and exit as soon as on_cpu is 0); t's run starts
         * where prev's ends. */
        uint64_t now = timer_now_ns();
        run_end(prev, now);
        run_begin(t, now);
    }
    intr_pop();
}

/* Make t this hart's running thread; the caller starts its run (run_begin). */
static void switch_in_locked(struct cpu *c, struct runq *rq, struct thread *t)
{
    ASSERT_HELD(&rq->lock);
    if (t->on_cpu || t->state != T_RUNNABLE)
        panic("sched: thread '%s' picked while on a hart or not runnable", t->name);
    set_state(t, T_RUNNING);
    t->cpu = c->id;
    t->rq = rq;
    t->nswitch++;
    t->wait_ticks += ticks - t->queued_since;
    if (!t->has_run) {
        t->has_run = true;
        t->first_run_tick = ticks;
    }
    c->thread = t;
    c->need_resched = false;
    c->stack_lo = t->kstack_top - KSTACK_SIZE;
}

/*
 * Direct hand-off: the sleeping thread t switches straight to next, which
 * the policy picked from this hart's queue, without a trip through the
 * loop.  It is the loop's work done on t's stack: the trace event and the
 * switch-in of next here, the switch-out of t by next (sched_finish_switch,
 * once next has released the queue's lock and loaded its address space).
 * Between the two, next is RUNNING with on_cpu 0 and on no queue, so no one
 * touches it; t is asleep with on_cpu 1, so a waker waits.  Only a sleeper
 * hands off: a yielding or preempted thread is queued (another hart could
 * take it before its switch-out is complete) and an exiting one is reaped
 * by the loop, off its own stack.
 */
static void handoff(struct cpu *c, struct runq *rq, struct thread *t, struct thread *next)
{
    ASSERT_HELD(&rq->lock);
    trace_switch(c->id, trace_id(t), t->switch_reason, trace_id(next));
    switch_in_locked(c, rq, next);
    c->handoff = t;
    c->intena = true; /* what the loop switches a thread in with (thread_start) */
    swtch(&t->ctx, &next->ctx);
}

/*
 * Switch from the current thread to another: with `sleeping`, the next
 * thread of this hart's queue if there is one (a direct hand-off), else
 * this hart's scheduler loop.  The caller holds rq's lock (and nothing
 * else) and has already changed the thread's state.  Returns when the
 * thread is next picked, maybe on another hart, with no lock held.
 */
static void sched_switch(struct runq *rq, bool sleeping)
{
    struct cpu *c = this_cpu();
    struct thread *t = c->thread;
    ASSERT_HELD(&rq->lock);
    spin_assert_none_held(&rq->lock, "sleep");
    if (c->noff != 1)
        panic("sched_switch: interrupt-disable depth %d", c->noff);
    if (t->state == T_RUNNING)
        panic("sched_switch: thread '%s' still RUNNING", t->name);
    bool intena = c->intena;
    struct thread *next = NULL;
    if (sleeping) {
        if (c->need_resched)
            runq_withdraw_offer_locked(rq, t); /* the turn is over: nothing to hand on */
        next = runq_take_offer_locked(rq, t);
        if (!next)
            next = runq_pick_locked(rq);
    } else {
        runq_withdraw_offer_locked(rq, t);
    }
    if (next)
        handoff(c, rq, t, next);
    else
        swtch(&t->ctx, &c->sched_ctx);
    this_cpu()->intena = intena; /* this_cpu() may be another hart now */
    sched_finish_switch();
}

/* Run t until a thread switches back to the loop; returns that thread (t,
 * or the last of a chain of hand-offs that started with t). */
static struct thread *run_thread(struct cpu *c, struct runq *rq, struct thread *t)
{
    switch_in_locked(c, rq, t);
    run_begin(t, timer_now_ns());
    swtch(&c->sched_ctx, &t->ctx);
    ASSERT_HELD(&rq->lock); /* taken by the thread on its way out */
    struct thread *out = c->thread;
    c->stack_lo = c->sched_stack_lo;
    c->thread = NULL;
    if (out->proc)
        mm_deactivate(); /* its page table may be freed once it exits */
    run_end(out, timer_now_ns());
    return out;
}

/* A zombie is off its hart for good: free it or tell its joiner. */
static void reap(struct thread *t)
{
    if (t->detached) {
        spin_lock(&threads_lock);
        list_remove(&t->all);
        spin_unlock(&threads_lock);
        thread_free(t);
        return;
    }
    spin_lock(&t->exit_wq.lock);
    t->exited = true;
    waitq_wake_all_locked(&t->exit_wq);
    spin_unlock(&t->exit_wq.lock); /* the joiner may free t from here on */
}

/* Queue a thread taken from another hart here; pick this queue's next one. */
static struct thread *pick_with(struct runq *rq, struct thread *pulled)
{
    ASSERT_HELD(&rq->lock);
    if (pulled)
        runq_enqueue_locked(rq, pulled, RQ_MIGRATED);
    return runq_pick_locked(rq);
}

/* Returns a thread with rq's lock held, or NULL (no lock) if there is none. */
static struct thread *find_work_and_lock(struct runq *rq)
{
    struct thread *pulled = runq_balance(rq);
    spin_lock(&rq->lock);
    struct thread *t = pick_with(rq, pulled);
    if (t)
        return t;
    spin_unlock(&rq->lock);
    pulled = runq_steal(rq);
    if (!pulled)
        return NULL;
    spin_lock(&rq->lock);
    return pick_with(rq, pulled);
}

static void idle(struct cpu *c, struct runq *rq)
{
    c->idle_ticks++;
    arch_intr_off(); /* a wake-up IPI from now on stays pending and ends the wfi */
    if (READ_ONCE(rq->nr_queued) == 0)
        arch_wait_for_interrupt();
}

void sched_loop(void)
{
    struct cpu *c = this_cpu();
    struct runq *rq = runq_of_cpu(c->id);
    int last_id = 0, last_reason = 0; /* who left this hart last, and why */
    c->stack_lo = c->sched_stack_lo;
    for (;;) {
        arch_intr_on(); /* take pending interrupts between threads */
        struct thread *t = find_work_and_lock(rq);
        if (!t) {
            if (last_id)
                trace_switch(c->id, last_id, last_reason, 0);
            last_id = 0;
            idle(c, rq);
            continue;
        }
        trace_switch(c->id, last_id, last_reason, trace_id(t));
        struct thread *out = run_thread(c, rq, t);
        last_id = trace_id(out);
        last_reason = out->switch_reason;
        bool dead = out->state == T_ZOMBIE;
        spin_unlock(&rq->lock);
        if (dead)
            reap(out);
    }
}

void sched_block(struct spinlock *held)
{
    struct thread *t = thread_current();
    struct runq *rq = runq_lock_self();
    t->sleep_start = ticks;
    t->nvoluntary++;
    t->switch_reason = SWITCH_SLEEP;
    set_state(t, T_SLEEPING);
    /*
     * A kick that came after the caller checked its condition (a signal sent
     * between sig_pending() and this sleep) found the thread still running
     * and only set kicked.  The state store above and this load are ordered
     * against sched_kick's store and compare-and-swap (both fenced): either
     * the kicker saw T_SLEEPING and wakes us, or we see kicked here.
     */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_exchange_n(&t->kicked, 0, __ATOMIC_ACQ_REL)) {
        enum thread_state expect = T_SLEEPING;
        if (__atomic_compare_exchange_n(&t->state, &expect, T_RUNNING, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED)) {
            spin_unlock(&rq->lock);
            spin_unlock(held);
            return; /* not asleep: the caller rechecks its condition */
        }
        /* A waker claimed us meanwhile: switch out; it queues us once we are off the hart. */
    }
    spin_unlock(held);
    sched_switch(rq, true);
}

/*
 * Claim t if it sleeps, then queue it.  `unlinked`: the caller (a wait
 * queue's waker) took t off its wait queue's list before claiming it, so
 * t->wq is cleared here, before t can run: t then knows that it is off the
 * list and that no waker touches its link any more (waitq_sleep).  A kick
 * leaves t->wq set.
 */
enum wake_how {
    WAKE_PLAIN,   /* where runq_place puts it */
    WAKE_SYNC,    /* the waker blocks next: this hart if it has nothing else */
    WAKE_HANDOFF, /* the same, and the only thread released: offered the waker's turn */
};

static bool wake(struct thread *t, enum wake_how how, bool unlinked)
{
    enum thread_state expect = T_SLEEPING;
    if (!__atomic_compare_exchange_n(&t->state, &expect, T_WAKING, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_RELAXED))
        return false;
    if (unlinked)
        t->wq = NULL;
    while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
        barrier(); /* its hart is still saving its registers */
    uint64_t slept = ticks - t->sleep_start;
    struct runq *rq =
        how == WAKE_PLAIN ? runq_place(t, false) : runq_place_sync(t, how == WAKE_HANDOFF);
    spin_lock(&rq->lock);
    set_state(t, T_RUNNABLE);
    runq_wake_locked(rq, t, slept);
    struct cpu *c = this_cpu(); /* pinned by the lock */
    if (how == WAKE_HANDOFF && c->thread && rq == runq_of_cpu(c->id))
        runq_offer_locked(rq, c->thread, t);
    spin_unlock(&rq->lock);
    runq_notify(rq);
    return true;
}

bool sched_wake(struct thread *t)
{
    return wake(t, WAKE_PLAIN, true);
}

bool sched_wake_sync(struct thread *t)
{
    return wake(t, WAKE_SYNC, true);
}

bool sched_wake_handoff(struct thread *t)
{
    return wake(t, WAKE_HANDOFF, true);
}

void sched_kick(struct thread *t)
{
    if (!t)
        return;
    /* If t is not asleep yet, its next sched_block sees this and does not sleep. */
    __atomic_store_n(&t->kicked, 1, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    wake(t, WAKE_PLAIN, false);
}

/* Give up the hart but stay runnable, back on this hart's queue. */
static void requeue_current(enum runq_why why)
{
    struct thread *t = thread_current();
    struct runq *rq = runq_lock_self();
    this_cpu()->need_resched = false;
    t->npreempt += why == RQ_PREEMPTED;
    t->nvoluntary += why != RQ_PREEMPTED;
    t->switch_reason = why == RQ_PREEMPTED ? SWITCH_PREEMPT : SWITCH_YIELD;
    set_state(t, T_RUNNABLE);
    runq_enqueue_locked(rq, t, why);
    sched_switch(rq, false);
}

void sched_yield(void)
{
    requeue_current(RQ_YIELDED);
}

void sched_preempt(void)
{
    requeue_current(RQ_PREEMPTED);
}

/*
 * Exact CPU time of t, the run in progress included.  Its hart adds a run to
 * cpu_ns and then clears on_cpu, and sets run_start_ns before the next run:
 * a read that saw neither change between its first and last look is a
 * consistent snapshot; otherwise it looks again.
 */
uint64_t sched_cpu_ns(struct thread *t)
{
    for (;;) {
        uint64_t ns = READ_ONCE(t->cpu_ns), start = READ_ONCE(t->run_start_ns);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        bool running = __atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE);
        uint64_t now = timer_now_ns();
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (READ_ONCE(t->cpu_ns) != ns || READ_ONCE(t->run_start_ns) != start)
            continue;
        return running && now > start ? ns + (now - start) : ns;
    }
}

void sched_tick(void)
{
    struct cpu *c = this_cpu();
    if (c->id == 0)
        sched_sleep_expire(READ_ONCE(ticks));
    struct thread *t = c->thread;
    if (!t)
        return;
    struct runq *rq = runq_lock_self();
    t->ticks_run++;
    if (runq_tick_locked(rq, t))
        c->need_resched = true;
    spin_unlock(&rq->lock);
}

void sched_exit_current(int code)
{
    struct thread *t = thread_current();
    t->exit_code = code;
    t->switch_reason = SWITCH_EXIT;
    struct runq *rq = runq_lock_self();
    /* Under the lock (no tick charges it from here on) and before the
     * release of T_ZOMBIE: a reader that sees the zombie sees its
     * completion, and its CPU ticks fit between arrival and completion. */
    t->exit_tick = ticks;
    set_state(t, T_ZOMBIE);
    sched_switch(rq, false);
    panic("sched_exit_current: zombie '%s' ran again", t->name);
}

void sched_wait_zombie(struct thread *t)
{
    spin_lock(&t->exit_wq.lock);
    while (!t->exited)
        waitq_sleep(&t->exit_wq, &t->exit_wq.lock);
    spin_unlock(&t->exit_wq.lock);
    spin_lock(&threads_lock);
    list_remove(&t->all);
    spin_unlock(&threads_lock);
}

void sched_for_each_thread(void (*fn)(struct thread *t, void *arg), void *arg)
{
    struct list_head *e;
    spin_lock(&threads_lock);
    list_for_each (e, &all_threads)
        fn(list_entry(e, struct thread, all), arg);
    spin_unlock(&threads_lock);
}
