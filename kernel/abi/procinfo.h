/* getprocs(): one record per process, for ps. */
#ifndef ABI_PROCINFO_H
#define ABI_PROCINFO_H

#define PROCINFO_NAME 16

struct procinfo {
    int pid;
    int ppid;
    char state; /* R running, r runnable, S sleeping, Z zombie, E embryo */
    char name[PROCINFO_NAME];
    unsigned long size;   /* bytes of user memory mapped */
    unsigned long ticks;  /* CPU time in timer ticks (sampled: the tick charges who runs) */
    int cpu;              /* hart id it runs on (R) or last ran on; -1 for a zombie */
    unsigned long cpu_ns; /* CPU time in nanoseconds, exact (every run measured) */
};

#endif
