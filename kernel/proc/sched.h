/*
 * The scheduler core: one per-hart loop that asks the active policy which
 * thread to run next, and the primitives that give up a hart (yield,
 * preempt, sleep, exit) or make a thread runnable (start, wake).  Policies
 * live in kernel/sched/, one file each, behind struct sched_ops
 * (sched/runq.h); the core never tests which policy is active.
 *
 * Locks: each run queue has its own lock (sched/runq.h), held across
 * swtch(): the thread giving up the hart takes its hart's queue lock, the
 * hart's scheduler loop releases it once the switch-out is complete, and
 * the next thread releases the lock its hart switched it in with.  The
 * lock order (sync/lockorder.h) is  any lock -> wait-queue lock -> run-queue
 * lock, and nothing is taken under a run-queue lock.  Timed sleepers are on
 * the "sleep timers" list (proc/sleep.c): sleep timers -> run-queue lock.  The list of all threads
 * has its own lock ("threads"), taken under no other scheduler lock.
 */
#ifndef PROC_SCHED_H
#define PROC_SCHED_H

#include "types.h"

struct thread;
struct spinlock;

/* Boot: policy, slice and run-queue layout from bootargs (sched=, slice=, runq=). */
void sched_init(const char *bootargs);
const char *sched_policy_name(void);
unsigned sched_slice_ticks(void);
void sched_loop(void) __attribute__((noreturn));
/* Switch to the policy called name (every runnable thread moves over):
 * 0, -EINVAL for an unknown name, -ENOMEM.  May sleep. */
int sched_set_policy(const char *name);
/* Set a tunable, e.g. "slice" or "mlfq_boost": 0 or -EINVAL. */
int sched_set_tunable(const char *key, unsigned long value);
/* "POLICY slice=N runq=percpu|global KEY=VALUE..." into buf. */
void sched_describe(char *buf, size_t size);

/* Make a new thread runnable (called by thread_create). */
void sched_start(struct thread *t, struct thread *parent);
void sched_yield(void);   /* may sleep */
void sched_preempt(void); /* from the timer path, at the end of a slice */
void sched_tick(void);    /* from the timer interrupt */
/* Exact time t has spent on a hart (ns), the current run included. */
uint64_t sched_cpu_ns(struct thread *t);
/* Sleep for n timer ticks (at least); may sleep. */
void sched_sleep_ticks(uint64_t n);
/* Sleep ns nanoseconds (rounded up to ticks); -EINTR if a signal is pending. */
int sched_sleep_ns(uint64_t ns);
/* From hart 0's timer interrupt: wake every timed sleeper (proc/sleep.c)
 * whose deadline is at or before tick `now`. */
void sched_sleep_expire(uint64_t now);

/* For wait queues: the caller holds `held` (its wait queue's guard: the
 * queue's lock or its owner's) and has put the current thread on that queue.  Marks it SLEEPING,
 * releases held and gives up the hart; returns once woken, holding no lock. */
void sched_block(struct spinlock *held);
/* For wait queues: make t runnable if it is SLEEPING; false if it was not
 * (already woken).  The caller took t off its wait queue's list (under the
 * queue's lock); if this wakes t, t->wq is NULL before t runs again. */
bool sched_wake(struct thread *t);
/* The same from a waker about to block for t's answer (a pipe's writer that
 * reads the reply next): t is queued on this hart if nothing else waits
 * here, to run as soon as the waker sleeps, instead of waking another hart
 * (runq_place_sync); the waker's sleep then hands the hart straight to t. */
bool sched_wake_sync(struct thread *t);
/* sched_wake_sync of the only thread a wake-up releases: t is queued on
 * this hart and offered the rest of the waker's turn, which it takes when
 * the waker next sleeps if the policy agrees (see proc/sched.c). */
bool sched_wake_handoff(struct thread *t);
/* If t sleeps, wake it (its wait loop rechecks; used by kill). */
void sched_kick(struct thread *t);

/* For thread.c: give up the hart for good. */
void sched_exit_current(int code) __attribute__((noreturn));
/* Wait until t is a zombie and off every hart. */
void sched_wait_zombie(struct thread *t);
/* Call fn on every thread under the threads lock (fn must not sleep). */
void sched_for_each_thread(void (*fn)(struct thread *t, void *arg), void *arg);
void sched_register_thread(struct thread *t);
/* A switched-in thread's first act: release the run-queue lock its hart
 * switched it in with, then load its address space. */
void sched_finish_switch(void);

#endif
