/*
 * The scheduler core: one per-hart loop that asks the active policy which
 * thread to run next, and the primitives that give up a hart (yield,
 * preempt, sleep, exit).  Policies live in kernel/sched/, one file each,
 * behind struct sched_ops; the core never tests which policy is active.
 *
 * Lock: `sched_lock` guards every run queue, every wait queue, and each
 * thread's (s) fields.  It is held across swtch(): the thread giving up the
 * hart takes it, the scheduler loop (or the next thread) releases it.  It is
 * the innermost lock: take no other lock while holding it.
 */
#ifndef PROC_SCHED_H
#define PROC_SCHED_H

#include "types.h"

struct thread;

struct sched_ops {
    const char *name;
    void (*init)(void);
    /* t became runnable (created, woken, preempted): put it on a queue. */
    void (*enqueue)(struct thread *t);
    /* Take t off its queue (it is RUNNABLE and queued). */
    void (*dequeue)(struct thread *t);
    /* Remove and return the thread hart `cpu` should run next, or NULL. */
    struct thread *(*pick_next)(int cpu);
    /* A timer tick while t runs; return true to preempt it. */
    bool (*tick)(struct thread *t);
    /* t gives up the hart voluntarily but stays runnable: requeue it. */
    void (*yield)(struct thread *t);
    /* t was sleeping and is runnable again: requeue it. */
    void (*wake)(struct thread *t);
    /* A new thread child, created by parent (may be NULL): set its policy state. */
    void (*fork)(struct thread *parent, struct thread *child);
};

extern const struct sched_ops sched_rr_ops;

void sched_init(const char *policy_name, unsigned slice_ticks);
const char *sched_policy_name(void);
unsigned sched_slice_ticks(void);
void sched_loop(void) __attribute__((noreturn));

/* Make a new thread runnable (called by thread_create). */
void sched_start(struct thread *t, struct thread *parent);
void sched_yield(void);   /* may sleep */
void sched_preempt(void); /* from the timer path, at the end of a slice */
void sched_tick(void);    /* from the timer interrupt */
/* Sleep for n timer ticks (at least); may sleep. */
void sched_sleep_ticks(uint64_t n);
/* Sleep ns nanoseconds (rounded up to ticks); -EINTR if a signal is pending. */
int sched_sleep_ns(uint64_t ns);

/* For thread.c: give up the hart for good. */
void sched_exit_current(int code) __attribute__((noreturn));
/* Wait until t is a zombie and off every hart. */
void sched_wait_zombie(struct thread *t);
/* Call fn on every thread under the scheduler lock (fn must not sleep or lock). */
void sched_for_each_thread(void (*fn)(struct thread *t, void *arg), void *arg);
void sched_register_thread(struct thread *t);
/* If t sleeps on a wait queue, wake it (its wait loop rechecks; used by kill). */
void sched_kick(struct thread *t);
/* A new thread's first act: release the lock its hart switched in with. */
void sched_unlock_after_switch(void);

#endif
