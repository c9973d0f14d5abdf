/*
 * Looking at an address space from outside: its regions with their backing
 * and page counts (pmap), and its page table entry by entry (vmprint).  The
 * caller holds a reference on the mm (proc_mm_get); these take mm->lock, so
 * the regions and tables do not change under them.  The mm may be another
 * process's: they take it as a leaf lock (no sleep lock under it), so its
 * owner, which may fault with file-system locks held, never waits in a cycle.
 */
#include "mm/uvm.h"
#include "mm/swap.h"
#include "abi/mman.h"
#include "abi/vminfo.h"
#include "fs/fs.h"
#include "lib/string.h"

static unsigned prot_bits(uint64_t prot)
{
    return (prot & PTE_R ? PROT_READ : 0) | (prot & PTE_W ? PROT_WRITE : 0) |
           (prot & PTE_X ? PROT_EXEC : 0);
}

static void count_pages_locked(struct mm *mm, const struct vma *v, struct vmregion *r)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    for (uintptr_t va = v->start; va < v->end;) {
        pte_t *pte = pt_walk(mm->root, va, false);
        if (!pte) {
            va = ALIGN_DOWN(va, 2UL << 20) + (2UL << 20);
            continue;
        }
        r->resident += pte_has_frame(*pte);
        r->swapped += pte_is_swap(*pte);
        va += PAGE_SIZE;
    }
}

static const unsigned kind_code[] = {
    [VMA_ANON] = VMR_ANON, [VMA_FILE] = VMR_FILE, [VMA_HEAP] = VMR_HEAP, [VMA_STACK] = VMR_STACK};

int mm_regions(struct mm *mm, struct vmregion *out, int max)
{
    struct list_head *e;
    int n = 0;
    sleeplock_acquire_leaf(&mm->lock);
    list_for_each (e, &mm->vmas) {
        struct vma *v = list_entry(e, struct vma, link);
        if (n < max) {
            struct vmregion *r = &out[n];
            memset(r, 0, sizeof(*r));
            r->start = v->start;
            r->end = v->end;
            r->prot = prot_bits(v->prot);
            r->kind = kind_code[v->kind];
            r->shared = (v->flags & VMA_SHARED) != 0;
            r->inum = v->ip ? v->ip->inum : 0;
            r->offset = v->ip ? v->file_off - (v->file_va - v->start) : 0;
            count_pages_locked(mm, v, r);
        }
        n++;
    }
    sleeplock_release(&mm->lock);
    return n;
}

static void walk_level(pagetable_t pt, int level, uintptr_t base, struct vmpte *out, int max,
                       int *n)
{
    for (int i = 0; i < (level == 2 ? 256 : 512); i++) {
        pte_t pte = pt[i];
        if (!(pte & PTE_V))
            continue;
        uintptr_t va = base | ((uintptr_t)i << (12 + 9 * level));
        if (*n < max)
            out[*n] = (struct vmpte){.va = va, .pte = pte, .level = level, .index = i};
        (*n)++;
        if (level > 0 && !PTE_IS_LEAF(pte))
            walk_level(pa_to_kva(PTE_TO_PA(pte)), level - 1, va, out, max, n);
    }
}

int mm_walk(struct mm *mm, struct vmpte *out, int max)
{
    int n = 0;
    sleeplock_acquire_leaf(&mm->lock);
    walk_level(mm->root, 2, 0, out, max, &n);
    sleeplock_release(&mm->lock);
    return n;
}
