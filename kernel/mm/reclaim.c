/*
 * Before an allocation for user memory fails: take back the memory that the
 * kernel only keeps as a cache.  Every hart's per-cpu frame cache and slab
 * magazines (through an IPI to the others, as memfree does), empty slabs,
 * and the cached kernel stacks.  Called without spinlocks held (it waits
 * briefly for the other harts); may be called with sleep locks held.
 */
#include "mm/reclaim.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "arch/riscv/smp.h"

void mm_reclaim_caches(void)
{
    smp_drain_all();
    kmem_drain_local();
    page_drain_local();
    kstack_reclaim();
}

void *mm_alloc_user_frame(bool zero)
{
    void *p = zero ? page_alloc_zeroed(0) : page_alloc(0);
    if (!p) {
        mm_reclaim_caches();
        p = zero ? page_alloc_zeroed(0) : page_alloc(0);
    }
    return p;
}
