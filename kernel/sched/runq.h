/*
 * Run queues and the interface a scheduling policy implements.
 *
 * Each hart has a run queue with its own lock (bootargs runq=percpu, the
 * default); with runq=global every hart shares queue 0, the single queue
 * the textbook compares per-hart queues with.  A policy keeps its per-queue
 * state behind rq->pol and its per-thread state in struct thread; it is
 * called with the queue's lock held and never takes a lock itself.
 *
 * Migration: a policy with a per-queue virtual clock (stride's pass, CFS's
 * vruntime) keeps each thread's clock relative to the queue it is on.  A
 * thread that moves (stolen, balanced, or woken on another hart) keeps its
 * lead over the old queue's minimum, never less than 0, as its lead over
 * the new queue's minimum: it neither starves behind a queue whose clock
 * is behind, nor jumps ahead of one whose clock is ahead.  The old queue's
 * minimum is read without its lock (a word that only grows; a stale value
 * can only shrink the lead carried over).
 *
 * Placement, stealing and balancing (runq.c):
 *   - a new thread goes to an idle hart if there is one, else to the hart
 *     with the fewest queued threads (its parent's hart on a tie);
 *   - a woken thread goes back to the hart it last ran on if that hart is
 *     idle or no hart is idle (cache affinity), else to an idle hart;
 *   - a hart whose queue is empty steals the next thread from the busiest
 *     queue (work stealing), and every BALANCE_TICKS a hart whose queue is
 *     two or more shorter than the busiest pulls one thread (balancing).
 *   An idle hart that receives work is sent an IPI; idle harts also look
 *   for work at every timer tick.
 *
 * Locks (key: (l) rq->lock, (h) only the queue's own hart, (i) set at
 * boot): the lock order is
 *     any lock -> wait-queue lock -> run-queue lock
 * and a hart holds at most one run-queue lock, except runq_lock_all (a
 * policy switch), which takes them all in index order.  No lock is taken
 * under a run-queue lock; in particular a thread loads its address space
 * (the ASID lock) only after the switch-in has released it.
 */
#ifndef SCHED_RUNQ_H
#define SCHED_RUNQ_H

#include "types.h"
#include "abi/sched.h"
#include "sync/spinlock.h"

struct thread;

struct runq {
    struct spinlock lock;
    int id;                /* (i) index in the run-queue array */
    unsigned nr_queued;    /* (l) threads on this queue (read unlocked as a hint) */
    uint64_t last_balance; /* (h) tick of the last balancing pass */
    void *pol;             /* (l) the active policy's per-queue state */
    /* The hand-off offer (proc/sched.c): wakee, queued here, was woken
     * alone by waker, which runs on this queue's hart and is about to
     * sleep.  Cleared when wakee leaves the queue or waker leaves the
     * hart; waker is only compared, never followed. */
    struct thread *offer_wakee; /* (l) */
    struct thread *offer_waker; /* (l) */
};

struct sched_ops {
    const char *name;
    /* Boot: read the policy's tunables from bootargs (may be NULL). */
    void (*init)(const char *bootargs);
    /* Set tunable `key` (bootargs spelling, e.g. "mlfq_boost") to value:
     * 0, or -EINVAL for a key it does not have or a value out of range.
     * Called with every run-queue lock held. */
    int (*set_tunable)(const char *key, unsigned long value);
    /* Append "key=value" pairs of its tunables, space separated. */
    void (*describe)(char *buf, size_t size);
    /* Allocate / free the per-queue state rq->pol: 0 or -ENOMEM. */
    int (*rq_init)(struct runq *rq);
    void (*rq_free)(struct runq *rq);
    /* t became runnable because it is new or was preempted: queue it. */
    void (*enqueue)(struct runq *rq, struct thread *t);
    /* Take t (queued on rq) off the queue. */
    void (*dequeue)(struct runq *rq, struct thread *t);
    /* Remove and return the thread to run next, or NULL if rq is empty. */
    struct thread *(*pick_next)(struct runq *rq);
    /* A timer tick while t runs on rq's hart; true: preempt it. */
    bool (*tick)(struct runq *rq, struct thread *t);
    /* t gives up the hart voluntarily but stays runnable: queue it. */
    void (*yield)(struct runq *rq, struct thread *t);
    /* t slept for `slept` ticks and is runnable again: queue it.  `from` is
     * the queue of the hart it last ran on (rq itself unless the wake-up
     * moves it to another hart); its policy state is relative to from's. */
    void (*wake)(struct runq *rq, struct thread *t, uint64_t slept, struct runq *from);
    /* t was taken from queue `from` (stealing, balancing): queue it on rq,
     * its virtual time carried over from from's frame to rq's (its lead
     * over from's minimum becomes its lead over rq's). */
    void (*migrate)(struct runq *rq, struct thread *t, struct runq *from);
    /* The hand-off (proc/sched.c): waker, running on rq's hart, is about to
     * sleep and just woke wakee alone onto rq, where wakee is queued.  If
     * the policy's rules would run wakee before waker (waker's turn is
     * then wakee's), take wakee off the queue as pick_next would, give it
     * what is left of waker's slice, and return true; else change nothing
     * and return false. */
    bool (*take)(struct runq *rq, struct thread *waker, struct thread *wakee);
    /* A new thread child of parent (NULL for the first ones, or when the
     * policy changed since the thread's state was set), about to be queued
     * on rq: set its policy state. */
    void (*fork)(struct runq *rq, struct thread *parent, struct thread *child);
    /* t's tickets, nice or currency changed (a system call); t may be
     * queued on any queue, running or asleep.  Called with every run-queue
     * lock held.  NULL for a policy that reads them when it needs them. */
    void (*params_changed)(struct thread *t);
};

extern const struct sched_ops sched_rr_ops;
extern const struct sched_ops sched_mlfq_ops;
extern const struct sched_ops sched_stride_ops;
extern const struct sched_ops sched_lottery_ops;
extern const struct sched_ops sched_cfs_ops;

/* Lottery currencies 1 .. LOTTERY_CURRENCIES-1 (0 is the base currency). */
#define LOTTERY_CURRENCIES 16
/* Fund currency c with n base tickets: 0 or -EINVAL. */
int lottery_fund(int currency, unsigned n);
/* The lottery's generator (xorshift64*) and its walk (the thread holding
 * ticket number `winner` of rq's queue), exposed for the unit tests. */
uint64_t lottery_next(uint64_t *state);
struct thread *lottery_winner(struct runq *rq, uint64_t winner);
/* T: the base tickets of every thread queued on rq. */
uint64_t lottery_total(struct runq *rq);
/* MLFQ: the ticks a thread may run at `level` before it moves down (rule 4). */
unsigned mlfq_allotment(int level);
/* CFS arithmetic, exposed for the unit tests. */
uint32_t cfs_weight_of(int nice);
uint64_t cfs_vruntime_delta(uint64_t ran_ns, uint32_t weight);
uint64_t cfs_slice_ns(uint32_t weight, uint64_t total_weight, unsigned latency_ms,
                      unsigned granularity_ms);
/* Migration: a virtual time relative to one queue's minimum (from_min)
 * made relative to another's (to_min), a lead never below 0. */
uint64_t cfs_rebase(uint64_t vruntime, uint64_t from_min, uint64_t to_min);
uint64_t stride_rebase(uint64_t pass, uint64_t from_pass, uint64_t to_pass);

/* Tickets a thread gets at creation; stride = STRIDE_L / tickets. */
#define SCHED_TICKETS_DEFAULT 100
#define SCHED_TICKETS_MAX TICKETS_MAX
#define STRIDE_L 10000

/* The slice of rr, lottery and stride, in ticks (proc/sched.c). */
unsigned sched_slice_ticks(void);
/* A bootargs number key=N in [lo, hi]; dflt if absent or out of range. */
unsigned sched_bootarg_uint(const char *bootargs, const char *key, unsigned dflt, unsigned lo,
                            unsigned hi);

/* Boot: one queue per possible hart (or one shared), for policy ops. */
void runq_init(bool global, const struct sched_ops *ops);
const struct sched_ops *runq_policy(void);
bool runq_is_global(void);
struct runq *runq_of_cpu(int cpu);
/* Lock the run queue of the hart this runs on (pinned by the lock). */
struct runq *runq_lock_self(void);

/* Why a thread is queued: picks the policy op (enqueue, yield, migrate). */
enum runq_why { RQ_NEW, RQ_PREEMPTED, RQ_YIELDED, RQ_MIGRATED };
/* Queue t (RUNNABLE, off every hart, or the caller itself on its way out)
 * on rq. */
void runq_enqueue_locked(struct runq *rq, struct thread *t, enum runq_why why);
void runq_wake_locked(struct runq *rq, struct thread *t, uint64_t slept);
/* Hand-off offers (proc/sched.c): offer wakee (just queued on rq) to
 * waker's next sleep; take it at that sleep (the thread to switch to, or
 * NULL if there is no offer from waker or the policy refuses; the offer is
 * gone either way); withdraw it when waker leaves the hart otherwise. */
void runq_offer_locked(struct runq *rq, struct thread *waker, struct thread *wakee);
struct thread *runq_take_offer_locked(struct runq *rq, struct thread *waker);
void runq_withdraw_offer_locked(struct runq *rq, struct thread *waker);
/* Next thread for rq's hart from rq, or NULL. */
struct thread *runq_pick_locked(struct runq *rq);
/* Where a new (is_new) or woken thread t should be queued. */
struct runq *runq_place(struct thread *t, bool is_new);
/* Where a thread woken by one about to block should go: this hart's queue
 * if it is empty (the wakee runs when the waker sleeps: no other hart is
 * woken, its cache is warm), else where runq_place puts it.  With `offer`
 * (the wakee is offered the waker's turn) this hart's queue whatever its
 * length, if a thread runs here. */
struct runq *runq_place_sync(struct thread *t, bool offer);
/* After queueing on rq: wake its hart if it idles. */
void runq_notify(struct runq *rq);
/* An idle hart's search: a thread taken from another queue, or NULL.
 * Called with no run-queue lock held; the thread is in no queue. */
struct thread *runq_steal(struct runq *self);
/* Periodic balancing: maybe a thread for self's hart (as runq_steal). */
struct thread *runq_balance(struct runq *self);
/* A tick while t runs on rq's hart: true if it should be preempted. */
bool runq_tick_locked(struct runq *rq, struct thread *t);
/* t's tickets, nice or currency were just changed: tell the policy (takes
 * every run-queue lock; the caller may hold outer locks, e.g. proc). */
void runq_params_changed(struct thread *t);
/* The policy state of a new thread, before runq_enqueue_locked(RQ_NEW). */
void runq_fork_locked(struct runq *rq, struct thread *parent, struct thread *child);

/* Run-time policy switch: every queued thread moves to ops's queues (none
 * is lost); running and sleeping threads get ops's initial state the next
 * time the scheduler touches them.  0 or -ENOMEM.  May sleep (allocates). */
int runq_switch_policy(const struct sched_ops *ops);
/* Take / release every run-queue lock, in index order (policy switch,
 * tunables). */
void runq_lock_all(void);
void runq_unlock_all(void);

#endif
