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
 *   - A mapping exists exactly while its PTE maps the frame: it is added
 *     before or just after the PTE is written, under the mapping mm's
 *     lock, and removed after the PTE is cleared and before the frame's
 *     reference is dropped.  The page-table page that holds the PTE lives at
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

struct rmap_item {
    struct rmap_item *next; /* (rmap lock) */
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
