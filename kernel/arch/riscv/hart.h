/*
 * The current hart, as the rest of the kernel sees it: its interrupt-enable
 * bit, waiting for an interrupt, a spin-wait hint, and the tp register, which
 * always holds the hart's struct cpu in the kernel (set once per hart at boot,
 * before anything calls this_cpu()).  The only place outside
 * kernel/arch/riscv that needs these reaches them through this header.
 */
#ifndef ARCH_RISCV_HART_H
#define ARCH_RISCV_HART_H

#include "arch/riscv/riscv.h"

/* Supervisor interrupts on this hart (sstatus.SIE). */
static inline void arch_intr_on(void)
{
    csr_set(sstatus, SSTATUS_SIE);
}

static inline void arch_intr_off(void)
{
    csr_clear(sstatus, SSTATUS_SIE);
}

static inline bool arch_intr_enabled(void)
{
    return (csr_read(sstatus) & SSTATUS_SIE) != 0;
}

/* Interrupts off; were they on?  One csrrci, so nothing runs in between. */
static inline bool arch_intr_save_off(void)
{
    unsigned long s;
    __asm__ volatile("csrrci %0, sstatus, %1" : "=r"(s) : "i"(SSTATUS_SIE) : "memory");
    return (s & SSTATUS_SIE) != 0;
}

/* Sleep until an interrupt is pending (it may return at once, or spuriously). */
static inline void arch_wait_for_interrupt(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

/* In a spin-wait loop: let the hart (or QEMU) know nothing useful is happening. */
static inline void arch_cpu_relax(void)
{
    __asm__ volatile("nop" ::: "memory");
}

/* The per-hart pointer in tp (this hart's struct cpu). */
static inline void *arch_hart_ptr(void)
{
    void *p;
    __asm__ volatile("mv %0, tp" : "=r"(p));
    return p;
}

/*
 * The pointer stored at byte offset `off` of the per-hart structure, read in
 * one load relative to tp.  A thread may move to another hart at any moment
 * interrupts are on, and tp then names the new hart; a single load always
 * reads the structure of the hart it executes on, so (unlike "read tp, then
 * load") it needs no interrupts-off window around it.
 */
#define arch_hart_load_ptr(off)                                                                    \
    ({                                                                                             \
        void *__p;                                                                                 \
        __asm__ volatile("ld %0, %1(tp)" : "=r"(__p) : "i"(off));                                  \
        __p;                                                                                       \
    })

static inline void arch_set_hart_ptr(void *p)
{
    __asm__ volatile("mv tp, %0" ::"r"(p) : "memory");
}

#endif
