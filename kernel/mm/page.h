/*
 * Physical frames: one struct page per frame of RAM, and the kernel's frame
 * allocator (a single buddy zone covering all RAM, see mm/buddy.h).
 *
 * page_alloc() returns kernel virtual addresses in the direct map; blocks of
 * 2^order frames are aligned to 2^order frames physically.  Allocation never
 * sleeps and never panics: NULL means out of memory.
 *
 * Who may write struct page fields:
 *   flags, order, list  the buddy (zone lock / own pcp) while the block is
 *                       free; the owner of an allocated block otherwise
 *                       (slab: the cache lock for list/freelist/inuse)
 *   refcount            atomic (page_ref_inc/page_ref_dec)
 *   owner               the holder of the allocated block (slab: its cache)
 *   rmap_*, PG_USER     a user frame's reverse map: its rmap lock (mm/rmap.h);
 *                       they share their words with list/owner/freelist
 *   pcache              the page cache's lock (mm/pcache.h): the frame's entry,
 *                       PC_NONE while the frame is not in the cache
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include "types.h"
#include "lib/list.h"
#include "lib/fdt.h"
#include "mm/buddy.h"
#include "mm/layout.h"
#include "mm/pcache.h"

struct rmap_item;
struct mm;

/* struct page flags */
#define PG_RESERVED (1u << 0) /* never handed out (kernel image, firmware, ...) */
#define PG_FREE (1u << 1)     /* head of a free block on a buddy free list */
#define PG_PCP (1u << 2)      /* free order-0 frame in a per-cpu cache */
#define PG_ALLOC (1u << 3)    /* head of an allocated block */
#define PG_SLAB (1u << 4)     /* frame of a slab; owner = its kmem_cache */
#define PG_LARGE (1u << 5)    /* head of a kmalloc() block > 4 KiB */
#define PG_USER (1u << 6)     /* a user frame with PTEs on its reverse map (rmap lock) */
#define PG_ANON (1u << 7)     /* a user frame only swap can keep (set by its first mapper) */

struct page {
    uint32_t flags;
    int32_t refcount; /* 1 after page_alloc; atomic */
    uint8_t order;    /* buddy order of a free or allocated block head */
    uint16_t inuse;   /* slab head: objects handed out */
    union {
        struct {
            struct list_head list; /* buddy free list / pcp / slab lists */
            void *owner;           /* PG_SLAB: the struct kmem_cache */
            void *freelist;        /* slab head: first free object */
        };
        /* PG_USER (an allocated frame: no list, no owner): its reverse map,
         * the first PTE inline and the others chained (mm/rmap.h). */
        struct {
            struct mm *rmap_mm;     /* (rmap lock) */
            uintptr_t rmap_va;      /* (rmap lock) */
            uint64_t *rmap_pte;     /* (rmap lock) a pte_t */
            struct rmap_item *rmap; /* (rmap lock) */
        };
    };
    struct pcache_page pcache; /* (pcache lock) its page-cache entry (PC_NONE: none) */
};

struct page_stats {
    size_t total;    /* frames of RAM */
    size_t free;     /* free frames, per-cpu caches included */
    size_t reserved; /* never allocatable (image, page array, resv ranges) */
    size_t pcp;      /* of `free`, frames sitting in per-cpu caches */
    size_t failed;   /* allocations that returned NULL */
    size_t free_blocks[BUDDY_MAX_ORDER + 1]; /* free blocks per order (no pcp) */
};

/* Boot hart, once: RAM is [ram_base, ram_end); frames below first_free and
 * those touching resv[] stay reserved; the page array goes at first_free. */
void page_init(paddr_t ram_base, paddr_t ram_end, paddr_t first_free, const struct fdt_range *resv,
               int nresv);

/* The page array: struct page of frame number page_base_pfn + i at
 * page_array[i], for i < page_count.  Set by page_init, then read-only; the
 * conversions below are inline because the memory paths (fork, exit, the
 * reverse map, the allocators) make several per page. */
extern struct page *page_array;
extern uint64_t page_base_pfn;
extern size_t page_count;

/* NULL (pa_to_page, kva_to_page) when the address is not in RAM. */
static inline struct page *pa_to_page(paddr_t pa)
{
    uint64_t i = (pa >> PAGE_SHIFT) - page_base_pfn; /* below RAM: wraps, too big */
    return i < page_count ? &page_array[i] : NULL;
}

static inline paddr_t page_to_pa(struct page *pg)
{
    return (page_base_pfn + (uint64_t)(pg - page_array)) << PAGE_SHIFT;
}

static inline void *page_to_kva(struct page *pg)
{
    return pa_to_kva(page_to_pa(pg));
}

static inline struct page *kva_to_page(const void *kva)
{
    return pa_to_page(kva_to_pa(kva));
}

/* Every frame of RAM by number, 0 .. page_nr_frames() - 1 (reclaim's clock). */
size_t page_nr_frames(void);
struct page *page_nth(size_t i);
static inline size_t page_index(struct page *pg)
{
    return (size_t)(pg - page_array);
}

void *page_alloc(unsigned order);
void *page_alloc_zeroed(unsigned order);
void page_free(void *kva, unsigned order);

void page_stats(struct page_stats *out);
/* Free frames now, including frames in every hart's per-cpu cache. */
size_t page_free_count(void);
/* Give this hart's per-cpu cached frames back to the free lists. */
void page_drain_local(void);

static inline int page_ref_inc(struct page *pg)
{
    return __atomic_add_fetch(&pg->refcount, 1, __ATOMIC_RELAXED);
}

/* Returns the new count; the caller frees the page when it reaches 0. */
static inline int page_ref_dec(struct page *pg)
{
    return __atomic_sub_fetch(&pg->refcount, 1, __ATOMIC_ACQ_REL);
}

#endif
