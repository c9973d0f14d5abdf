/*
 * The reverse map: for every user frame, every PTE that maps it.
 *
 *   struct page (PG_USER)
 *     inline [mm A, va, &pte]      the first mapping, no allocation
 *     rmap --> [mm B, va, &pte] --> [mm C, va, &pte] --> NULL
 *
 * Invariants (checked by the reclaimer before it evicts):
 *   - A user frame has one mapping (inline or chained item) per PTE that
 *     maps it (present, or kept under PROT_NONE), so their number equals
 *     the frame's refcount.  A refcount larger than that means someone
 *     holds the frame without a PTE for a moment (a copy-on-write copy in
 *     progress): it is pinned, and reclaim leaves it alone.
 *   - The inline slot is empty only when the chain is: removing the inline
 *     mapping moves the chain's first item into it, so a frame mapped once
 *     holds no item (long-lived processes pin no slab pages of items).
 *   - A mapping exists exactly while its PTE maps the frame, give or take
 *     a moment under the mapping mm's lock: it is added before or just
 *     after the PTE is written (a batch: before the lock is released), and
 *     removed just before or after the PTE is cleared, always before the
 *     frame's reference is dropped.  The page-table page that holds the PTE lives at
 *     least as long as the item (tables go only when the mm is destroyed,
 *     after every PTE is unmapped).
 *   - PG_USER is set while the frame has a mapping (the inline slot is set).
 *   - Only the mm whose PTE it is adds or removes an item, holding that mm's
 *     lock; so a reclaimer that holds the lock of every mm on a chain sees
 *     the chain frozen (fork adds the child's items holding both locks).
 *
 * Locks: a chain and PG_USER are guarded by one of RMAP_LOCKS spinlocks,
 * picked by the frame's number.  Order: mm->lock -> rmap lock; the global
 * replacement set's lock (a sleep lock) is never taken under an rmap lock
 * (rmap.c tells the set about a new frame after letting go).  The reclaimer takes
 * the set's lock, then rmap locks (reading A and D bits).  While holding an
 * rmap lock the reclaimer reads and atomically updates (CAS) other mms'
 * PTEs without their locks: only the A bit, and only while the PTE still
 * maps the frame.
 */
#ifndef MM_RMAP_H
#define MM_RMAP_H

#include "types.h"
#include "mm/vm.h"

struct mm;
struct page;

#define RMAP_LOCKS 64 /* a chain's lock: rmap_locks[frame number % RMAP_LOCKS] */

struct rmap_item {
    struct rmap_item *next; /* (rmap lock); in a batch, the batch's list */
    struct mm *mm;          /* (i) */
    uintptr_t va;           /* (i) */
    pte_t *pte;             /* (i) the PTE, in one of mm's level-0 tables */
};

/* A copy of one chain item, for the reclaimer. */
struct rmap_ref {
    struct mm *mm;
    uintptr_t va;
    pte_t *pte;
};

void rmap_init(void); /* from uvm_init */
/* pte (of mm at va) now maps pg: add it to pg's chain.  0, or -ENOMEM after
 * reclaiming what it could (the caller holds mm->lock and keeps pg pinned). */
int rmap_add(struct page *pg, struct mm *mm, uintptr_t va, pte_t *pte);
/* mm's PTE at va no longer maps pg (call before dropping its reference). */
void rmap_del(struct page *pg, struct mm *mm, uintptr_t va);

/*
 * Batches: the mappings of one mm's level-0 table (up to 512 PTEs) added or
 * removed together, taking each of the RMAP_LOCKS locks at most once per
 * batch instead of once or twice per PTE, with one update of the counters:
 * fork adds the child's mappings this way, and unmapping a range (munmap,
 * exit) removes them this way.  The caller holds mm->lock throughout and
 * commits before it lets go.  Until an add is committed, the frame has a
 * reference without its item; a removal drops the items first and the
 * caller clears the PTEs and drops the references after: in both cases the
 * frame's refcount is above its chain's length meanwhile, so the reclaimer
 * sees it pinned and leaves it alone (and no one else can see the mm's
 * PTEs: its lock is held).
 */
struct rmap_batch {
    struct rmap_item *queued[RMAP_LOCKS]; /* by lock: the items to link, or to free */
    long n;
};
void rmap_batch_init(struct rmap_batch *b);
/* Queue pg's new mapping (mm, va, pte): 0, or -ENOMEM (nothing queued)
 * after reclaiming what it could. */
int rmap_batch_add(struct rmap_batch *b, struct page *pg, struct mm *mm, uintptr_t va, pte_t *pte);
/* Link every queued mapping into its frame's chain; the batch is empty again. */
void rmap_batch_commit_adds(struct rmap_batch *b);
/* Remove the mappings of the PTEs table[lo..hi) of mm that hold a frame
 * (table is the level-0 table whose entry 0 maps va0); the caller then
 * clears those PTEs, flushes and drops the frames' references. */
void rmap_del_range(struct mm *mm, pte_t *table, uintptr_t va0, int lo, int hi);
/* Up to max items of pg's chain into out; the chain's length, or -1 if pg
 * is not a user frame.  With every mm of a live chain held (mm_get_live).
 * The caller mm_puts each out[i].mm when done. */
int rmap_snapshot(struct page *pg, struct rmap_ref *out, int max);
/* Chain length of pg now (-1: not a user frame). */
int rmap_count(struct page *pg);
/* Was pg referenced through any of its PTEs since the last call?  Clears
 * every A bit it finds.  The entry is flushed only where that is cheap (the
 * mm is active on this hart): another hart that holds the entry in its TLB
 * does not set A again until the entry goes (the process moves, or the TLB
 * drops it), so the page looks unreferenced a little early.  A is a hint;
 * eviction itself always shoots every entry down (evict.c). */
bool rmap_test_clear_ref(struct page *pg);
/* Does any PTE of pg have D set? */
bool rmap_is_dirty(struct page *pg);
/* Chained items now (a frame's first PTE is inline in struct page and needs
 * none), and the frames of the slab cache they live in. */
long rmap_chained_items(void);
size_t rmap_frames(void);

#endif
