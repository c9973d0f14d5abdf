/*
 * The reverse map (rmap.h): a singly linked chain of items per user frame,
 * from the "rmap" slab cache, under a hashed spinlock.
 */
#include "mm/rmap.h"
#include "mm/page.h"
#include "mm/reclaim.h"
#include "mm/slab.h"
#include "mm/uvm.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "sync/spinlock.h"

#define RMAP_LOCKS 64

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

int rmap_add(struct page *pg, struct mm *mm, uintptr_t va, pte_t *pte)
{
    struct rmap_item *it = kmem_cache_alloc(rmap_cache);
    if (!it) {
        mm_reclaim_caches();
        mm_reclaim_direct(8);
        if (!(it = kmem_cache_alloc(rmap_cache)))
            return -ENOMEM;
    }
    it->mm = mm;
    it->va = va;
    it->pte = pte;
    struct spinlock *lk = rmap_lock_of(pg);
    spin_lock(lk);
    bool first = !(pg->flags & PG_USER);
    if (first) {
        pg->flags |= PG_USER;
        pg->rmap = NULL;
    }
    it->next = pg->rmap;
    pg->rmap = it;
    spin_unlock(lk);
    if (first)
        mm_reclaim_loaded(pg);
    return 0;
}

void rmap_del(struct page *pg, struct mm *mm, uintptr_t va)
{
    struct spinlock *lk = rmap_lock_of(pg);
    struct rmap_item *it = NULL;
    spin_lock(lk);
    for (struct rmap_item **pp = &pg->rmap; *pp; pp = &(*pp)->next) {
        if ((*pp)->mm == mm && (*pp)->va == va) {
            it = *pp;
            *pp = it->next;
            break;
        }
    }
    if (!it)
        panic("rmap_del: frame %p has no mapping at %p", (void *)page_to_pa(pg), (void *)va);
    if (!pg->rmap)
        pg->flags &= ~PG_USER;
    spin_unlock(lk);
    kmem_cache_free(rmap_cache, it);
}

int rmap_snapshot(struct page *pg, struct rmap_ref *out, int max)
{
    struct spinlock *lk = rmap_lock_of(pg);
    int n = 0, taken = 0;
    bool dying = false;
    spin_lock(lk);
    if (!(pg->flags & PG_USER)) {
        spin_unlock(lk);
        return -1;
    }
    for (struct rmap_item *it = pg->rmap; it; it = it->next, n++) {
        if (n >= max || dying)
            continue;
        if (mm_get_live(it->mm))
            out[taken++] = (struct rmap_ref){it->mm, it->va, it->pte};
        else
            dying = true; /* an address space being torn down: leave the frame */
    }
    spin_unlock(lk);
    if (dying || n > max) {
        while (taken)
            mm_put(out[--taken].mm);
        return dying ? -1 : n;
    }
    return n;
}

int rmap_count(struct page *pg)
{
    struct spinlock *lk = rmap_lock_of(pg);
    int n = -1;
    spin_lock(lk);
    if (pg->flags & PG_USER)
        for (struct rmap_item *it = (n = 0, pg->rmap); it; it = it->next)
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
    for (struct rmap_item *it = (pg->flags & PG_USER) ? pg->rmap : NULL; it; it = it->next) {
        if (pte_clear_young(it->pte, pa)) {
            ref = true;
            mm_flush_page_if_here(it->mm, it->va);
        }
    }
    spin_unlock(lk);
    return ref;
}

bool rmap_is_dirty(struct page *pg)
{
    struct spinlock *lk = rmap_lock_of(pg);
    bool dirty = false;
    spin_lock(lk);
    for (struct rmap_item *it = (pg->flags & PG_USER) ? pg->rmap : NULL; it; it = it->next)
        dirty |= (__atomic_load_n(it->pte, __ATOMIC_RELAXED) & PTE_D) != 0;
    spin_unlock(lk);
    return dirty;
}
