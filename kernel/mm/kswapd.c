/*
 * Global memory pressure: the replacement policy over every frame of RAM,
 * the swap daemon, and direct reclaim.
 *
 *   free frames
 *     ^
 *     |            the daemon evicts until free >= high, then sleeps
 *   high - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -
 *     |            an allocation that leaves free < low wakes it
 *   low  - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -
 *     |            an allocation that finds no frame reclaims directly
 *   0 +-------------------------------------------------------------> time
 *
 * The global set (repl.h) has one slot per frame of RAM; only user frames
 * (PG_USER: on the reverse map) are usable.  The policy (clock by default,
 * fifo or aging: bootarg vmrepl=, or vm_policy() at run time) picks a
 * frame; its referenced and dirty bits are the OR of the A and D bits of
 * every PTE that maps it (rmap.h), and clearing the referenced bit clears A
 * in all of them.  mm_evict_frame (evict.c) then gives the frame up; one it
 * cannot (locked, pinned, shared anonymous, no swap left) is requeued.
 * Anonymous frames (PG_ANON) are not even looked at while swap is full or
 * absent, so a sweep without swap costs a flag test per frame.
 *
 *   the daemon ("kswapd", a kernel thread): woken when an allocation leaves
 *     fewer than `low` frames free; runs the policy's tick (aging), frees
 *     page-cache frames that nothing maps (pcache_shrink), then evicts until
 *     `high` frames are free or a sweep over RAM found nothing.
 *     It alone writes dirty shared file pages back (holding no lock but the
 *     file system's own while it writes).
 *   direct reclaim (mm_reclaim_direct): an allocation that finds no frame
 *     frees unmapped page-cache frames, then evicts a few itself, with the faulting process's
 * mm->lock held: it may evict that process's own pages and those of any process whose lock is free;
 * it never writes to a file (the faulting thread may hold an inode lock or be inside a file-system
 * operation).
 *
 * User allocations leave low/4 frames to the kernel's own allocations (page
 * tables, rmap items, slabs), which do not reclaim.
 *
 * Watermarks default from RAM (low = 1/64 of the frames, high = 1/32, at
 * least 32 and 64), bootargs vm_low= and vm_high= (frames), and vm_tune()
 * at run time.  Locks: gset_lock (a sleep lock, so that a sweep runs with
 * interrupts on and a preempted sweeper makes nobody spin; it exists once
 * gslots is set, which is never undone) guards the set, the policy and
 * the watermarks; it is taken under no other mm lock but mm->lock, and
 * rmap locks are taken under it.  kswapd_lock guards kswapd_wanted.
 */
#include "mm/reclaim.h"
#include "mm/page.h"
#include "mm/pcache.h"
#include "mm/repl.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/uvm.h"
#include "abi/errno.h"
#include "init/boot.h"
#include "lib/fdt.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "sync/sleeplock.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"

static struct sleeplock gset_lock;  /* initialised by mm_reclaim_start */
static struct repl_set gset;        /* (gset_lock) */
static struct repl_slot *gslots;    /* (gset_lock) one per frame; NULL before boot's end */
static size_t wm_low, wm_high;      /* (gset_lock for writers) frames */
static struct reclaim_stats rstats; /* atomic counters */

/* Evictions that may fail in a row before a reclaimer gives up for now
 * (frames that are locked, pinned, shared anonymous, dirty without swap). */
#define RECLAIM_MAX_FAILS 64
/* The clock looks at this many user frames for a clean one past a dirty one. */
#define CLOCK_SCAN_MAX 64

static struct spinlock kswapd_lock = SPINLOCK_INIT("kswapd");
static struct waitq kswapd_wq = WAITQ_INIT(kswapd_wq, "kswapd");
static bool kswapd_wanted; /* (kswapd_lock) */

/* A user frame that could go now: anonymous ones only while swap has room. */
static bool g_usable(struct repl_set *s, int slot)
{
    uint32_t f = __atomic_load_n(&page_nth(slot)->flags, __ATOMIC_RELAXED);
    return (f & PG_USER) && (!(f & PG_ANON) || swap_has_room());
}

static bool g_test_clear_ref(struct repl_set *s, int slot)
{
    return rmap_test_clear_ref(page_nth(slot));
}

static bool g_is_dirty(struct repl_set *s, int slot)
{
    return rmap_is_dirty(page_nth(slot));
}

static const struct repl_hooks g_hooks = {
    .test_clear_ref = g_test_clear_ref, .is_dirty = g_is_dirty, .usable = g_usable};

#define STAT_ADD(field, n) __atomic_add_fetch(&rstats.field, (n), __ATOMIC_RELAXED)

/* Take the set's lock, counting the times it was busy (contention). */
static void gset_lock_take(void)
{
    if (sleeplock_try_acquire(&gset_lock))
        return;
    STAT_ADD(lock_waits, 1);
    sleeplock_acquire(&gset_lock);
}

void mm_reclaim_loaded(struct page *pg)
{
    if (!READ_ONCE(gslots))
        return;
    gset_lock_take();
    gset.ops->loaded(&gset, (int)page_index(pg));
    sleeplock_release(&gset_lock);
}

/* Pick a frame and try to give it up; -ENOENT: no user frame at all. */
static int reclaim_one(struct evict_wb *wb)
{
    if (!READ_ONCE(gslots))
        return -ENOENT;
    gset_lock_take();
    int slot = gset.ops->victim(&gset);
    sleeplock_release(&gset_lock);
    if (slot < 0)
        return -ENOENT;
    int err = mm_evict_frame(page_nth(slot), wb);
    if (err && err != -EAGAIN) {
        gset_lock_take();
        repl_requeue(&gset, slot);
        sleeplock_release(&gset_lock);
    }
    if (!err)
        STAT_ADD(evictions, 1);
    return err;
}

size_t mm_reclaim_direct(size_t want)
{
    STAT_ADD(direct_runs, 1);
    size_t freed = pcache_shrink(want); /* unmapped page-cache frames first */
    for (size_t fails = 0; freed < want && fails < RECLAIM_MAX_FAILS;) {
        int err = reclaim_one(NULL);
        if (err == -ENOENT)
            break;
        if (err == 0)
            freed++, fails = 0;
        else
            fails++;
    }
    STAT_ADD(direct_freed, freed);
    return freed;
}

void mm_reclaim_wake(void)
{
    spin_lock(&kswapd_lock);
    if (!kswapd_wanted) {
        kswapd_wanted = true;
        waitq_wake_one(&kswapd_wq);
    }
    spin_unlock(&kswapd_lock);
}

void mm_reclaim_kick(void)
{
    if (!gslots || page_free_count() >= READ_ONCE(wm_low))
        return;
    spin_lock(&kswapd_lock);
    if (!kswapd_wanted) {
        kswapd_wanted = true;
        waitq_wake_one(&kswapd_wq);
    }
    spin_unlock(&kswapd_lock);
}

/* Frames still missing for `high`. */
static size_t below_high(void)
{
    size_t free = page_free_count(), high = READ_ONCE(wm_high);
    return free < high ? high - free : 0;
}

/* One wake-up's work: evict until `high` frames are free, page-cache
 * frames no one maps first (the cheapest: no PTE, no I/O). */
static void kswapd_run(void)
{
    gset_lock_take();
    gset.ops->tick(&gset);
    sleeplock_release(&gset_lock);
    pcache_reap(false); /* truncated pages left mapped */
    size_t freed = pcache_shrink(below_high());
    for (size_t fails = 0; below_high() && fails < RECLAIM_MAX_FAILS;) {
        struct evict_wb wb = {0};
        int err = reclaim_one(&wb);
        if (err == -ENOENT)
            break;
        if (err == 0 || err == -EAGAIN)
            freed += err == 0, fails = 0;
        else
            fails++;
        if (err == -EAGAIN && wb.len) {
            mm_evict_writeback(&wb);
            STAT_ADD(writebacks, 1);
        }
    }
    STAT_ADD(kswapd_freed, freed);
}

static void kswapd_main(void *arg)
{
    (void)arg;
    for (;;) {
        spin_lock(&kswapd_lock);
        while (!kswapd_wanted)
            waitq_sleep(&kswapd_wq, &kswapd_lock);
        spin_unlock(&kswapd_lock);
        mm_reap_deferred(); /* address spaces a reclaimer let go of last */
        STAT_ADD(kswapd_runs, 1);
        kswapd_run();
        if (page_free_count() < READ_ONCE(wm_low))
            sched_sleep_ticks(10); /* nothing more to take now: let the others run */
        spin_lock(&kswapd_lock);
        kswapd_wanted = false;
        spin_unlock(&kswapd_lock);
        mm_reap_deferred(); /* one left while it was wanted anyway (no wake-up) */
        mm_reclaim_kick();  /* still short (memory went while it worked): go again */
    }
}

static size_t bootarg_frames(const char *key, size_t dflt)
{
    char val[24];
    if (!bootarg_get(boot_fdt.bootargs, key, val, sizeof(val)))
        return dflt;
    size_t n = 0;
    for (const char *p = val; *p >= '0' && *p <= '9'; p++)
        n = n * 10 + (size_t)(*p - '0');
    return n ? n : dflt;
}

void mm_reclaim_start(void)
{
    size_t n = page_nr_frames();
    char name[16] = "clock";
    bootarg_get(boot_fdt.bootargs, "vmrepl", name, sizeof(name));
    const struct repl_ops *ops = repl_find(name);
    if (!ops) {
        printf("reclaim: no policy '%s'; using clock\n", name);
        ops = &repl_clock;
    }
    struct repl_slot *slots = kmalloc(n * sizeof(*slots));
    if (!slots) {
        printf("reclaim: no memory for the frame table; no global reclaim\n");
        return;
    }
    size_t low = bootarg_frames("vm_low", MAX(n / 64, (size_t)32));
    size_t high = bootarg_frames("vm_high", MAX(n / 32, (size_t)64));
    sleeplock_init(&gset_lock, "reclaim");
    repl_set_init(&gset, ops, &g_hooks, NULL, slots, (int)n);
    gset.scan_max = CLOCK_SCAN_MAX;
    wm_low = low;
    wm_high = MAX(high, low + 1);
    __atomic_store_n(&gslots, slots, __ATOMIC_RELEASE);
    if (!thread_spawn_detached("kswapd", kswapd_main, NULL))
        printf("reclaim: no memory for the swap daemon\n");
}

int mm_reclaim_set_policy(const char *name)
{
    const struct repl_ops *ops = repl_find(name);
    if (!ops)
        return -EINVAL;
    if (!READ_ONCE(gslots))
        return -ENODEV;
    gset_lock_take();
    repl_set_init(&gset, ops, &g_hooks, NULL, gslots, gset.nslots);
    gset.scan_max = CLOCK_SCAN_MAX;
    sleeplock_release(&gset_lock);
    return 0;
}

int mm_reclaim_tune(const char *key, unsigned long value)
{
    int err = 0;
    if (!READ_ONCE(gslots))
        return -ENODEV;
    gset_lock_take();
    if (strcmp(key, "low") == 0 && value > 0 && value < wm_high)
        wm_low = value;
    else if (strcmp(key, "high") == 0 && value > wm_low && value < page_nr_frames())
        wm_high = value;
    else
        err = -EINVAL;
    sleeplock_release(&gset_lock);
    if (!err)
        mm_reclaim_kick();
    return err;
}

void mm_reclaim_describe(char *buf, size_t size)
{
    if (!READ_ONCE(gslots)) {
        snprintf(buf, size, "none low=0 high=0");
        return;
    }
    gset_lock_take();
    snprintf(buf, size, "%s low=%lu high=%lu", gset.ops->name, wm_low, wm_high);
    sleeplock_release(&gset_lock);
}

void mm_reclaim_get_stats(struct reclaim_stats *out)
{
    out->evictions = __atomic_load_n(&rstats.evictions, __ATOMIC_RELAXED);
    out->kswapd_runs = __atomic_load_n(&rstats.kswapd_runs, __ATOMIC_RELAXED);
    out->kswapd_freed = __atomic_load_n(&rstats.kswapd_freed, __ATOMIC_RELAXED);
    out->direct_runs = __atomic_load_n(&rstats.direct_runs, __ATOMIC_RELAXED);
    out->direct_freed = __atomic_load_n(&rstats.direct_freed, __ATOMIC_RELAXED);
    out->writebacks = __atomic_load_n(&rstats.writebacks, __ATOMIC_RELAXED);
    out->oom_kills = __atomic_load_n(&rstats.oom_kills, __ATOMIC_RELAXED);
    out->drains = __atomic_load_n(&rstats.drains, __ATOMIC_RELAXED);
    out->alloc_waits = __atomic_load_n(&rstats.alloc_waits, __ATOMIC_RELAXED);
    out->lock_waits = __atomic_load_n(&rstats.lock_waits, __ATOMIC_RELAXED);
    out->low = READ_ONCE(wm_low);
    out->high = READ_ONCE(wm_high);
}

void mm_reclaim_count_oom(void)
{
    STAT_ADD(oom_kills, 1);
}

void mm_reclaim_count_drain(void)
{
    STAT_ADD(drains, 1);
}

void mm_reclaim_count_wait(void)
{
    STAT_ADD(alloc_waits, 1);
}

size_t mm_reclaim_reserve(void)
{
    return READ_ONCE(wm_low) / 4;
}

size_t mm_reclaim_low(void)
{
    return READ_ONCE(wm_low);
}
