/*
 * Buddy allocator core: hands out blocks of 2^order contiguous frames.
 *
 * A zone describes a run of frames [base_pfn, base_pfn + npages) through an
 * array of struct page.  The core never touches the frames themselves (free
 * lists are threaded through struct page), so it knows nothing of the direct
 * map and the host unit tests drive it on a malloc'd page array.
 *
 * Invariants (z = zone lock):
 *   - a free block of order k starts at a pfn that is a multiple of 2^k;
 *     its head page has PG_FREE and order k and sits on free_area[k];
 *     its other pages have no PG_FREE.
 *   - two free buddies of the same order never coexist: free() merges them.
 *   - an allocated block's head has PG_ALLOC and its order; order-0 frames
 *     parked in a per-cpu cache have PG_PCP.
 *
 * Per-cpu cache: order-0 frames go through a small per-hart list (pcp),
 * touched only by its own hart with interrupts off (intr_push), refilled
 * from and drained to the free lists PCP_BATCH frames at a time under the
 * zone lock.  Frames in a pcp count as free in buddy_free_pages().
 *
 * Lock order: (slab cache lock) -> zone lock.  The zone lock is a leaf.
 */
#ifndef MM_BUDDY_H
#define MM_BUDDY_H

#include "types.h"
#include "lib/list.h"
#include "sync/spinlock.h"
#include "proc/cpu.h"

#define BUDDY_MAX_ORDER 10 /* largest block: 2^10 frames = 4 MiB */
#define PCP_HIGH 64        /* drain a pcp above this many frames */
#define PCP_BATCH 16       /* frames moved per refill / drain */

struct page;

struct buddy_pcp {
    struct list_head list; /* order-0 frames, PG_PCP, most recent first */
    uint32_t count;
} __attribute__((aligned(64)));

struct buddy_zone {
    struct spinlock lock;
    struct page *pages; /* pages[i] describes pfn base_pfn + i (const) */
    uint64_t base_pfn;  /* (const) */
    size_t npages;      /* (const) */
    struct list_head free_area[BUDDY_MAX_ORDER + 1]; /* (z) free block heads */
    size_t nr_blocks[BUDDY_MAX_ORDER + 1];           /* (z) blocks per order */
    size_t nr_free;                                  /* (z) frames on the free lists (not pcp) */
    size_t nr_managed;                               /* (z) frames ever handed to the zone */
    size_t nr_fail;                                  /* (z) allocations that returned NULL */
    struct buddy_pcp pcp[NCPU_MAX];                  /* (own hart, interrupts off) */
};

/* Set up an empty zone: every frame reserved until buddy_add_range(). */
void buddy_init(struct buddy_zone *z, struct page *pages, uint64_t base_pfn, size_t npages);
/* Boot: give frames [pfn, pfn + n) to the zone.  Single-threaded use. */
void buddy_add_range(struct buddy_zone *z, uint64_t pfn, size_t n);

/* 2^order frames, head page returned with PG_ALLOC, refcount 1; NULL when out. */
struct page *buddy_alloc(struct buddy_zone *z, unsigned order);
/* Free a block from buddy_alloc with the same order.  Panics on a double
 * free, a reserved frame, a non-head page or an order mismatch. */
void buddy_free(struct buddy_zone *z, struct page *pg, unsigned order);

/* Return this hart's pcp frames to the free lists. */
void buddy_drain_local(struct buddy_zone *z);
/* Free frames, free lists plus every hart's pcp (exact when quiescent). */
size_t buddy_free_pages(struct buddy_zone *z);
/* Frames in per-cpu caches (all harts). */
size_t buddy_pcp_pages(struct buddy_zone *z);

uint64_t buddy_page_pfn(const struct buddy_zone *z, const struct page *pg);
/* The page of pfn, or NULL if the zone does not cover it. */
struct page *buddy_pfn_page(struct buddy_zone *z, uint64_t pfn);

#endif
