/*
 * Host shim for proc/cpu.h: each test thread is a "hart".  host_set_cpu()
 * picks the struct cpu the calling thread sees through this_cpu();
 * intr_push/intr_pop only count nesting (tests check it returns to 0).
 */
#ifndef PROC_CPU_H
#define PROC_CPU_H

#include "types.h"

#define NCPU_MAX 8

struct cpu {
    int id;
    int noff; /* intr_push() depth */
};

extern struct cpu cpus[NCPU_MAX];
extern int ncpu;
extern __thread struct cpu *host_cpu;

static inline struct cpu *this_cpu(void)
{
    return host_cpu;
}

/* No thread runs "in the kernel" of a host test. */
struct thread;
static inline struct thread *cpu_thread(void)
{
    return (struct thread *)0;
}

void intr_push(void);
void intr_pop(void);
void host_set_cpu(int id);

#endif
