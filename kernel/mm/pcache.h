/*
 * The page cache: at most one frame per (inode, page index) of a regular
 * file, shared by every mapping of that page and by read()/write().
 *
 *   lookup: hash of (inode, index) -> bucket -> the frames' entries
 *
 *      pc_hash[h(ip, idx)]
 *        +--> [ip A, 0] --> [ip B, 7] --> ...
 *              struct page of the frame    (refcount = 1 for the cache
 *              +-------------------------+  + 1 per PTE + 1 per pin)
 *              | flags refcount ... rmap |
 *              | pcache: hash ilink lru  |
 *              |         ip index state  |
 *              +-------------------------+
 *
 * Every frame's struct page holds its page-cache entry (page->pcache), so
 * caching a page allocates nothing but the frame: no entry can fail to be
 * allocated, and no slab page is left partly used when pages go.
 *
 * Invariants:
 *   - A cached frame holds the file's bytes of page `index` as they are now
 *     (write() updates it in the same inode-locked step as the blocks), plus
 *     the not-yet-written stores of shared mappings; bytes past the end of
 *     the file in the last page are zero when the page is read in, and
 *     truncate zeroes them again.
 *   - A page enters the cache only under its inode's lock (read-in and
 *     insertion in one step), so write() and truncate, which hold that lock,
 *     never miss a page that is being read in.
 *   - The cache holds one reference on each of its frames.  Every PTE that
 *     maps it holds one more (the frame is on the reverse map), and a reader
 *     that copies from it holds a pin for the time of the copy.  So a cached
 *     frame with refcount 1 is neither mapped nor pinned: it is the cheapest
 *     reclaim (pcache_shrink), and nothing can add a reference to it without
 *     the cache lock (a new reference comes only from a lookup).
 *   - A frame is dirty while a PTE of a shared mapping maps it with D set;
 *     the mapper that dirtied it writes it back (msync, munmap, exit), the
 *     swap daemon does on eviction, and fsync of the file does for every
 *     mapper (pcache_writeback).  Each clears D (and flushes) before it
 *     reads the frame, so a later store is written again.
 *   - Truncation takes the pages past the new end out of the lookup at once
 *     (a later fault reads past the end: SIGBUS) and puts them on the doomed
 *     list; pcache_reap unmaps them from every process through the reverse
 *     map (with shootdowns) and frees them.  A fault that mapped a doomed page
 *     in the meantime notices (pcache_still_cached) and undoes its mapping.
 *   - An inode's pages live as long as the in-memory inode: they are freed
 *     when its last reference goes (no mapping or open file is left then).
 *
 * Lock order: mm->lock -> inode lock -> the cache lock (a spinlock, ranked
 * "pcache" just before "rmap" in sync/lockorder.h).  Nothing is taken under
 * the cache lock but the page and slab allocators.  pcache_reap takes mm
 * locks as a leaf (sleeplock_acquire_leaf) holding no other sleep lock, or
 * (the swap daemon) only with try-locks.
 */
#ifndef MM_PCACHE_H
#define MM_PCACHE_H

#include "types.h"
#include "lib/list.h"

struct inode;
struct page;

/* An entry's state: only a PC_CACHED or PC_DOOMED entry's other fields
 * mean anything (a frame that is not in the cache leaves them stale). */
enum pcache_state {
    PC_NONE,   /* the frame is not in the page cache (every frame at boot) */
    PC_CACHED, /* page index of ip, found by the lookup */
    PC_DOOMED, /* truncated: out of the lookup, waiting for pcache_reap */
};

/* The page-cache entry of a frame, inside its struct page (page.h). */
struct pcache_page {
    struct list_head hash;  /* (pcache lock) in its bucket; unlinked once doomed */
    struct list_head ilink; /* (pcache lock) on its inode's list, or the doomed list */
    struct list_head lru;   /* (pcache lock) on the shrink list (not when doomed) */
    struct inode *ip;       /* (i) no reference: the inode drops its pages first */
    uint32_t index;         /* (i) page number in the file (a QFS file has fewer) */
    uint32_t state;         /* (pcache lock; read atomically) enum pcache_state */
};

struct pcache_stats {
    size_t pages;  /* frames in the cache (doomed ones included) */
    size_t mapped; /* of those, frames some PTE maps */
    size_t hits;   /* lookups that found the page */
    size_t misses; /* lookups that read it from the file */
};

void pcache_init(void); /* boot, once */

/* The frame of page index of ip, with a reference for the caller (a PTE
 * takes it over, or mm_page_put drops it).  Reads the page in on a miss
 * (*major set), taking ip's lock unless this thread holds it.  0, -ENXIO
 * (the page is past the end of the file), -ENOMEM, -EIO.  May sleep. */
int pcache_get(struct inode *ip, uint64_t index, struct page **out, bool *major);
/* Is pg still a page of the cache (not doomed by a truncation)? */
bool pcache_still_cached(struct page *pg);
/* Is pg a frame of the cache (doomed or not)?  Stable while a PTE maps it
 * and the caller holds that PTE's mm->lock. */
bool pcache_is_frame(struct page *pg);

/* ---- file-system hooks, all with ip's lock held ---- */
/* The cached frame for byte off of ip, pinned, or NULL: a read copies from
 * it and calls pcache_unpin.  (With ip's lock held no page can be coming in;
 * without it, a page being read in at that moment may be missed.) */
struct page *pcache_find(struct inode *ip, uint64_t off);
void pcache_unpin(struct page *pg);
/* write() put n bytes (within one page) at off: update the cached frame. */
void pcache_write_locked(struct inode *ip, uint64_t off, const void *src, size_t n);
/* The file's size goes from old to size: zero the cached tail past the
 * smaller of the two and doom every page past the new end. */
void pcache_truncate_locked(struct inode *ip, uint64_t old, uint64_t size);
/* Unmap and free the doomed pages (call with no sleep lock held).  wait:
 * for each mapper's mm->lock (as a leaf); else only what try-locks allow
 * (the swap daemon, which must not wait for a process that waits for it). */
void pcache_reap(bool wait);
/* ip's last reference is going: free its pages (none is mapped). */
void pcache_inode_drop(struct inode *ip);
/* fsync: write back every page of ip that a shared mapping (of any process)
 * dirtied, clearing those PTEs' D bits first (pcache_sync.c).  With no sleep
 * lock held; the caller commits the journal after.  0, or the first failed
 * write's error. */
int pcache_writeback(struct inode *ip);

/* ---- reclaim ---- */
/* Free up to want cached frames that no PTE maps and no one pins; how many. */
size_t pcache_shrink(size_t want);
/* Eviction unmapped cache frame pg everywhere: take it out of the cache if
 * nothing else holds it (true: freed). */
bool pcache_evicted(struct page *pg);
void pcache_get_stats(struct pcache_stats *out);
size_t pcache_nr_pages(void); /* frames in the cache now (no lock: a moment old) */

#endif
