/*
 * Kernel threads: the unit the scheduler runs.  Each has a 16 KiB kernel
 * stack (guard page below) and a saved context.  A user process owns its
 * thread through `proc` (proc/proc.h); the scheduler never looks there.
 *
 * Locks (key): (q) the lock of the run queue that owns the thread (t->rq:
 * the queue it is on, or the queue of the hart it runs on); (w) the lock of
 * the wait queue it sleeps on; (a) atomic, changed as proc/sched.c lists;
 * (t) the scheduler's threads lock; (e) exit_wq.lock; (c) written only by
 * the thread itself; (i) set at creation.
 */
#ifndef PROC_THREAD_H
#define PROC_THREAD_H

#include "types.h"
#include "lib/list.h"
#include "arch/riscv/context.h"
#include "sync/waitq.h"
#include "proc/cpu.h"

enum thread_state {
    T_EMBRYO,   /* being created */
    T_RUNNABLE, /* on a run queue */
    T_RUNNING,  /* on a hart */
    T_SLEEPING, /* on a wait queue */
    T_ZOMBIE,   /* exited, waiting to be joined or reaped */
    T_WAKING,   /* taken off a wait queue, on its way to a run queue */
};

#define THREAD_NAME_MAX 16
#define THREAD_SLEEP_HELD_MAX 16 /* sleep locks one thread may hold at once */

struct proc;

struct runq;

struct thread {
    struct context ctx;       /* (q) saved registers while not running */
    enum thread_state state;  /* (a) */
    int cpu;                  /* (q) hart it runs on / last ran on */
    volatile int on_cpu;      /* (q) 1 from switch-in until switch-out completes */
    struct runq *rq;          /* (q) run queue it is on or was last on (asleep, in transit) */
    struct list_head rq_link; /* (q) run-queue membership (the policy's) */
    struct list_head wq_link; /* (w) wait-queue membership */
    struct waitq *wq;         /* (w) wait queue it sleeps on; NULL once a waker took it off */
    const char *sleeps_for;   /* (c) a sleep on no wait queue: what for ("ticks"), or NULL */
    int kicked;               /* (a) sched_kick while not asleep: the next sleep returns at once */
    struct list_head all;     /* (t) every thread, for `threads` and tests */
    uint64_t sleep_start;     /* (c) tick it last went to sleep */

    /* Scheduling parameters (a): set by system calls at any time, read by
     * the policies that use them when they need them. */
    int tickets;  /* stride, lottery: share of the CPU (1 .. SCHED_TICKETS_MAX) */
    int nice;     /* cfs: NICE_MIN .. NICE_MAX, 0 by default, inherited */
    int currency; /* lottery: currency its tickets are in (0: base), inherited */

    /* Scheduling-policy state (q): each policy uses what it needs. */
    unsigned sched_gen;     /* policy generation the state below belongs to */
    unsigned slice_left;    /* ticks left in the current slice */
    int level;              /* mlfq: priority level, 0 the highest */
    unsigned allot_used;    /* mlfq: ticks used at this level (rule 4) */
    uint64_t boost_epoch;   /* mlfq: boost period it last got its level in */
    uint64_t pass;          /* stride: virtual time of its next run */
    uint64_t vruntime;      /* cfs: weighted CPU time, ns */
    uint64_t slice_ns_used; /* cfs: time run in the current slice */
    uint32_t cfs_weight;    /* cfs: weight charged to its queue's load */
    uint64_t cfs_seq;       /* cfs: when it was queued, the tie-break */
    struct thread *heap_left, *heap_right, *heap_parent; /* cfs: skew heap links */
    struct thread *lot_left, *lot_right, *lot_parent;    /* lottery: tree links */
    struct runq *lot_rq;        /* lottery: queue whose tree holds it, NULL if none */
    uint64_t lot_worth;         /* lottery: its base tickets, as the tree counts them */
    uint64_t lot_sum;           /* lottery: base tickets of its subtree, its own included */
    uint32_t lot_prio;          /* lottery: tree priority (a heap on it keeps the tree shallow) */
    int lot_tickets;            /* lottery: its tickets (at least 1) when queued or updated */
    int lot_currency;           /* lottery: its currency when queued or updated */
    uint64_t ticks_at_level[8]; /* mlfq: ticks run at each level */

    /* Accounting (q), read unlocked by schedinfo (a snapshot) */
    uint64_t ticks_run;      /* timer ticks spent running (sampled: the tick charges it) */
    uint64_t cpu_ns;         /* exact time on a hart, added at each switch-out */
    uint64_t run_start_ns;   /* time of its last switch-in */
    uint64_t nswitch;        /* times switched in */
    uint64_t npreempt;       /* involuntary switches */
    uint64_t nvoluntary;     /* switches away by yielding or sleeping */
    uint64_t created_tick;   /* (i) */
    uint64_t first_run_tick; /* tick it first ran */
    bool has_run;            /* first_run_tick is set */
    uint64_t exit_tick;      /* (c) tick it exited */
    uint64_t queued_since;   /* tick it was last queued */
    uint64_t wait_ticks;     /* ticks spent queued, runnable */
    int switch_reason;       /* (c) SWITCH_* of its last switch-out */

    int tid;                    /* (i) */
    char name[THREAD_NAME_MAX]; /* (i) */
    uintptr_t kstack_top;       /* (i) */
    void (*fn)(void *);         /* (i) */
    void *arg;                  /* (i) */
    bool detached;              /* (i) reaped by the scheduler on exit */
    int exit_code;              /* (c) set before it becomes a zombie */
    bool exited;                /* (e) zombie and off its hart for good */
    struct waitq exit_wq;       /* joiners sleep here */
    struct proc *proc;          /* (i) owning process, NULL for kernel threads */

    /* (c) The sleep locks it holds, oldest first, for the lock-order check
     * (sync/sleeplock.c): entries from sleep_base on are ordered. */
    int nsleep_held;
    int sleep_base;
    int nsleep_leaf; /* leaf locks among them */
    struct sleeplock *sleep_held[THREAD_SLEEP_HELD_MAX];
};

/* Create a runnable kernel thread running fn(arg); NULL if out of memory. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);
/* Like thread_create, but freed automatically when it exits (cannot be joined). */
struct thread *thread_spawn_detached(const char *name, void (*fn)(void *), void *arg);
/* A thread for user process p (sets p->thread): fn(arg) runs below a trapframe
 * at the top of its stack, initialised from tf (may be NULL: zeroed). */
struct trapframe;
struct thread *thread_create_user(struct proc *p, const char *name, void (*fn)(void *), void *arg,
                                  const struct trapframe *tf);
/* One letter for ps: R running, r runnable (or waking), S sleeping, Z zombie, E embryo. */
char thread_state_letter(struct thread *t);
/* Wait for t to exit, free it, and return its exit code.  May sleep. */
int thread_join(struct thread *t);
void thread_exit(int code) __attribute__((noreturn));
/* The running thread, NULL in the scheduler loop (one load: proc/cpu.h). */
static inline struct thread *thread_current(void)
{
    return cpu_thread();
}
/* Free a zombie's memory; caller must own it (joined, or reaped by the scheduler). */
void thread_free(struct thread *t);
void thread_init(void);
const char *thread_state_name(enum thread_state s);

#endif
