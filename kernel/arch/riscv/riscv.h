/*
 * RISC-V privileged architecture: CSR access and the bits this kernel uses.
 * Only code under kernel/arch/riscv uses it directly; the rest of the kernel
 * calls the helpers built on it: hart.h (interrupt enable, wfi, the per-hart
 * pointer), tlb.h (satp, sfence.vma), uaccess.h (SUM around user copies).
 */
#ifndef ARCH_RISCV_H
#define ARCH_RISCV_H

#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_FS (3UL << 13)
#define SSTATUS_FS_CLEAN (2UL << 13)
#define SSTATUS_FS_OFF 0UL /* an FP instruction is an illegal-instruction trap */
#define SSTATUS_SUM (1UL << 18)

#define SIE_SSIE (1UL << 1)
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)
#define SIP_SSIP (1UL << 1)

#define SCAUSE_INTR (1UL << 63)
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9

#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

/* scounteren: which counters U-mode may read (rdcycle, rdtime, rdinstret). */
#define SCOUNTEREN_CY (1UL << 0)
#define SCOUNTEREN_TM (1UL << 1)
#define SCOUNTEREN_IR (1UL << 2)

#define SATP_MODE_SV39 (8UL << 60)
#define SATP_ASID_SHIFT 44

#ifndef __ASSEMBLY__
#include "types.h"

#define csr_read(csr)                                                                              \
    ({                                                                                             \
        unsigned long __v;                                                                         \
        __asm__ volatile("csrr %0, " #csr : "=r"(__v)::"memory");                                  \
        __v;                                                                                       \
    })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"rK"(val) : "memory")
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" ::"rK"(bits) : "memory")
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" ::"rK"(bits) : "memory")

static inline uint64_t rdtime(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

#endif /* __ASSEMBLY__ */
#endif
