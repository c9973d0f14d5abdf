/*
 * Before an allocation for user memory fails: take back the memory that the
 * kernel only keeps as a cache (every hart's per-cpu frame cache and slab
 * magazines, through an IPI to the others as memfree does, empty slabs, the
 * cached kernel stacks), then evict user pages (direct reclaim, kswapd.c),
 * and last ask the OOM killer (proc/oom.c) to end a process.  Eviction is
 * skipped when it cannot help (reclaim_worthwhile): memory is then full,
 * and the killer comes after RECLAIM_IDLE_TICKS without I/O.  Called
 * without spinlocks held (it waits briefly for the other harts); may be
 * called with sleep locks held.
 */
#include "mm/reclaim.h"
#include "mm/page.h"
#include "mm/pcache.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/vm.h"
#include "arch/riscv/smp.h"
#include "proc/oom.h"
#include "proc/sched.h"

void mm_reclaim_caches(void)
{
    mm_reclaim_count_drain();
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

/*
 * Is evicting worth it?  Not when everything reclaim could ever free (the
 * free frames, the page cache's, and as many anonymous pages as swap has
 * free slots for) stays below the low watermark.  Then the only frames to
 * take are the page cache's, mostly the text of the running programs: an
 * allocation fed with them holds them (a hog without swap), the programs
 * read their text straight back in by evicting someone else's, and every
 * eviction looks like progress while memory stays full.  That thrash held
 * off the OOM killer for a minute and more.
 */
static bool reclaim_worthwhile(void)
{
    struct swap_stats ss;
    swap_get_stats(&ss);
    size_t could = page_free_count() + pcache_nr_pages() + (ss.total - ss.used);
    return could >= mm_reclaim_low();
}

/* Everything that moved memory so far: a change means someone progresses.
 * Evictions count only while evicting is worth it (above): otherwise they
 * are the thrash, and only I/O (swap, dirty file pages written back) is. */
static size_t progress_now(bool evictions_count)
{
    struct reclaim_stats st;
    struct swap_stats ss;
    mm_reclaim_get_stats(&st);
    swap_get_stats(&ss);
    return (evictions_count ? st.evictions : 0) + st.writebacks + ss.outs + ss.ins;
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
    bool worth = reclaim_worthwhile();
    size_t seen = progress_now(worth);
    for (int idle = 0;;) {
        if ((p = try_alloc(zero)) != NULL)
            return p;
        /* Without prospect, only what costs nobody: cache frames no one maps. */
        if ((worth ? mm_reclaim_direct(16) : pcache_shrink(16)) > 0)
            continue;
        if ((p = try_alloc(zero)) != NULL)
            return p;
        /* Nothing this thread could evict now: the frames may belong to
         * processes whose locks are busy (the daemon may be writing them to
         * swap).  While someone makes progress, wait for it; memory is full
         * only when nothing has moved for RECLAIM_IDLE_TICKS. */
        bool was = worth;
        worth = reclaim_worthwhile();
        size_t now = progress_now(worth);
        if ((now != seen && worth == was) || swap_io_inflight() > 0)
            idle = 0;
        seen = now;
        if (idle++ < RECLAIM_IDLE_TICKS && !oom_self_killed()) {
            mm_reclaim_kick();
            mm_reclaim_count_wait();
            sched_sleep_ticks(1);
            continue;
        }
        if (!oom_kill_and_wait())
            return NULL; /* the caller dies */
        idle = 0;
    }
}
