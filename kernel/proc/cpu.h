/*
 * Per-hart state.  Each hart's tp register points at its struct cpu for as
 * long as it runs in the kernel; the key above struct cpu says who writes
 * each field.
 */
#ifndef PROC_CPU_H
#define PROC_CPU_H

#include "types.h"
#include "arch/riscv/context.h"
#include "arch/riscv/hart.h"

#include "arch/riscv/asm-offsets.h" /* NCPU_MAX, shared with entry.S */
#define NHELD_MAX 16                /* spinlocks one hart may hold at once (more: panic) */

struct thread;
struct spinlock;
struct proc;

/*
 * Fields: (b) set at boot before the hart runs kernel code, then read-only;
 * (h) used only by this hart, with interrupts off where an interrupt handler
 * also uses it; (a) atomic, written by other harts too; (r) written by this
 * hart, read by others for reports (kmon, ticks) where a stale value is fine.
 */
struct cpu {
    /* Read by assembly: offsets in arch/riscv/asm-offsets.h. */
    uintptr_t stack_lo; /* (h) lowest address of the stack this hart runs on */
    uintptr_t emerg_sp; /* (b) top of the emergency stack for overflow traps */
    uint64_t boot_satp; /* (b) secondary harts: page table to load at entry */
    uintptr_t boot_sp;  /* (b) secondary harts: initial (scheduler) stack */

    int id;                /* (b) index in cpus[], 0 .. ncpu-1 */
    unsigned long hartid;  /* (b) SBI/device-tree hart id */
    volatile bool started; /* (a) set once by the hart, read by the boot hart */
    bool has_sstc;         /* (b) stimecmp usable (Sstc) */
    int plic_ctx;          /* (b) PLIC context of this hart's S-mode (device tree), -1: none */

    struct thread *thread;    /* (r) running thread, NULL in the scheduler loop */
    struct context sched_ctx; /* (h) swtch() here to enter the scheduler loop */
    struct thread *handoff;   /* (h) switched out by a direct hand-off; the next thread
                                 completes its switch-out (proc/sched.c) */
    uintptr_t sched_stack_lo; /* (b) bounds of the scheduler loop's stack */
    bool need_resched;        /* (h) set by tick/wake: yield at the next chance */

    int noff;                         /* (h) depth of intr_push() nesting */
    bool intena;                      /* (h) were interrupts on before the first intr_push()? */
    int nheld;                        /* (h) spinlocks held, most recent last (lock order) */
    struct spinlock *held[NHELD_MAX]; /* (h) */

    volatile uint32_t ipi_pending; /* (a) IPI_* reasons, set by other harts */
    uint64_t ticks;                /* (r) timer interrupts taken on this hart */
    uint64_t idle_ticks;           /* (r) */

    volatile bool probing;       /* (h) a probe of an optional instruction is running */
    volatile bool probe_trapped; /* (h) */

    struct proc *fp_owner; /* (h) whose user FP state this hart's FP registers hold (trap.c) */
};

extern struct cpu cpus[NCPU_MAX];
extern int ncpu;

static inline struct cpu *this_cpu(void)
{
    return arch_hart_ptr();
}

/* Top of cpu id's emergency trap stack (used on kernel stack overflow). */
uintptr_t cpu_emergency_stack_top(int id);

/* The running thread (NULL in the scheduler loop): one load, no
 * interrupts-off window (arch_hart_load_ptr says why that is enough). */
static inline struct thread *cpu_thread(void)
{
    return arch_hart_load_ptr(CPU_THREAD);
}

void intr_pop_fail(const char *why) __attribute__((noreturn));

/* Disable interrupts, nesting; intr_pop() restores them at the outermost.
 * Inline: every spinlock does both. */
static inline void intr_push(void)
{
    bool was_on = arch_intr_save_off();
    struct cpu *c = this_cpu();
    if (c->noff++ == 0)
        c->intena = was_on;
}

static inline void intr_pop(void)
{
    struct cpu *c = this_cpu();
    if (arch_intr_enabled())
        intr_pop_fail("interrupts are on");
    if (c->noff < 1)
        intr_pop_fail("unbalanced");
    if (--c->noff == 0 && c->intena)
        arch_intr_on();
}

#endif
