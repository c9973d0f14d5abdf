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
#include "mm/swap.h"
#include "mm/vm.h"
#include "arch/riscv/smp.h"
#include "proc/oom.h"
#include "proc/sched.h"

void mm_reclaim_caches(void)
{
    smp_drain_all();
    kmem_drain_local();
    page_drain_local();
    kstack_reclaim();
}

/* A waiting allocation calls the OOM killer after this many of its ticks in
 * a row in which nothing anywhere made memory move: no frame evicted, no
 * dirty file page written back, no swap page read or written, and no swap
 * I/O on the disk.  A slow disk (a loaded host) only stretches the wait. */
#define RECLAIM_IDLE_TICKS 20

/* A frame for user memory, unless that would dig into the reserve that the
 * kernel's own allocations (page tables, rmap items, slabs) live on while
 * reclaim catches up. */
static void *try_alloc(bool zero)
{
    if (page_free_count() < mm_reclaim_reserve())
        return NULL;
    return zero ? page_alloc_zeroed(0) : page_alloc(0);
}

/* Everything that moved memory so far: a change means someone progresses. */
static size_t progress_now(void)
{
    struct reclaim_stats st;
    struct swap_stats ss;
    mm_reclaim_get_stats(&st);
    swap_get_stats(&ss);
    return st.evictions + st.writebacks + ss.outs + ss.ins;
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
    size_t seen = progress_now();
    for (int idle = 0;;) {
        if ((p = try_alloc(zero)) != NULL)
            return p;
        if (mm_reclaim_direct(16) > 0)
            continue;
        if ((p = try_alloc(zero)) != NULL)
            return p;
        /* Nothing this thread could evict now: the frames may belong to
         * processes whose locks are busy (the daemon may be writing them to
         * swap).  While someone makes progress, wait for it; memory is full
         * only when nothing has moved for RECLAIM_IDLE_TICKS. */
        size_t now = progress_now();
        if (now != seen || swap_io_inflight() > 0)
            seen = now, idle = 0;
        if (idle++ < RECLAIM_IDLE_TICKS && !oom_self_killed()) {
            mm_reclaim_kick();
            sched_sleep_ticks(1);
            continue;
        }
        if (!oom_kill_and_wait())
            return NULL; /* the caller dies */
        idle = 0;
    }
}
