/*
 * The swap device: a disk whose first page holds SWAP_MAGIC, cut into
 * page-sized slots (slot 0 is the header).  A slot has a reference count:
 * one per swapped-out PTE that holds it (fork copies such a PTE and takes a
 * reference), and the slot is free again when the last goes.
 *
 * A swapped-out PTE is not valid (V clear) and holds its slot:
 *
 *   63            10 9 8 7   1 0
 *  | slot number    |0|1|0...0|0|     PTE_SWAP (bit 8) with V clear
 *
 * bootargs swap=<disk> names the device (default vdb); without a disk that
 * carries the magic the kernel runs without swap.  Locks: swap_lock (a
 * spinlock, a leaf) guards the bitmap, the counts and the statistics;
 * swap_read/swap_write sleep on the disk and take no lock.
 */
#ifndef MM_SWAP_H
#define MM_SWAP_H

#include "types.h"
#include "mm/vm.h"

#define SWAP_MAGIC "QUILLSWAP1"

#define PTE_SWAP (1UL << 8) /* with V clear (with V set the same bit is PTE_COW) */
#define SWAP_PTE(slot) (((pte_t)(slot) << PTE_PPN_SHIFT) | PTE_SWAP)
#define PTE_SWAP_SLOT(pte) ((long)((pte) >> PTE_PPN_SHIFT))

static inline bool pte_is_swap(pte_t pte)
{
    return !(pte & PTE_V) && (pte & PTE_SWAP);
}

struct swap_stats {
    size_t total; /* slots */
    size_t used;
    size_t outs, ins; /* pages written, read */
};

/* A thread, after the disks are registered; also starts reclaim (kswapd.c). */
void swap_init(void);
bool swap_enabled(void);
bool swap_has_room(void);   /* a free slot now (racy: a hint for reclaim) */
long swap_slot_alloc(void); /* a slot with one reference, or -ENOSPC */
void swap_slot_dup(long slot);
void swap_slot_put(long slot);
int swap_slot_refs(long slot);
int swap_write(long slot, const void *page); /* page: a direct-map address; 0 or -EIO */
int swap_read(long slot, void *page);
/* Swap reads and writes on the disk now (reclaim: a page is on its way). */
int swap_io_inflight(void);
void swap_get_stats(struct swap_stats *st);

#endif
