/*
 * Before an allocation for user memory fails: take back the memory that the
 * kernel only keeps as a cache (every hart's per-cpu frame cache and slab
 * magazines, through an IPI to the others as memfree does, empty slabs, the
 * cached kernel stacks), then evict user pages (direct reclaim, kswapd.c),
 * and last ask the OOM killer (proc/oom.c) to end a process.  Called
 * without spinlocks held (it waits briefly for the other harts); may be
 * called with sleep locks held.
 */
#include "mm/reclaim.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "arch/riscv/smp.h"
#include "proc/oom.h"

void mm_reclaim_caches(void)
{
    smp_drain_all();
    kmem_drain_local();
    page_drain_local();
    kstack_reclaim();
}

static void *try_alloc(bool zero)
{
    return zero ? page_alloc_zeroed(0) : page_alloc(0);
}

void *mm_alloc_user_frame(bool zero)
{
    void *p = try_alloc(zero);
    if (p) {
        mm_reclaim_kick();
        return p;
    }
    mm_reclaim_kick();
    mm_reclaim_caches();
    for (;;) {
        if ((p = try_alloc(zero)) != NULL)
            return p;
        if (mm_reclaim_direct(16) > 0)
            continue;
        if ((p = try_alloc(zero)) != NULL)
            return p;
        if (!oom_kill_and_wait())
            return NULL; /* the caller dies */
    }
}
