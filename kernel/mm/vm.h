/*
 * Sv39 page tables and the kernel's address space.
 *
 * A virtual address splits into three 9-bit indexes and a 12-bit offset:
 *
 *   38        30 29        21 20        12 11           0
 *  +------------+------------+------------+--------------+
 *  |  VPN[2]    |  VPN[1]    |  VPN[0]    |   offset     |
 *  +------------+------------+------------+--------------+
 *       |            |            |
 *   root table -> level-1 table -> level-0 table -> 4 KiB frame
 *
 * Each table is one 4 KiB page of 512 eight-byte PTEs.  A leaf may also sit
 * at level 1 (2 MiB page) or level 2 (1 GiB page).  The kernel half (root
 * entries 256..511) is the same in every page table; user tables (mm/uvm.c)
 * copy those root entries, so the kernel creates every kernel root entry it
 * will ever need at boot.
 */
#ifndef MM_VM_H
#define MM_VM_H

#include "types.h"

typedef uint64_t pte_t;
typedef pte_t *pagetable_t; /* 512 PTEs */

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_COW (1UL << 8)      /* RSW bit: read-only now, copy on the first write */
#define PTE_PROTNONE (1UL << 9) /* RSW bit, V clear: a PROT_NONE page that keeps its frame */
#define PTE_PBMT_IO (2UL << 61) /* Svpbmt: non-cacheable, strongly ordered */

#define PTE_PPN_SHIFT 10
#define PTE_TO_PA(pte) ((((pte) >> PTE_PPN_SHIFT) & ((1UL << 44) - 1)) << 12)
#define PA_TO_PTE(pa) (((pa) >> 12) << PTE_PPN_SHIFT)
#define PT_INDEX(va, level) (((va) >> (12 + 9 * (level))) & 0x1ff)
#define PTE_IS_LEAF(pte) (((pte) & (PTE_R | PTE_W | PTE_X)) != 0)

struct fdt_info;

/* Level-0 PTE for va, allocating missing tables if alloc; NULL if absent/no memory. */
pte_t *pt_walk(pagetable_t root, uintptr_t va, bool alloc);
/* Map [va, va+size) to pa with perm; 0 or -ENOMEM.  Uses 2 MiB leaves when allowed. */
int pt_map(pagetable_t root, uintptr_t va, paddr_t pa, size_t size, uint64_t perm, bool big);
/* Print every mapping of a table (vmprint-style), coalescing contiguous runs. */
void pt_dump(pagetable_t root);

/* Build the kernel page table from the device tree and switch this hart to it. */
void vm_init(const struct fdt_info *fi);
void vm_init_hart(void);
uint64_t kernel_satp(void);
pagetable_t kernel_pagetable(void);

/* Kernel stacks: 16 KiB, each with an unmapped guard region below it. */
uintptr_t kstack_alloc(void); /* returns the stack's top, 0 when out of memory */
void kstack_free(uintptr_t top);
bool kstack_is_guard(uintptr_t va);
/* Frames held by freed kernel stacks kept for reuse (free memory in effect). */
size_t kstack_cached_frames(void);
/* Give the cached stacks' frames back to the allocator (after a shootdown on
 * every hart); returns how many frames.  May spin briefly; no locks held. */
size_t kstack_reclaim(void);

#endif
