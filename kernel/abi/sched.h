/*
 * Scheduling system calls shared with user space: priorities (nice),
 * tickets, per-process accounting (schedinfo) and the switch trace.
 * Times are in timer ticks (bootargs tick=, 10 ms by default).
 */
#ifndef ABI_SCHED_H
#define ABI_SCHED_H

#define PRIO_PROCESS 0 /* setpriority/getpriority: `who` is a pid (0: the caller) */
#define NICE_MIN (-20)
#define NICE_MAX 19

/* tickets(op, pid, n) */
#define TICKETS_GET 0  /* returns pid's tickets */
#define TICKETS_SET 1  /* pid's tickets = n (inflation when pid raises its own) */
#define TICKETS_GIVE 2 /* move n of the caller's tickets to pid (transfer) */
#define TICKETS_JOIN 3 /* pid's tickets are in currency n from now on (0: base) */
#define TICKETS_FUND 4 /* currency n gets pid base tickets (pid is a count here) */
#define TICKETS_CURRENCIES 16
#define TICKETS_MAX 10000 /* the most a process may hold, and a currency's largest funding */

#define SCHED_POLICY_MAX 160 /* bytes sched_policy() may write, with the NUL */
#define SCHED_LEVELS_MAX 8

struct schedinfo {
    int pid;
    char state; /* as in ps: R r S Z E */
    int hart;   /* hart it runs on, or last ran on */
    int nice;
    int tickets;
    int level;                                   /* mlfq level (0: top) */
    unsigned long arrival;                       /* tick it was created */
    unsigned long first_run;                     /* tick it first ran (0: not yet) */
    unsigned long completion;                    /* tick it exited (0: alive) */
    unsigned long cpu;                           /* ticks it ran */
    unsigned long wait;                          /* ticks it spent runnable, queued */
    unsigned long voluntary;                     /* switches away by yielding or sleeping */
    unsigned long involuntary;                   /* preemptions */
    unsigned long pass;                          /* stride */
    unsigned long vruntime;                      /* cfs, in nanoseconds of weighted CPU time */
    unsigned long level_ticks[SCHED_LEVELS_MAX]; /* mlfq: ticks run at each level */
    unsigned long cpu_ns; /* exact time it ran, ns (cpu samples it by the tick) */
};

/* One switch on a hart, in the trace ring (schedtrace). */
#define SWITCH_PREEMPT 1 /* out: its slice ended */
#define SWITCH_YIELD 2   /* out: it yielded */
#define SWITCH_SLEEP 3   /* out: it slept */
#define SWITCH_EXIT 4    /* out: it exited */

struct sched_event {
    unsigned long tick;
    unsigned long ns;  /* time since boot, nanoseconds */
    unsigned long seq; /* event number since boot: gaps mean lost events */
    int hart;
    int pid_out; /* pid, -tid for a kernel thread, 0 for the idle loop */
    int pid_in;  /* the same */
    int reason;  /* SWITCH_* for pid_out */
};

#endif
