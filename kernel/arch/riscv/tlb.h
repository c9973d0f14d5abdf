/*
 * The MMU as the rest of the kernel sees it: building and installing a satp
 * value (Sv39: mode, ASID, root page-table frame) and flushing the TLB with
 * sfence.vma at the narrowest scope the caller knows to be correct.
 *
 * Scopes.  ASID 0 is the kernel's (no user address space has it), so an asid
 * of 0 here means "every address space": arch_flush_page(va, 0) drops va's
 * translation in all of them, global (kernel) entries included, and
 * arch_flush_asid(0) is arch_flush_all().  A non-zero asid leaves global
 * entries alone.  Every flush also orders this hart's earlier page-table
 * stores before its later translations; it acts on this hart only (remote
 * harts need their own flush).
 */
#ifndef ARCH_RISCV_TLB_H
#define ARCH_RISCV_TLB_H

#include "arch/riscv/riscv.h"

#define ARCH_ASID_MAX_BITS 16

/* The satp value that translates through root (physical address) with asid. */
static inline uint64_t arch_make_satp(paddr_t root, uint16_t asid)
{
    return SATP_MODE_SV39 | ((uint64_t)asid << SATP_ASID_SHIFT) | (root >> 12);
}

/* Install a satp value (no flush: the caller decides which one it needs). */
static inline void arch_set_satp(uint64_t satp)
{
    csr_write(satp, satp);
}

static inline void arch_flush_all(void)
{
    __asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

static inline void arch_flush_asid(uint16_t asid)
{
    if (asid == 0)
        arch_flush_all();
    else
        __asm__ volatile("sfence.vma zero, %0" ::"r"((uint64_t)asid) : "memory");
}

static inline void arch_flush_page(uintptr_t va, uint16_t asid)
{
    if (asid == 0)
        __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
    else
        __asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"((uint64_t)asid) : "memory");
}

/*
 * How many ASID bits this hart implements (0..16): write all ones to
 * satp.ASID and read back which stuck.  satp is restored and the TLB flushed.
 */
static inline unsigned arch_asid_bits(void)
{
    uint64_t satp = csr_read(satp);
    csr_write(satp, satp | ((uint64_t)0xffff << SATP_ASID_SHIFT));
    uint64_t probe = (csr_read(satp) >> SATP_ASID_SHIFT) & 0xffff;
    csr_write(satp, satp);
    arch_flush_all();
    unsigned bits = 0;
    while (probe & 1)
        bits++, probe >>= 1;
    return bits;
}

#endif
