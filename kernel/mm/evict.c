/*
 * Giving up one user frame, wherever it is mapped, and getting a swapped
 * page back.
 *
 *   evict (mm_evict_frame): the reverse map (rmap.h) names every PTE of the
 *     frame.  The reclaimer takes a reference on each of their address
 *     spaces and their locks without waiting (one it cannot take now: the
 *     frame stays), then checks the chain is whole (as many PTEs as
 *     references, each still mapping the frame).  Every PTE is swapped to
 *     0 atomically and shot down (mm_shootdown_page), which also captures
 *     its final D bit; then:
 *
 *       a page-cache frame (pcache.h),
 *         clean .......................... unmapped everywhere and dropped from
 *                                          the cache: read from the file again
 *         dirty (D in a PTE of a ......... cleaned: D cleared, every PTE
 *           writable shared mapping)       restored, the frame pinned; the
 *                                          caller writes it to the file with no
 *                                          lock held (mm_evict_writeback) and a
 *                                          later pass drops it
 *       private, clean, file-backed ...... dropped: read from the file again
 *         (a segment's partial page)
 *       private, otherwise (anonymous, ... written once to one swap slot;
 *         or a written file page)          every PTE becomes a swap PTE on
 *                                          that slot, one slot reference each
 *       shared anonymous ................. stays (a second copy would split
 *                                          its sharers)
 *
 *     Any failure (no slot, I/O error) puts every PTE back as it was.
 *   swap-in: read the slot into a new frame and map it with the region's
 *     protection; the PTE's reference on the slot is dropped (a slot shared
 *     after fork is read once by each process that faults).
 *
 * The mm locks are held across the swap write, so no process can fault the
 * page back half-written.  Lock order: the reclaimer holds no mm lock
 * except possibly the faulting process's own (direct reclaim), and takes
 * the others only with sleeplock_try_acquire: it never waits for one.
 */
#include "mm/uvm.h"
#include "mm/page.h"
#include "mm/pcache.h"
#include "mm/reclaim.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define EVICT_MAX_MAPS 16 /* a frame mapped more often than this stays */

struct evict_ctx {
    struct page *pg;
    paddr_t pa;
    int n;
    struct rmap_ref r[EVICT_MAX_MAPS];
    bool took[EVICT_MAX_MAPS]; /* this call took r[i].mm's lock */
    pte_t old[EVICT_MAX_MAPS];
    struct vma *v[EVICT_MAX_MAPS];
};

static void unlock_all(struct evict_ctx *c, int upto)
{
    for (int i = 0; i < upto; i++)
        if (c->took[i])
            sleeplock_release(&c->r[i].mm->lock);
}

/* Every mm of the chain locked (by this thread already, or taken now). */
static bool lock_all(struct evict_ctx *c)
{
    for (int i = 0; i < c->n; i++) {
        struct mm *mm = c->r[i].mm;
        c->took[i] = false;
        bool seen = sleeplock_is_held(&mm->lock);
        for (int j = 0; j < i && !seen; j++)
            seen = c->r[j].mm == mm;
        if (seen)
            continue;
        if (!sleeplock_try_acquire(&mm->lock)) {
            unlock_all(c, i);
            return false;
        }
        c->took[i] = true;
    }
    return true;
}

/* With every lock held: is the chain still exactly the snapshot?  (The
 * page cache holds one reference of its own on its frames.) */
static bool chain_whole_locked(struct evict_ctx *c)
{
    int refs = c->n + (pcache_is_frame(c->pg) ? 1 : 0);
    if (rmap_count(c->pg) != c->n || __atomic_load_n(&c->pg->refcount, __ATOMIC_ACQUIRE) != refs)
        return false; /* changed, or pinned */
    for (int i = 0; i < c->n; i++) {
        pte_t pte = *c->r[i].pte;
        if (!(pte & PTE_V) || PTE_TO_PA(pte) != c->pa)
            return false; /* PROT_NONE pages stay */
        if (!(c->v[i] = vma_find_locked(c->r[i].mm, c->r[i].va)))
            return false;
    }
    return true;
}

/* Clear every PTE and shoot it down; true if any was dirty. */
static bool unmap_all(struct evict_ctx *c)
{
    bool dirty = false;
    for (int i = 0; i < c->n; i++) {
        c->old[i] = __atomic_exchange_n(c->r[i].pte, 0, __ATOMIC_ACQ_REL);
        mm_shootdown_page(c->r[i].mm, c->r[i].va);
        dirty |= (c->old[i] & PTE_D) != 0;
    }
    return dirty;
}

static void restore_all(struct evict_ctx *c, pte_t clear)
{
    for (int i = 0; i < c->n; i++)
        __atomic_store_n(c->r[i].pte, c->old[i] & ~clear, __ATOMIC_RELEASE);
}

/* The frame is gone from every PTE: slot (0: none) is what they hold now. */
static void finish_all(struct evict_ctx *c, long slot)
{
    for (int i = 0; i < c->n; i++) {
        struct mm *mm = c->r[i].mm;
        if (slot) {
            if (i > 0)
                swap_slot_dup(slot);
            __atomic_store_n(c->r[i].pte, SWAP_PTE(slot), __ATOMIC_RELEASE);
            mm->st.swapped++;
        }
        rmap_del(c->pg, mm, c->r[i].va);
        mm_rset_unmapped_locked(mm, c->r[i].va);
        mm->st.resident--;
        mm->st.evictions++;
        mm_page_put(c->pa);
    }
}

/* Does this PTE of region v hold a store the file has not seen? */
static bool writes_file(const struct vma *v, pte_t pte)
{
    return (v->flags & VMA_SHARED) && !(v->flags & VMA_NOWRITE) && (pte & PTE_D);
}

/* A page-cache frame: drop it if clean, else clean it for a write-back. */
static int evict_cached(struct evict_ctx *c, struct evict_wb *wb)
{
    int w = -1;
    for (int i = 0; i < c->n; i++) {
        c->old[i] = __atomic_exchange_n(c->r[i].pte, 0, __ATOMIC_ACQ_REL);
        mm_shootdown_page(c->r[i].mm, c->r[i].va);
        if (writes_file(c->v[i], c->old[i]))
            w = i;
    }
    if (w < 0) {
        finish_all(c, 0);
        pcache_evicted(c->pg);
        return 0;
    }
    if (!wb) {
        restore_all(c, 0);
        return -EBUSY;
    }
    struct vma *v = c->v[w];
    wb->ip = vm_file_get(v->ip);
    wb->off = v->file_off + (c->r[w].va - v->file_va);
    wb->len = PAGE_SIZE; /* vm_file_write stops at the file's end */
    wb->pin = c->pg;
    page_ref_inc(c->pg);
    restore_all(c, PTE_D); /* clean now: written again only if written again */
    return -EAGAIN;
}

void mm_evict_writeback(struct evict_wb *wb)
{
    vm_file_write(wb->ip, wb->off, page_to_kva(wb->pin), wb->len);
    vm_file_put(wb->ip);
    mm_page_put(page_to_pa(wb->pin));
}

/* With the chain locked and whole: evict (see the top of the file). */
static int evict_locked(struct evict_ctx *c, struct evict_wb *wb)
{
    if (pcache_is_frame(c->pg))
        return evict_cached(c, wb);
    bool shared = false, file = true;
    for (int i = 0; i < c->n; i++) {
        shared |= (c->v[i]->flags & VMA_SHARED) != 0;
        file &= c->v[i]->kind == VMA_FILE;
    }
    if (shared)
        return -EBUSY;
    bool dirty = unmap_all(c);
    if (file && !dirty) {
        finish_all(c, 0);
        return 0;
    }
    long slot = swap_slot_alloc();
    if (slot < 0) {
        restore_all(c, 0);
        return (int)slot;
    }
    if (swap_write(slot, pa_to_kva(c->pa)) != 0) {
        swap_slot_put(slot);
        restore_all(c, 0);
        return -EIO;
    }
    finish_all(c, slot);
    return 0;
}

int mm_evict_frame(struct page *pg, struct evict_wb *wb)
{
    struct evict_ctx c;
    c.pg = pg;
    c.pa = page_to_pa(pg);
    c.n = rmap_snapshot(pg, c.r, EVICT_MAX_MAPS);
    if (c.n <= 0 || c.n > EVICT_MAX_MAPS)
        return -EBUSY;
    int err = -EBUSY;
    if (lock_all(&c)) {
        if (chain_whole_locked(&c))
            err = evict_locked(&c, wb);
        unlock_all(&c, c.n);
    }
    for (int i = 0; i < c.n; i++)
        mm_put_deferred(c.r[i].mm); /* we may hold our own mm->lock */
    return err;
}

int mm_evict_page_locked(struct mm *mm, uintptr_t va)
{
    ASSERT(sleeplock_is_held(&mm->lock));
    pte_t *pte = pt_walk(mm->root, va, false);
    if (!pte || !(*pte & PTE_V))
        return -EBUSY;
    return mm_evict_frame(pa_to_page(PTE_TO_PA(*pte)), NULL);
}

enum vm_fault_result mm_swap_in_locked(struct mm *mm, struct vma *v, pte_t *pte, uintptr_t va)
{
    ASSERT(sleeplock_is_held(&mm->lock));
    long slot = PTE_SWAP_SLOT(*pte);
    void *frame = mm_alloc_user_frame(false);
    if (!frame)
        return VM_FAULT_OOM;
    if (swap_read(slot, frame) != 0) {
        page_free(frame, 0);
        return VM_FAULT_BUS;
    }
    kva_to_page(frame)->flags |= PG_ANON;
    if (rmap_add(kva_to_page(frame), mm, va, pte) != 0) {
        page_free(frame, 0);
        return VM_FAULT_OOM;
    }
    swap_slot_put(slot);
    mm->st.swapped--;
    *pte = PA_TO_PTE(kva_to_pa(frame)) | v->prot | PTE_U | PTE_V | PTE_A | PTE_D;
    mm->st.resident++;
    mm->st.majflt++;
    return VM_FAULT_OK; /* was invalid: no TLB holds it */
}
