/*
 * RISC-V privileged architecture: CSR access and the bits this kernel uses.
 * Only code under kernel/arch/riscv includes this header.
 */
#ifndef ARCH_RISCV_H
#define ARCH_RISCV_H

#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_FS (3UL << 13)
#define SSTATUS_FS_CLEAN (2UL << 13)
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

static inline void intr_on(void)
{
    csr_set(sstatus, SSTATUS_SIE);
}

static inline void intr_off(void)
{
    csr_clear(sstatus, SSTATUS_SIE);
}

static inline bool intr_enabled(void)
{
    return (csr_read(sstatus) & SSTATUS_SIE) != 0;
}

static inline uint64_t rdtime(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

static inline void wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

static inline uintptr_t read_fp(void)
{
    uintptr_t fp;
    __asm__ volatile("mv %0, s0" : "=r"(fp));
    return fp;
}

static inline void sfence_vma_all(void)
{
    __asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

static inline void sfence_vma_page(uintptr_t va)
{
    __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

/* One page of one address space (the narrowest flush after a PTE change). */
static inline void sfence_vma_page_asid(uintptr_t va, uint64_t asid)
{
    __asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"(asid) : "memory");
}

/* Every non-global translation of one address space. */
static inline void sfence_vma_asid(uint64_t asid)
{
    __asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
}

/* Load a user page table (root's physical address) with its ASID. */
static inline void satp_load(paddr_t root_pa, uint64_t asid)
{
    csr_write(satp, SATP_MODE_SV39 | (asid << SATP_ASID_SHIFT) | (root_pa >> 12));
}

static inline void satp_load_kernel(uint64_t satp)
{
    csr_write(satp, satp);
}

/* How many ASID bits satp implements (write all ones, read back). */
static inline unsigned satp_probe_asid_bits(void)
{
    uint64_t satp = csr_read(satp);
    csr_write(satp, satp | (0xffffUL << SATP_ASID_SHIFT));
    uint64_t probe = (csr_read(satp) >> SATP_ASID_SHIFT) & 0xffff;
    csr_write(satp, satp);
    sfence_vma_all();
    unsigned bits = 0;
    while (probe & 1)
        bits++, probe >>= 1;
    return bits;
}

#endif /* __ASSEMBLY__ */
#endif
