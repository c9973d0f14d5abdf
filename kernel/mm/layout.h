/*
 * The kernel's virtual memory layout (Sv39, 39-bit addresses).
 *
 *   0x0000000000000000 .. 0x0000003fffffffff   user space (mm/uvm.h)
 *   0xffffffc000000000 .. +64 GiB               direct map: va = pa + DMAP_BASE
 *                                               (all RAM RW-, MMIO RW-, never X)
 *   0xffffffd000000000 .. +1 GiB                kernel stacks: 32 KiB slots, each
 *                                               an unmapped guard page + 16 KiB stack
 *   0xffffffff80000000 .. +2 GiB                kernel image (text R-X, rodata R--,
 *                                               data/bss RW-), loaded at pa 0x80200000
 *
 * The image is at a fixed offset from its load address (KERNEL_VOFFSET); the
 * direct map covers whatever RAM the device tree reports.
 */
#ifndef MM_LAYOUT_H
#define MM_LAYOUT_H

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

#define KERNEL_VOFFSET 0xffffffff00000000UL
#define DMAP_BASE 0xffffffc000000000UL
#define DMAP_SIZE (64UL << 30)
#define KSTACK_AREA 0xffffffd000000000UL
#define KSTACK_AREA_SIZE (1UL << 30)
#define KSTACK_SIZE (16UL * 1024)
#define KSTACK_SLOT (32UL * 1024)

#ifndef __ASSEMBLY__
#include "types.h"

static inline void *pa_to_kva(paddr_t pa)
{
    return (void *)(pa + DMAP_BASE);
}

/* Any kernel address (direct map or image) to its physical address. */
static inline paddr_t kva_to_pa(const void *va)
{
    uintptr_t v = (uintptr_t)va;
    if (v >= KERNEL_VOFFSET + 0x80000000UL)
        return v - KERNEL_VOFFSET;
    return v - DMAP_BASE;
}

static inline bool is_dmap_addr(uintptr_t va)
{
    return va >= DMAP_BASE && va < DMAP_BASE + DMAP_SIZE;
}

/* Linker-script symbols bounding the image and its sections. */
extern char _kernel_start[], _kernel_end[], _text_start[], _text_end[];
extern char _rodata_start[], _rodata_end[], _data_start[], _bss_start[], _bss_end[];
extern char _ksyms_start[], _ksyms_end[];
#endif

#endif
