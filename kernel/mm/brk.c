/*
 * brk: the heap region [ALIGN_UP(brk_base), ALIGN_UP(brk)).  Growing only
 * moves the region's end (no frame is allocated: pages are zero-filled on
 * first touch, fault.c), so a break far beyond RAM is fine as long as it
 * runs into no other region.  Shrinking unmaps and frees the pages above
 * the new end.  The region exists only while it is non-empty.  A refused
 * request changes nothing.
 */
#include "mm/uvm.h"
#include "abi/errno.h"

static struct vma *heap_vma_locked(struct mm *mm)
{
    struct list_head *e;
    list_for_each(e, &mm->vmas)
    {
        struct vma *v = list_entry(e, struct vma, link);
        if (v->kind == VMA_HEAP)
            return v;
    }
    return NULL;
}

static int heap_grow_locked(struct mm *mm, struct vma *heap, uintptr_t oldtop, uintptr_t top)
{
    if (vma_collides_locked(mm, oldtop, top, heap))
        return -ENOMEM;
    if (heap) {
        heap->end = top;
        return 0;
    }
    struct vma proto = {.start = oldtop, .end = top, .prot = PTE_R | PTE_W, .kind = VMA_HEAP};
    return vma_add_locked(mm, &proto);
}

/* Shrink to top; returns the region if it became empty (unlinked, to free). */
static struct vma *heap_shrink_locked(struct mm *mm, struct vma *heap, uintptr_t top)
{
    uintptr_t from = MAX(top, heap->start);
    mm_unmap_range_locked(mm, from, heap->end);
    if (from == heap->start) {
        vma_unlink_locked(mm, heap);
        return heap;
    }
    heap->end = top;
    return NULL;
}

uintptr_t mm_brk(struct mm *mm, uintptr_t addr)
{
    struct vma *dead = NULL;
    sleeplock_acquire(&mm->lock);
    uintptr_t oldtop = ALIGN_UP(mm->brk, PAGE_SIZE);
    if (addr < mm->brk_base || addr >= USER_STACK_TOP)
        goto out;
    uintptr_t top = ALIGN_UP(addr, PAGE_SIZE);
    struct vma *heap = heap_vma_locked(mm);
    if (top > oldtop && heap_grow_locked(mm, heap, oldtop, top))
        goto out;
    if (top < oldtop && heap)
        dead = heap_shrink_locked(mm, heap, top);
    mm->brk = addr;
out:
    addr = mm->brk;
    sleeplock_release(&mm->lock);
    if (dead)
        vma_free(dead);
    return addr;
}
