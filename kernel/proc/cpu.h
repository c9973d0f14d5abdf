/*
 * Per-hart state.  Each hart's tp register points at its struct cpu for as
 * long as it runs in the kernel; only that hart writes the fields below
 * (except `started`, set once by the hart and read by the boot hart).
 */
#ifndef PROC_CPU_H
#define PROC_CPU_H

#include "types.h"
#include "arch/riscv/context.h"
#include "arch/riscv/hart.h"

#include "arch/riscv/asm-offsets.h" /* NCPU_MAX, shared with entry.S */
#define NHELD_MAX 8                 /* spinlocks one hart may hold at once (diagnostics) */

struct thread;
struct spinlock;

struct cpu {
    /* Read by assembly: offsets in arch/riscv/asm-offsets.h. */
    uintptr_t stack_lo; /* lowest address of the stack this hart runs on */
    uintptr_t emerg_sp; /* top of the emergency stack for overflow traps */
    uint64_t boot_satp; /* secondary harts: page table to load at entry */
    uintptr_t boot_sp;  /* secondary harts: initial (scheduler) stack */

    int id;               /* index in cpus[], 0 .. ncpu-1 */
    unsigned long hartid; /* SBI/device-tree hart id */
    volatile bool started;
    bool has_sstc; /* stimecmp usable (Sstc) */
    int plic_ctx;  /* PLIC context of this hart's S-mode (device tree), -1: none */

    struct thread *thread;    /* running thread, NULL in the scheduler loop */
    struct context sched_ctx; /* swtch() here to enter the scheduler loop */
    uintptr_t sched_stack_lo; /* bounds of the scheduler loop's stack */
    bool need_resched;        /* set by tick/wake: yield at the next chance */

    int noff;    /* depth of intr_push() nesting */
    bool intena; /* were interrupts on before the first intr_push()? */
    int nheld;   /* spinlocks held, most recent last */
    struct spinlock *held[NHELD_MAX];

    volatile uint32_t ipi_pending; /* IPI_* reasons, set by other harts */
    uint64_t ticks;                /* timer interrupts taken on this hart */
    uint64_t idle_ticks;

    volatile bool probing; /* a probe of an optional instruction is running */
    volatile bool probe_trapped;
};

extern struct cpu cpus[NCPU_MAX];
extern int ncpu;

static inline struct cpu *this_cpu(void)
{
    return arch_hart_ptr();
}

/* Top of cpu id's emergency trap stack (used on kernel stack overflow). */
uintptr_t cpu_emergency_stack_top(int id);

/* Disable interrupts, nesting; intr_pop() restores them at the outermost. */
void intr_push(void);
void intr_pop(void);

#endif
