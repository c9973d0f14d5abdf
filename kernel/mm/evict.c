/*
 * Giving up one page of an address space, and getting a swapped one back.
 *
 *   evict:    a private page mapped by this PTE alone (refcount 1): a clean
 *             page of a private file region is dropped (it is read from the
 *             file again); any other page is written to a fresh swap slot and
 *             the PTE becomes a swap PTE holding the slot (swap.h).  The PTE
 *             is cleared and flushed before the write, so the process cannot
 *             change the page meanwhile; the frame is freed after it.
 *             Shared frames (after fork, shared mappings) are not evicted:
 *             there is no reverse map to find their other PTEs.
 *   swap-in:  read the slot into a new frame and map it with the region's
 *             protection; the PTE's reference on the slot is dropped (a slot
 *             shared after fork is read once by each process that faults).
 *
 * Both run with mm->lock held and sleep on the swap disk.
 */
#include "mm/uvm.h"
#include "mm/page.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "abi/errno.h"
#include "lib/printf.h"

int mm_evict_page_locked(struct mm *mm, uintptr_t va)
{
    ASSERT(sleeplock_is_held(&mm->lock));
    struct vma *v = vma_find_locked(mm, va);
    pte_t *pte = pt_walk(mm->root, va, false);
    if (!v || !pte || !(*pte & PTE_V) || (v->flags & VMA_SHARED))
        return -EBUSY;
    pte_t old = *pte;
    paddr_t pa = PTE_TO_PA(old);
    if (__atomic_load_n(&pa_to_page(pa)->refcount, __ATOMIC_ACQUIRE) != 1)
        return -EBUSY;
    bool clean_file = v->kind == VMA_FILE && !(old & PTE_D) && !(old & PTE_COW);
    long slot = clean_file ? 0 : swap_slot_alloc();
    if (slot < 0)
        return (int)slot;
    *pte = 0;
    mm_flush_page(mm, va);
    if (slot && swap_write(slot, pa_to_kva(pa)) != 0) {
        swap_slot_put(slot);
        *pte = old;
        return -EIO;
    }
    if (slot) {
        *pte = SWAP_PTE(slot);
        mm->st.swapped++;
    }
    mm_page_put(pa);
    mm->st.resident--;
    mm->st.evictions++;
    return 0;
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
    swap_slot_put(slot);
    mm->st.swapped--;
    *pte = PA_TO_PTE(kva_to_pa(frame)) | v->prot | PTE_U | PTE_V | PTE_A | PTE_D;
    mm->st.resident++;
    mm->st.majflt++;
    return VM_FAULT_OK; /* was invalid: no TLB holds it */
}
