/*
 * brk: the heap region [ALIGN_UP(brk_base), ALIGN_UP(brk)).  Growing only
 * moves the region's end (no frame is allocated: pages are zero-filled on
 * first touch, fault.c), so a break far beyond RAM is fine as long as it
 * runs into no other region.  Shrinking unmaps and frees the pages above
 * the new end.  The region exists only while it is non-empty; mprotect or
 * munmap may cut it in pieces, and brk then moves the piece that ends at the
 * break.  A refused request changes nothing.
 */
#include "mm/uvm.h"
#include "abi/errno.h"
#include "lib/printf.h"

/* The heap region that ends at the break (mprotect/munmap may have cut the
 * heap into pieces: brk moves the top one). */
static struct vma *heap_top_locked(struct mm *mm, uintptr_t oldtop)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    struct vma *v = oldtop > PAGE_SIZE ? vma_find_locked(mm, oldtop - 1) : NULL;
    return v && v->kind == VMA_HEAP && v->end == oldtop ? v : NULL;
}

static int heap_grow_locked(struct mm *mm, struct vma *heap, uintptr_t oldtop, uintptr_t top)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    if (vma_collides_locked(mm, oldtop, top, heap))
        return -ENOMEM;
    if (heap) {
        heap->end = top;
        return 0;
    }
    struct vma proto = {.start = oldtop, .end = top, .prot = PTE_R | PTE_W, .kind = VMA_HEAP};
    return vma_add_locked(mm, &proto);
}

uintptr_t mm_brk(struct mm *mm, uintptr_t addr)
{
    struct list_head dead = LIST_HEAD_INIT(dead), *e;
    sleeplock_acquire(&mm->lock);
    uintptr_t oldtop = ALIGN_UP(mm->brk, PAGE_SIZE);
    if (addr < mm->brk_base || addr >= USER_STACK_TOP)
        goto out;
    uintptr_t top = ALIGN_UP(addr, PAGE_SIZE);
    if (top > oldtop && heap_grow_locked(mm, heap_top_locked(mm, oldtop), oldtop, top))
        goto out;
    if (top < oldtop) {
        if (mm_split_at_locked(mm, top, oldtop))
            goto out;
        mm_unmap_regions_locked(mm, top, oldtop, &dead); /* the pages above the new break */
    }
    mm->brk = addr;
out:
    addr = mm->brk;
    sleeplock_release(&mm->lock);
    while ((e = list_pop_front(&dead)) != NULL)
        vma_free(list_entry(e, struct vma, link));
    return addr;
}
