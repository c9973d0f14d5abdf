/*
 * Buddy allocator core (see buddy.h for the invariants).
 *
 * The buddy of the block of order k at pfn p is the block at p ^ 2^k.  Freeing
 * merges a block with its buddy for as long as the buddy is a free block of
 * the same order; allocating takes the smallest free block that fits and
 * splits it, putting the upper halves back on the lower free lists:
 *
 *   order 2: [0 1 2 3]  alloc(0) -> [0] allocated, [1] free order 0,
 *                                    [2 3] free order 1
 *
 * Alignment is by absolute pfn, so a zone whose base is not 2^k aligned just
 * has smaller blocks at its edges.
 */
#include "mm/buddy.h"
#include "mm/page.h"
#include "lib/printf.h"

uint64_t buddy_page_pfn(const struct buddy_zone *z, const struct page *pg)
{
    return z->base_pfn + (uint64_t)(pg - z->pages);
}

struct page *buddy_pfn_page(struct buddy_zone *z, uint64_t pfn)
{
    if (pfn < z->base_pfn || pfn - z->base_pfn >= z->npages)
        return NULL;
    return &z->pages[pfn - z->base_pfn];
}

void buddy_init(struct buddy_zone *z, struct page *pages, uint64_t base_pfn, size_t npages)
{
    spin_init(&z->lock, "buddy");
    z->pages = pages;
    z->base_pfn = base_pfn;
    z->npages = npages;
    for (int k = 0; k <= BUDDY_MAX_ORDER; k++) {
        list_init(&z->free_area[k]);
        z->nr_blocks[k] = 0;
    }
    z->nr_free = z->nr_managed = z->nr_fail = 0;
    for (int c = 0; c < NCPU_MAX; c++) {
        list_init(&z->pcp[c].list);
        z->pcp[c].count = 0;
    }
    for (size_t i = 0; i < npages; i++) {
        struct page *pg = &pages[i];
        pg->flags = PG_RESERVED;
        pg->refcount = 0;
        pg->order = 0;
        pg->inuse = 0;
        list_init(&pg->list);
        pg->owner = NULL;
        pg->freelist = NULL;
    }
}

static void free_area_add(struct buddy_zone *z, struct page *pg, unsigned order)
{
    pg->flags = PG_FREE;
    pg->order = order;
    list_push_front(&z->free_area[order], &pg->list);
    z->nr_blocks[order]++;
    z->nr_free += 1UL << order;
}

static void free_area_del(struct buddy_zone *z, struct page *pg, unsigned order)
{
    list_remove(&pg->list);
    pg->flags = 0;
    z->nr_blocks[order]--;
    z->nr_free -= 1UL << order;
}

/* Put a block on the free lists, merging it with free buddies. */
static void buddy_free_locked(struct buddy_zone *z, uint64_t pfn, unsigned order)
{
    ASSERT_HELD(&z->lock);
    while (order < BUDDY_MAX_ORDER) {
        struct page *b = buddy_pfn_page(z, pfn ^ (1UL << order));
        if (!b || !(b->flags & PG_FREE) || b->order != order)
            break;
        free_area_del(z, b, order);
        pfn &= ~(1UL << order);
        order++;
    }
    free_area_add(z, buddy_pfn_page(z, pfn), order);
}

/* Take a free block of exactly `order`, splitting a bigger one if needed. */
static struct page *buddy_alloc_locked(struct buddy_zone *z, unsigned order)
{
    ASSERT_HELD(&z->lock);
    unsigned k = order;
    while (k <= BUDDY_MAX_ORDER && list_empty(&z->free_area[k]))
        k++;
    if (k > BUDDY_MAX_ORDER)
        return NULL;
    struct page *pg = list_entry(z->free_area[k].next, struct page, list);
    free_area_del(z, pg, k);
    uint64_t pfn = buddy_page_pfn(z, pg);
    while (k > order) {
        k--;
        free_area_add(z, buddy_pfn_page(z, pfn + (1UL << k)), k);
    }
    return pg;
}

void buddy_add_range(struct buddy_zone *z, uint64_t pfn, size_t n)
{
    ASSERT(pfn >= z->base_pfn && pfn + n <= z->base_pfn + z->npages);
    spin_lock(&z->lock);
    for (uint64_t p = pfn; p < pfn + n; p++) {
        struct page *pg = buddy_pfn_page(z, p);
        if (!(pg->flags & PG_RESERVED))
            panic("buddy_add_range: pfn %lx added twice", (unsigned long)p);
        pg->flags = 0;
        z->nr_managed++;
        buddy_free_locked(z, p, 0);
    }
    spin_unlock(&z->lock);
}

static void pcp_refill(struct buddy_zone *z, struct buddy_pcp *pcp)
{
    spin_lock(&z->lock);
    for (int i = 0; i < PCP_BATCH; i++) {
        struct page *pg = buddy_alloc_locked(z, 0);
        if (!pg)
            break;
        pg->flags = PG_PCP;
        list_push_back(&pcp->list, &pg->list);
        pcp->count++;
    }
    spin_unlock(&z->lock);
}

/* Move up to n of the coldest frames of pcp back to the free lists. */
static void pcp_drain(struct buddy_zone *z, struct buddy_pcp *pcp, uint32_t n)
{
    spin_lock(&z->lock);
    while (n-- > 0 && pcp->count > 0) {
        struct page *pg = list_entry(pcp->list.prev, struct page, list);
        list_remove(&pg->list);
        pcp->count--;
        buddy_free_locked(z, buddy_page_pfn(z, pg), 0);
    }
    spin_unlock(&z->lock);
}

static struct page *pcp_alloc(struct buddy_zone *z)
{
    struct page *pg = NULL;
    intr_push();
    struct buddy_pcp *pcp = &z->pcp[this_cpu()->id];
    if (pcp->count == 0)
        pcp_refill(z, pcp);
    if (pcp->count > 0) {
        pg = list_entry(pcp->list.next, struct page, list);
        list_remove(&pg->list);
        pcp->count--;
    }
    intr_pop();
    return pg;
}

static void pcp_free(struct buddy_zone *z, struct page *pg)
{
    intr_push();
    struct buddy_pcp *pcp = &z->pcp[this_cpu()->id];
    pg->flags = PG_PCP;
    list_push_front(&pcp->list, &pg->list);
    pcp->count++;
    if (pcp->count > PCP_HIGH)
        pcp_drain(z, pcp, PCP_BATCH);
    intr_pop();
}

struct page *buddy_alloc(struct buddy_zone *z, unsigned order)
{
    struct page *pg;
    if (order > BUDDY_MAX_ORDER)
        return NULL;
    if (order == 0) {
        pg = pcp_alloc(z);
    } else {
        spin_lock(&z->lock);
        pg = buddy_alloc_locked(z, order);
        spin_unlock(&z->lock);
    }
    if (!pg) {
        __atomic_add_fetch(&z->nr_fail, 1, __ATOMIC_RELAXED);
        return NULL;
    }
    pg->flags = PG_ALLOC;
    pg->order = order;
    pg->refcount = 1;
    pg->owner = NULL;
    return pg;
}

/* Cheap checks that pg heads an allocated block of this order. */
static void buddy_check_free(struct buddy_zone *z, struct page *pg, unsigned order)
{
    if (pg < z->pages || pg >= z->pages + z->npages)
        panic("buddy_free: page %p not in zone", (void *)pg);
    uint64_t pfn = buddy_page_pfn(z, pg);
    uint32_t f = pg->flags;
    if (f & (PG_FREE | PG_PCP))
        panic("buddy_free: double free of pfn %lx", (unsigned long)pfn);
    if (f & PG_RESERVED)
        panic("buddy_free: pfn %lx is reserved", (unsigned long)pfn);
    if (f & PG_SLAB)
        panic("buddy_free: pfn %lx still belongs to a slab", (unsigned long)pfn);
    if (!(f & PG_ALLOC))
        panic("buddy_free: pfn %lx is not an allocated block head", (unsigned long)pfn);
    if (order > BUDDY_MAX_ORDER || pg->order != order || (pfn & ((1UL << order) - 1)))
        panic("buddy_free: pfn %lx freed with order %u, allocated with %u", (unsigned long)pfn,
              order, pg->order);
}

void buddy_free(struct buddy_zone *z, struct page *pg, unsigned order)
{
    buddy_check_free(z, pg, order);
    pg->refcount = 0;
    pg->owner = NULL;
    if (order == 0) {
        pcp_free(z, pg);
        return;
    }
    spin_lock(&z->lock);
    buddy_free_locked(z, buddy_page_pfn(z, pg), order);
    spin_unlock(&z->lock);
}

void buddy_drain_local(struct buddy_zone *z)
{
    intr_push();
    struct buddy_pcp *pcp = &z->pcp[this_cpu()->id];
    pcp_drain(z, pcp, pcp->count);
    intr_pop();
}

size_t buddy_pcp_pages(struct buddy_zone *z)
{
    size_t n = 0;
    for (int c = 0; c < NCPU_MAX; c++)
        n += READ_ONCE(z->pcp[c].count);
    return n;
}

size_t buddy_free_pages(struct buddy_zone *z)
{
    return READ_ONCE(z->nr_free) + buddy_pcp_pages(z);
}
