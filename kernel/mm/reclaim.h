/*
 * Getting memory back: the kernel's caches (reclaim.c), and user frames
 * under pressure (kswapd.c: the global replacement policy, the swap daemon
 * between its watermarks, direct reclaim) through evict.c.
 */
#ifndef MM_RECLAIM_H
#define MM_RECLAIM_H

#include "types.h"

struct page;
struct inode;

/* Drain every hart's frame and slab caches and free cached kernel stacks. */
void mm_reclaim_caches(void);
/* One frame for user memory.  If none is free: the caches, then direct
 * reclaim, then the OOM killer (proc/oom.c), retrying while another
 * process dies for it.  NULL: none, and the caller is the one to die.
 * May sleep; the caller may hold its own mm->lock. */
void *mm_alloc_user_frame(bool zero);

/* A dirty page-cache frame that eviction cleaned instead of freeing: the
 * caller writes len bytes of it at off of ip (mm_evict_writeback, with no
 * lock held), which drops ip and the pin. */
struct evict_wb {
    struct page *pin; /* the frame, pinned */
    struct inode *ip; /* a reference */
    uint64_t off;
    size_t len;
};
void mm_evict_writeback(struct evict_wb *wb);
/* Give up user frame pg from every PTE that maps it (evict.c).  0 (freed),
 * -EAGAIN (cleaned: *wb to write; only when wb is given), -EBUSY (locked,
 * pinned, shared, or not a user frame), -ENOSPC (no swap slot), -EIO. */
int mm_evict_frame(struct page *pg, struct evict_wb *wb);

struct reclaim_stats {
    size_t evictions;    /* frames given up by the global policy */
    size_t kswapd_runs;  /* times the daemon woke */
    size_t kswapd_freed; /* frames it freed */
    size_t direct_runs;  /* allocations that reclaimed themselves */
    size_t direct_freed;
    size_t writebacks; /* dirty shared file pages written back by the daemon */
    size_t oom_kills;
    size_t drains;      /* mm_reclaim_caches calls (each an IPI to every other hart) */
    size_t alloc_waits; /* ticks user allocations slept waiting for reclaim to progress */
    size_t lock_waits;  /* times the global set's lock was busy when taken */
    size_t low, high;   /* watermarks, frames */
};

void mm_reclaim_start(void);                 /* boot, once the disks are up: the daemon */
void mm_reclaim_loaded(struct page *pg);     /* pg just became a user frame (rmap.c) */
void mm_reclaim_kick(void);                  /* wake the daemon if below the low watermark */
void mm_reclaim_wake(void);                  /* wake it anyway (an mm to destroy) */
size_t mm_reclaim_direct(size_t want);       /* evict up to want frames now; how many */
int mm_reclaim_set_policy(const char *name); /* 0, -EINVAL, -ENODEV (not started) */
int mm_reclaim_tune(const char *key, unsigned long value); /* "low", "high": 0 or -EINVAL */
void mm_reclaim_describe(char *buf, size_t size);          /* "clock low=N high=N" */
void mm_reclaim_get_stats(struct reclaim_stats *out);
void mm_reclaim_count_oom(void);
void mm_reclaim_count_drain(void);
void mm_reclaim_count_wait(void);
/* Frames user allocations leave to the kernel (0 before reclaim starts). */
size_t mm_reclaim_reserve(void);
size_t mm_reclaim_low(void); /* the low watermark, frames */

#endif
