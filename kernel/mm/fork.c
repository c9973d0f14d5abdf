/*
 * Copy-on-write fork.  The child gets a copy of every region and of every
 * present PTE, and each frame gains a reference; no page is copied here.
 * A page of a private writable region is made read-only with PTE_COW in
 * both page tables (the parent's entry is flushed: it runs on this hart),
 * and the first write in either process copies it (fault.c).  Pages of
 * read-only regions (text) and of shared regions keep their permissions and
 * are simply shared.  A swapped-out page's slot gains a reference instead.
 * The cost is the page-table pages plus, per resident page, its PTE, a
 * reference and the child's reverse-map item; the items of one level-0
 * table are linked as one batch (rmap.h), each of the reverse map's locks
 * taken once per table, not per page.  Untouched reservations (a big lazy
 * heap) cost nothing.
 */
#include "mm/uvm.h"
#include "mm/page.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/reclaim.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

/* *dpte (dst's PTE at va) now maps a frame: queue it for the frame's
 * reverse map (the frame is pinned meanwhile: its reference is taken). */
static int dst_mapped_locked(struct rmap_batch *b, struct mm *dst, uintptr_t va, pte_t *dpte)
{
    paddr_t pa = PTE_TO_PA(*dpte);
    if (rmap_batch_add(b, pa_to_page(pa), dst, va, dpte) != 0) {
        *dpte = 0;
        mm_page_put(pa);
        return -ENOMEM;
    }
    dst->st.resident++;
    return 0;
}

/* Give dst the entry *spte at va too (its frame or its swap slot gains a
 * reference), downgrading a private writable page to copy-on-write. */
static int share_pte_locked(struct rmap_batch *b, struct mm *src, struct mm *dst,
                            const struct vma *v, uintptr_t va, pte_t *spte, pte_t *dpte)
{
    ASSERT_SLEEP_HELD(&src->lock);
    ASSERT_SLEEP_HELD(&dst->lock);
    if (pte_is_swap(*spte)) {
        swap_slot_dup(PTE_SWAP_SLOT(*spte));
        dst->st.swapped++;
        *dpte = *spte;
        return 0;
    }
    /* LAB cow BEGIN */
    if ((*spte & PTE_W) && !(v->flags & VMA_SHARED)) {
        *spte = (*spte & ~PTE_W) | PTE_COW;
        mm_flush_page(src, va);
    }
    page_ref_inc(pa_to_page(PTE_TO_PA(*spte)));
    *dpte = *spte;
    /* LAB cow SKELETON
    // Your code here (docs/labs/cow.md): share the frame, read-only and
    // PTE_COW in both page tables, instead of copying every private page.
    if (!(v->flags & VMA_SHARED)) {
        paddr_t pa = PTE_TO_PA(*spte);
        page_ref_inc(pa_to_page(pa)); // pinned: reclaim leaves it while we copy
        void *copy = mm_alloc_user_frame(false);
        if (copy)
            memcpy(copy, pa_to_kva(pa), PAGE_SIZE);
        mm_page_put(pa);
        if (!copy)
            return -ENOMEM;
        *dpte = PA_TO_PTE(kva_to_pa(copy)) | (*spte & ((1UL << PTE_PPN_SHIFT) - 1));
    } else {
        page_ref_inc(pa_to_page(PTE_TO_PA(*spte)));
        *dpte = *spte;
    }
       LAB cow END */
    return dst_mapped_locked(b, dst, va, dpte);
}

/* Share the pages of region v in [lo, hi), all under one level-0 table:
 * stab's entries (src) into dtab's (dst, made at the first page to share),
 * the child's reverse-map items added as one batch. */
static int share_table_locked(struct mm *src, struct mm *dst, const struct vma *v, uintptr_t lo,
                              uintptr_t hi, pte_t *stab)
{
    ASSERT_SLEEP_HELD(&dst->lock);
    struct rmap_batch b;
    pte_t *dtab = NULL;
    int err = 0;
    rmap_batch_init(&b);
    for (uintptr_t va = lo; va < hi && !err; va += PAGE_SIZE) {
        pte_t *spte = &stab[PT_INDEX(va, 0)];
        if (!pte_has_frame(*spte) && !pte_is_swap(*spte))
            continue;
        if (!dtab && !(dtab = pt_walk(dst->root, ALIGN_DOWN(va, 2UL << 20), true)))
            return -ENOMEM;
        err = share_pte_locked(&b, src, dst, v, va, spte, &dtab[PT_INDEX(va, 0)]);
    }
    rmap_batch_commit_adds(&b);
    return err;
}

/* Share every page of region v, one level-0 table (2 MiB) at a time. */
static int share_region_locked(struct mm *src, struct mm *dst, const struct vma *v)
{
    ASSERT_SLEEP_HELD(&src->lock);
    const uintptr_t MB2 = 2UL << 20;
    for (uintptr_t chunk = ALIGN_DOWN(v->start, MB2); chunk < v->end; chunk += MB2) {
        pte_t *stab = pt_walk(src->root, chunk, false);
        if (!stab)
            continue;
        uintptr_t lo = MAX(chunk, v->start), hi = MIN(chunk + MB2, v->end);
        int err = share_table_locked(src, dst, v, lo, hi, stab);
        if (err)
            return err;
    }
    return 0;
}

static int fork_regions_locked(struct mm *src, struct mm *dst)
{
    ASSERT_SLEEP_HELD(&src->lock);
    ASSERT_SLEEP_HELD(&dst->lock);
    struct list_head *e;
    if (vma_index_reserve_locked(dst, src->vindex_len) != 0)
        return -ENOMEM;
    list_for_each (e, &src->vmas) {
        struct vma *n = vma_dup(list_entry(e, struct vma, link));
        if (!n)
            return -ENOMEM;
        vma_link_locked(dst, n);
        int err = share_region_locked(src, dst, n);
        if (err)
            return err;
    }
    return 0;
}

int mm_fork(struct mm *src, struct mm **out)
{
    struct mm *dst = mm_create();
    if (!dst)
        return -ENOMEM;
    /* Two mm locks: the parent's, then the child's, which no one else knows
     * yet, so the try never waits and cannot fail (sync/lockorder.h). */
    sleeplock_acquire(&src->lock);
    if (!sleeplock_try_acquire(&dst->lock))
        panic("mm_fork: a new address space's lock is taken");
    int err = fork_regions_locked(src, dst);
    if (!err)
        err = mm_copy_limit(src, dst);
    dst->brk_base = src->brk_base;
    dst->brk = src->brk;
    sleeplock_release(&dst->lock);
    sleeplock_release(&src->lock);
    if (err) {
        mm_put(dst);
        return err;
    }
    *out = dst;
    return 0;
}
