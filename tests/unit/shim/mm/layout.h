/*
 * Host shim for mm/layout.h: "physical memory" is a malloc'd arena and the
 * direct map is pa + host_dmap_offset (set by the test that makes the arena).
 */
#ifndef MM_LAYOUT_H
#define MM_LAYOUT_H

#include "types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

extern uintptr_t host_dmap_offset;

static inline void *pa_to_kva(paddr_t pa)
{
    return (void *)(uintptr_t)(pa + host_dmap_offset);
}

static inline paddr_t kva_to_pa(const void *va)
{
    return (uintptr_t)va - host_dmap_offset;
}

#endif
