/*
 * The reverse map (rmap.h): per user frame, its first PTE inline in struct
 * page and a singly linked chain of items for the others, from the "rmap"
 * slab cache, under a hashed spinlock.
 */
#include "mm/rmap.h"
#include "mm/page.h"
#include "mm/reclaim.h"
#include "mm/slab.h"
#include "mm/uvm.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "sync/spinlock.h"

static struct kmem_cache *rmap_cache;
static struct spinlock rmap_locks[RMAP_LOCKS];

void rmap_init(void)
{
    rmap_cache = kmem_cache_create("rmap", sizeof(struct rmap_item), 8);
    if (!rmap_cache)
        panic("rmap_init: no memory");
    for (int i = 0; i < RMAP_LOCKS; i++)
        spin_init(&rmap_locks[i], "rmap");
}

static struct spinlock *rmap_lock_of(struct page *pg)
{
    return &rmap_locks[page_index(pg) % RMAP_LOCKS];
}

/* Items of the chains (PTEs beyond the first of their frame), for vmstat. */
static long rmap_chained;

static void inline_set(struct page *pg, struct mm *mm, uintptr_t va, pte_t *pte)
{
    pg->rmap_mm = mm;
    pg->rmap_va = va;
    pg->rmap_pte = pte;
}

/* Make pg a user frame mapped by (mm, va, pte) if it is not one yet (the
 * caller holds pg's rmap lock); false: it has a mapping, chain this one. */
static bool try_first_locked(struct page *pg, struct mm *mm, uintptr_t va, pte_t *pte)
{
    if (pg->flags & PG_USER)
        return false;
    pg->flags |= PG_USER;
    pg->rmap = NULL;
    inline_set(pg, mm, va, pte);
    return true;
}

/* An item for (mm, va, pte), reclaiming once if there is no memory; NULL: none. */
static struct rmap_item *item_alloc(struct mm *mm, uintptr_t va, pte_t *pte)
{
    struct rmap_item *it = kmem_cache_alloc(rmap_cache);
    if (!it) {
        mm_reclaim_caches();
        mm_reclaim_direct(8);
        if (!(it = kmem_cache_alloc(rmap_cache)))
            return NULL;
    }
    it->mm = mm;
    it->va = va;
    it->pte = pte;
    return it;
}

int rmap_add(struct page *pg, struct mm *mm, uintptr_t va, pte_t *pte)
{
    struct spinlock *lk = rmap_lock_of(pg);
    spin_lock(lk);
    bool first = try_first_locked(pg, mm, va, pte);
    spin_unlock(lk);
    if (first) {
        mm_reclaim_loaded(pg);
        return 0;
    }
    /* A second mapping (a fork's child, another MAP_SHARED process): chain it. */
    struct rmap_item *it = item_alloc(mm, va, pte);
    if (!it)
        return -ENOMEM;
    spin_lock(lk);
    first = try_first_locked(pg, mm, va, pte);
    if (!first) {
        it->next = pg->rmap;
        pg->rmap = it;
        __atomic_add_fetch(&rmap_chained, 1, __ATOMIC_RELAXED);
    }
    spin_unlock(lk);
    if (first) { /* the frame lost its other mappings meanwhile */
        kmem_cache_free(rmap_cache, it);
        mm_reclaim_loaded(pg);
    }
    return 0;
}

/* Unlink mm's item at va from pg's chain; NULL if it is not there. */
static struct rmap_item *chain_remove_locked(struct page *pg, struct mm *mm, uintptr_t va)
{
    for (struct rmap_item **pp = &pg->rmap; *pp; pp = &(*pp)->next) {
        struct rmap_item *it = *pp;
        if (it->mm == mm && it->va == va) {
            *pp = it->next;
            return it;
        }
    }
    return NULL;
}

/* Remove (mm, va)'s mapping of pg (its lock held); the freed item, if any
 * (NULL: it was the inline slot with no chain behind it). */
static struct rmap_item *del_locked(struct page *pg, struct mm *mm, uintptr_t va)
{
    struct rmap_item *it;
    if (!(pg->flags & PG_USER))
        goto out_missing;
    if (pg->rmap_mm == mm && pg->rmap_va == va) {
        /* The chain's first item moves into the inline slot (rmap.h). */
        if ((it = pg->rmap) != NULL) {
            pg->rmap = it->next;
            inline_set(pg, it->mm, it->va, it->pte);
        } else {
            pg->rmap_mm = NULL;
            pg->flags &= ~PG_USER;
        }
        return it;
    }
    if ((it = chain_remove_locked(pg, mm, va)) != NULL)
        return it;
out_missing:
    panic("rmap: frame %p has no mapping at %p", (void *)page_to_pa(pg), (void *)va);
}

void rmap_del(struct page *pg, struct mm *mm, uintptr_t va)
{
    struct spinlock *lk = rmap_lock_of(pg);
    spin_lock(lk);
    struct rmap_item *it = del_locked(pg, mm, va);
    spin_unlock(lk);
    if (it) {
        __atomic_sub_fetch(&rmap_chained, 1, __ATOMIC_RELAXED);
        kmem_cache_free(rmap_cache, it);
    }
}

long rmap_chained_items(void)
{
    return __atomic_load_n(&rmap_chained, __ATOMIC_RELAXED);
}

size_t rmap_frames(void)
{
    struct kmem_cache_stats st;
    kmem_cache_get_stats(rmap_cache, &st);
    return st.slabs << st.order;
}

/* Take a reference on one mapping's mm for a snapshot; false: it is dying. */
static bool snap_one(struct rmap_ref *out, int *taken, int max, int n, struct mm *mm, uintptr_t va,
                     pte_t *pte)
{
    if (n >= max)
        return true;
    if (!mm_get_live(mm))
        return false; /* an address space being torn down: leave the frame */
    out[(*taken)++] = (struct rmap_ref){mm, va, pte};
    return true;
}

int rmap_snapshot(struct page *pg, struct rmap_ref *out, int max)
{
    struct spinlock *lk = rmap_lock_of(pg);
    int n = 0, taken = 0;
    bool live = true;
    spin_lock(lk);
    if (!(pg->flags & PG_USER)) {
        spin_unlock(lk);
        return -1;
    }
    live = snap_one(out, &taken, max, n++, pg->rmap_mm, pg->rmap_va, pg->rmap_pte);
    for (struct rmap_item *it = pg->rmap; it && live; it = it->next)
        live = snap_one(out, &taken, max, n++, it->mm, it->va, it->pte);
    spin_unlock(lk);
    if (!live || n > max) {
        while (taken)
            mm_put_deferred(out[--taken].mm);
        return live ? n : -1;
    }
    return n;
}

int rmap_count(struct page *pg)
{
    struct spinlock *lk = rmap_lock_of(pg);
    int n = -1;
    spin_lock(lk);
    if (pg->flags & PG_USER)
        for (struct rmap_item *it = (n = 1, pg->rmap); it; it = it->next)
            n++;
    spin_unlock(lk);
    return n;
}

/* Clear A in *pte if it still maps pa; was it set? */
static bool pte_clear_young(pte_t *pte, paddr_t pa)
{
    pte_t old = __atomic_load_n(pte, __ATOMIC_RELAXED);
    while ((old & PTE_V) && PTE_TO_PA(old) == pa && (old & PTE_A)) {
        if (__atomic_compare_exchange_n(pte, &old, old & ~PTE_A, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED))
            return true;
    }
    return false;
}

bool rmap_test_clear_ref(struct page *pg)
{
    struct spinlock *lk = rmap_lock_of(pg);
    paddr_t pa = page_to_pa(pg);
    bool ref = false;
    spin_lock(lk);
    if (!(pg->flags & PG_USER))
        goto out;
    if (pte_clear_young(pg->rmap_pte, pa)) {
        ref = true;
        mm_flush_page_if_here(pg->rmap_mm, pg->rmap_va);
    }
    for (struct rmap_item *it = pg->rmap; it; it = it->next) {
        if (pte_clear_young(it->pte, pa)) {
            ref = true;
            mm_flush_page_if_here(it->mm, it->va);
        }
    }
out:
    spin_unlock(lk);
    return ref;
}

bool rmap_is_dirty(struct page *pg)
{
    struct spinlock *lk = rmap_lock_of(pg);
    bool dirty = false;
    spin_lock(lk);
    if (pg->flags & PG_USER) {
        dirty = (__atomic_load_n(pg->rmap_pte, __ATOMIC_RELAXED) & PTE_D) != 0;
        for (struct rmap_item *it = pg->rmap; it; it = it->next)
            dirty |= (__atomic_load_n(it->pte, __ATOMIC_RELAXED) & PTE_D) != 0;
    }
    spin_unlock(lk);
    return dirty;
}

/* ---- batches (rmap.h) ---- */

void rmap_batch_init(struct rmap_batch *b)
{
    for (int i = 0; i < RMAP_LOCKS; i++)
        b->queued[i] = NULL;
    b->n = 0;
}

int rmap_batch_add(struct rmap_batch *b, struct page *pg, struct mm *mm, uintptr_t va, pte_t *pte)
{
    struct rmap_item *it = item_alloc(mm, va, pte);
    if (!it)
        return -ENOMEM;
    size_t k = page_index(pg) % RMAP_LOCKS;
    it->next = b->queued[k];
    b->queued[k] = it;
    b->n++;
    return 0;
}

/* Link the items of one lock's queue (that lock held); those whose frame
 * had no mapping yet take its inline slot instead and go on *firsts. */
static long link_queue_locked(struct rmap_item *it, struct rmap_item **firsts)
{
    long chained = 0;
    while (it) {
        struct rmap_item *next = it->next;
        struct page *pg = pa_to_page(PTE_TO_PA(*it->pte));
        if (try_first_locked(pg, it->mm, it->va, it->pte)) {
            it->next = *firsts;
            *firsts = it;
        } else {
            it->next = pg->rmap;
            pg->rmap = it;
            chained++;
        }
        it = next;
    }
    return chained;
}

void rmap_batch_commit_adds(struct rmap_batch *b)
{
    struct rmap_item *firsts = NULL;
    long chained = 0;
    for (int k = 0; k < RMAP_LOCKS && b->n; k++) {
        if (!b->queued[k])
            continue;
        spin_lock(&rmap_locks[k]);
        chained += link_queue_locked(b->queued[k], &firsts);
        spin_unlock(&rmap_locks[k]);
        b->queued[k] = NULL;
    }
    b->n = 0;
    __atomic_add_fetch(&rmap_chained, chained, __ATOMIC_RELAXED);
    while (firsts) { /* a frame mapped here first (a private copy) */
        struct rmap_item *it = firsts;
        firsts = it->next;
        mm_reclaim_loaded(pa_to_page(PTE_TO_PA(*it->pte)));
        kmem_cache_free(rmap_cache, it);
    }
}

void rmap_del_range(struct mm *mm, pte_t *table, uintptr_t va0, int lo, int hi)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    /* Counting sort of the frame-holding PTEs by their frame's lock. */
    uint8_t lock_of[512];
    uint16_t order[512], start[RMAP_LOCKS + 1] = {0};
    for (int i = lo; i < hi; i++) {
        if (!pte_has_frame(table[i]))
            continue;
        lock_of[i] = page_index(pa_to_page(PTE_TO_PA(table[i]))) % RMAP_LOCKS;
        start[lock_of[i] + 1]++;
    }
    for (int k = 0; k < RMAP_LOCKS; k++)
        start[k + 1] += start[k];
    uint16_t fill[RMAP_LOCKS];
    memcpy(fill, start, sizeof(fill));
    for (int i = lo; i < hi; i++)
        if (pte_has_frame(table[i]))
            order[fill[lock_of[i]]++] = (uint16_t)i;
    struct rmap_item *dead = NULL;
    long freed = 0;
    for (int k = 0; k < RMAP_LOCKS; k++) {
        if (start[k] == start[k + 1])
            continue;
        spin_lock(&rmap_locks[k]);
        for (int j = start[k]; j < start[k + 1]; j++) {
            int i = order[j];
            struct page *pg = pa_to_page(PTE_TO_PA(table[i]));
            struct rmap_item *it = del_locked(pg, mm, va0 + (uintptr_t)i * PAGE_SIZE);
            if (it) {
                it->next = dead;
                dead = it;
                freed++;
            }
        }
        spin_unlock(&rmap_locks[k]);
    }
    __atomic_sub_fetch(&rmap_chained, freed, __ATOMIC_RELAXED);
    while (dead) {
        struct rmap_item *it = dead;
        dead = it->next;
        kmem_cache_free(rmap_cache, it);
    }
}
