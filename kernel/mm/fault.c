/*
 * The one page-fault path.  Every fault on a user address, from user mode
 * or from a user copy in the kernel (copy_from_user & co.), comes here and
 * is decided by the region that covers the address:
 *
 *   no region ........................ below the stack, within its limit:
 *                                      grow the stack; else SEGV
 *   region forbids the access ........ ACCESS (write to text, PROT_NONE, ...)
 *   PTE present, write, PTE_COW ...... copy-on-write: copy the frame, or
 *                                      take it over if no one else maps it
 *   PTE present and allows it ........ another path mapped it / stale TLB:
 *                                      flush the entry and retry
 *   PTE absent, anonymous/heap/stack . demand-zero: a fresh zeroed frame
 *   PTE absent, file, a whole page ... map the page cache's frame
 *     of the file (pcache.h)           (pcache.h): shared mapping: as it is,
 *                                      writable; private: read-only (text),
 *                                      or copy-on-write (a write fault copies
 *                                      it at once); past the file's end: BUS
 *   PTE absent, file, part of a page . read the file's bytes into a zeroed
 *     (a segment's edge, its bss)      frame of its own (the rest stays zero)
 *   PTE present, write, PTE_COW ...... on a page-cache frame: always a copy
 *     on a cache frame                 (the cache keeps the file's page)
 *   PTE holds a swap slot ............ swap-in: read the slot (evict.c)
 *
 * A page brought in for a process with a resident-set limit may first push
 * another of its pages out (rset.c).
 *
 * A fault runs with mm->lock held (it may sleep reading the file) and
 * changes only the faulting mm's PTEs, each followed by mm_flush_page.
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

static bool region_allows(const struct vma *v, bool write, bool exec)
{
    if (write)
        return v->prot & PTE_W;
    if (exec)
        return v->prot & PTE_X;
    return v->prot & PTE_R;
}

static bool pte_allows(pte_t pte, bool write, bool exec)
{
    return write ? (pte & PTE_W) : exec ? (pte & PTE_X) : (pte & PTE_R);
}

/* A PTE for a new frame: accessed, and dirty only if a write made it (a clean
 * file page can be dropped instead of written out). */
static pte_t region_pte(const struct vma *v, paddr_t pa, bool write)
{
    return PA_TO_PTE(pa) | v->prot | PTE_U | PTE_V | PTE_A | (write ? PTE_D : 0);
}

/* The stack region, if page lies below it within the stack's limit. */
static struct vma *stack_below_locked(struct mm *mm, uintptr_t page)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    struct list_head *e;
    if (page < USER_STACK_TOP - USER_STACK_MAX)
        return NULL;
    list_for_each (e, &mm->vmas) {
        struct vma *v = list_entry(e, struct vma, link);
        if (v->kind == VMA_STACK && page < v->start)
            return vma_collides_locked(mm, page, v->start, v) ? NULL : v;
    }
    return NULL;
}

/* Fill a zeroed frame for page of file region v; VM_FAULT_OK or BUS.  *read:
 * did it read the file (a major fault)? */
static enum vm_fault_result file_fill(struct vma *v, uintptr_t page, void *frame, bool *read)
{
    uintptr_t lo = MAX(page, v->file_va), hi = MIN(page + PAGE_SIZE, v->file_va + v->file_len);
    if (lo >= hi)
        return VM_FAULT_OK; /* all bss */
    *read = true;
    long r =
        vm_file_read(v->ip, v->file_off + (lo - v->file_va), (char *)frame + (lo - page), hi - lo);
    return r > 0 ? VM_FAULT_OK : VM_FAULT_BUS; /* 0: the file ends before this page */
}

/* Is page of file region v a whole page of the file?  Then *index is its
 * page number there (the page cache can hold it). */
static bool file_window(const struct vma *v, uintptr_t page, uint64_t *index)
{
    if (page < v->file_va || page + PAGE_SIZE > v->file_va + v->file_len)
        return false;
    uint64_t off = v->file_off + (page - v->file_va);
    *index = off / PAGE_SIZE;
    return off % PAGE_SIZE == 0;
}

/* A fresh private frame holding a copy of src, on the reverse map at
 * (mm, page, pte) (the caller writes the PTE), or NULL: no memory. */
static void *copy_frame_locked(struct mm *mm, pte_t *pte, uintptr_t page, struct page *src)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    void *copy = mm_alloc_user_frame(false);
    if (!copy)
        return NULL;
    memcpy(copy, page_to_kva(src), PAGE_SIZE);
    kva_to_page(copy)->flags |= PG_ANON;
    if (rmap_add(kva_to_page(copy), mm, page, pte) != 0) {
        page_free(copy, 0);
        return NULL;
    }
    return copy;
}

/* A page is newly mapped in mm: count the fault (major if it came from the
 * disk) and the resident page, and tell the resident-set limit. */
static void count_mapped_locked(struct mm *mm, struct vma *v, uintptr_t page, bool major)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    if (major)
        mm->st.majflt++;
    else
        mm->st.minflt++;
    mm->st.resident++;
    mm_rset_mapped_locked(mm, v, page);
}

/* Map the page cache's frame of page (file_window) for this access. */
static enum vm_fault_result map_cached_locked(struct mm *mm, struct vma *v, pte_t *pte,
                                              uintptr_t page, uint64_t index, bool write)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    struct page *cp;
    bool major = false, shared = v->flags & VMA_SHARED;
    int err = pcache_get(v->ip, index, &cp, &major);
    if (err)
        return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_BUS;
    paddr_t pa = page_to_pa(cp);
    if (write && !shared) { /* a private write: a copy at once */
        void *copy = pcache_still_cached(cp) ? copy_frame_locked(mm, pte, page, cp) : NULL;
        bool gone = !copy && !pcache_still_cached(cp);
        mm_page_put(pa);
        if (!copy)
            return gone ? VM_FAULT_BUS : VM_FAULT_OOM;
        *pte = region_pte(v, kva_to_pa(copy), true);
        goto out;
    }
    if (rmap_add(cp, mm, page, pte) != 0) {
        mm_page_put(pa);
        return VM_FAULT_OOM;
    }
    pte_t npte = region_pte(v, pa, write);
    if (!shared && (npte & PTE_W))
        npte = (npte & ~PTE_W) | PTE_COW; /* the first write copies it */
    *pte = npte;
    if (!pcache_still_cached(cp)) { /* truncated meanwhile (pcache.h) */
        *pte = 0;
        mm_flush_page(mm, page);
        rmap_del(cp, mm, page);
        mm_page_put(pa);
        return VM_FAULT_BUS;
    }
out:
    count_mapped_locked(mm, v, page, major);
    return VM_FAULT_OK;
}

/* A write to a private page that still maps the page cache's frame: the
 * cache keeps its frame, this process gets a copy. */
static enum vm_fault_result cached_cow_locked(struct mm *mm, struct vma *v, pte_t *pte,
                                              uintptr_t page)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    paddr_t old = PTE_TO_PA(*pte);
    struct page *opg = pa_to_page(old);
    page_ref_inc(opg); /* pinned while copying: reclaim leaves it alone */
    void *copy = copy_frame_locked(mm, pte, page, opg);
    if (!copy) {
        mm_page_put(old);
        return VM_FAULT_OOM;
    }
    *pte = region_pte(v, kva_to_pa(copy), true);
    mm_flush_page(mm, page); /* before the old frame can go to anyone */
    rmap_del(opg, mm, page);
    mm_page_put(old);
    mm_page_put(old); /* the pin */
    mm->st.minflt++;
    return VM_FAULT_OK;
}

/* Map a new frame at page: zeroed, or read from the region's file. */
static enum vm_fault_result map_new_locked(struct mm *mm, struct vma *v, pte_t *pte, uintptr_t page,
                                           bool write)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    bool read = false;
    uint64_t index;
    if (v->kind == VMA_FILE && file_window(v, page, &index))
        return map_cached_locked(mm, v, pte, page, index, write);
    void *frame = mm_alloc_user_frame(true);
    if (!frame)
        return VM_FAULT_OOM;
    if (v->kind == VMA_FILE) {
        enum vm_fault_result r = file_fill(v, page, frame, &read);
        if (r != VM_FAULT_OK) {
            page_free(frame, 0);
            return r;
        }
    }
    if (v->kind != VMA_FILE)
        kva_to_page(frame)->flags |= PG_ANON;
    if (rmap_add(kva_to_page(frame), mm, page, pte) != 0) {
        page_free(frame, 0);
        return VM_FAULT_OOM;
    }
    *pte = region_pte(v, kva_to_pa(frame), write);
    count_mapped_locked(mm, v, page, read);
    return VM_FAULT_OK; /* was invalid: not flushed (the TLB rule in uvm.h) */
}

/* A write to a copy-on-write page: copy it, or keep it if no one shares it. */
/* LAB cow BEGIN */
static enum vm_fault_result cow_break_locked(struct mm *mm, struct vma *v, pte_t *pte,
                                             uintptr_t page)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    paddr_t old = PTE_TO_PA(*pte);
    mm->st.minflt++;
    if (__atomic_load_n(&pa_to_page(old)->refcount, __ATOMIC_ACQUIRE) == 1) {
        /* Only this PTE maps it (and only this process could add one). */
        *pte = (*pte | PTE_W) & ~PTE_COW;
        mm_flush_page(mm, page);
        mm->st.cow_reuse++;
        return VM_FAULT_OK;
    }
    /* Pin the old frame (a reference without a PTE) while allocating: the
     * reclaim that an allocation may run then leaves it alone. */
    struct page *opg = pa_to_page(old);
    page_ref_inc(opg);
    void *copy = mm_alloc_user_frame(false);
    if (copy)
        kva_to_page(copy)->flags |= PG_ANON;
    if (copy && rmap_add(kva_to_page(copy), mm, page, pte) != 0) {
        page_free(copy, 0);
        copy = NULL;
    }
    if (!copy) {
        mm_page_put(old);
        return VM_FAULT_OOM;
    }
    memcpy(copy, pa_to_kva(old), PAGE_SIZE);
    *pte = region_pte(v, kva_to_pa(copy), true);
    mm_flush_page(mm, page); /* before the old frame can go to anyone */
    rmap_del(opg, mm, page);
    mm_page_put(old);
    mm_page_put(old); /* the pin */
    mm->st.cow_copies++;
    return VM_FAULT_OK;
}
/* LAB cow SKELETON
static enum vm_fault_result cow_break_locked(struct mm *mm, struct vma *v, pte_t *pte,
                                             uintptr_t page)
{
    // Your code here (docs/labs/cow.md): give this process a page of its
    // own that it may write (a copy, or the frame itself if no one else
    // maps it), then flush the old translation.
    return VM_FAULT_ACCESS;
}
   LAB cow END */

enum vm_fault_result vm_fault_locked(struct mm *mm, uintptr_t addr, bool write, bool exec)
{
    ASSERT(sleeplock_is_held(&mm->lock));
    uintptr_t page = ALIGN_DOWN(addr, PAGE_SIZE);
    struct vma *v = vma_find_locked(mm, addr);
    if (!v && (v = stack_below_locked(mm, page)) != NULL)
        v->start = page; /* the stack grows down to the faulting page */
    if (!v)
        return VM_FAULT_SEGV;
    if (!region_allows(v, write, exec))
        return VM_FAULT_ACCESS;
    pte_t *pte = pt_walk(mm->root, page, true);
    if (!pte) {
        mm_reclaim_caches(); /* for the page-table pages */
        if (!(pte = pt_walk(mm->root, page, true)) && mm_reclaim_direct(4) > 0)
            pte = pt_walk(mm->root, page, true);
        if (!pte)
            return VM_FAULT_OOM;
    }
    if (pte_is_swap(*pte)) {
        enum vm_fault_result r = mm_swap_in_locked(mm, v, pte, page);
        if (r == VM_FAULT_OK)
            mm_rset_mapped_locked(mm, v, page);
        return r;
    }
    if (!(*pte & PTE_V))
        return map_new_locked(mm, v, pte, page, write);
    if (write && !(*pte & PTE_W) && (*pte & PTE_COW)) {
        if (pcache_is_frame(pa_to_page(PTE_TO_PA(*pte))))
            return cached_cow_locked(mm, v, pte, page);
        return cow_break_locked(mm, v, pte, page);
    }
    if (pte_allows(*pte, write, exec)) {
        /* A stale TLB entry, or A/D bits this hart does not set itself. */
        *pte |= PTE_A | (write ? PTE_D : 0);
        mm_flush_page(mm, page);
        return VM_FAULT_OK;
    }
    return VM_FAULT_ACCESS;
}

enum vm_fault_result vm_fault(struct mm *mm, uintptr_t addr, bool write, bool exec)
{
    if (!mm || addr >= USER_TOP)
        return VM_FAULT_SEGV;
    /* The faulting process's own mm: a user copy may fault with file-system
     * locks held, so this opens a nested context (sync/lockorder.h). */
    sleeplock_acquire_owner(&mm->lock);
    enum vm_fault_result r = vm_fault_locked(mm, addr, write, exec);
    sleeplock_release(&mm->lock);
    return r;
}
