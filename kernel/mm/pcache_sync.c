/*
 * fsync's half in the page cache: write back every page of a file that a
 * shared mapping has dirtied, whoever mapped it (pcache_writeback, pcache.h).
 *
 * A cached frame is dirty while some PTE of a writable shared mapping maps
 * it with D set (pcache.h).  For each cached page of the file, in index
 * order below its size, the reverse map names every PTE that maps the
 * frame; each is looked at under its mm's lock (taken as a leaf: the caller
 * holds no sleep lock):
 *
 *   cached page (pinned) --rmap--> (mm, va, pte) ... each under mm->lock:
 *       shared writable file region, V and D set -> clear D, shoot down va
 *       shared writable, PROT_NONE (no D bit kept) -> counts as dirty
 *   any was dirty -> vm_file_write the page (one fs operation), unpin
 *
 * D is cleared (and the translation shot down on the hart where the mm runs
 * or last ran) before the frame is read for the write: a store from then on
 * sets D again and is written again by whoever meets it next (msync,
 * munmap, exit, eviction or another fsync).  The caller then commits the
 * journal through the inode's last transaction.
 *
 * Pages that come into the cache after the walk started were read from the
 * file then: they hold nothing that is not on the disk.
 */
#include "mm/pcache.h"
#include "mm/page.h"
#include "mm/rmap.h"
#include "mm/uvm.h"
#include "fs/fs.h"
#include "mm/slab.h"
#include "lib/string.h"

#define SNAP_MAX 16 /* mappers looked at per reverse-map snapshot */

/* Is mm's PTE at va a dirty mapping of pg by a shared writable file region?
 * Clears D (with a shootdown) if so. */
static bool take_dirty(struct mm *mm, uintptr_t va, pte_t *pte, struct page *pg)
{
    bool dirty = false;
    sleeplock_acquire_leaf(&mm->lock);
    pte_t old = *pte;
    struct vma *v = vma_find_locked(mm, va);
    if (!pte_has_frame(old) || PTE_TO_PA(old) != page_to_pa(pg) || !v || v->kind != VMA_FILE ||
        !(v->flags & VMA_SHARED) || (v->flags & VMA_NOWRITE))
        goto out;
    if (!(old & PTE_V)) { /* PROT_NONE keeps no D bit: write it (as msync does) */
        dirty = true;
        goto out;
    }
    if (old & PTE_D) {
        __atomic_store_n(pte, old & ~PTE_D, __ATOMIC_RELEASE);
        mm_shootdown_page(mm, va); /* before the frame is read for the write */
        dirty = true;
    }
out:
    sleeplock_release(&mm->lock);
    return dirty;
}

/* Clear the D bits of every shared mapping of pg; was any set?  When the
 * mappers cannot be listed, for lack of memory or because one of them is
 * being torn down (the snapshot then takes nothing): true, since writing a
 * clean page is only a wasted write, and skipping a dirty one loses it. */
static bool page_take_dirty(struct page *pg)
{
    struct rmap_ref small[SNAP_MAX], *r = small;
    int max = SNAP_MAX, n;
    bool dirty = false;
    while ((n = rmap_snapshot(pg, r, max)) > max) { /* took nothing: make room */
        if (r != small)
            kfree(r);
        max = n + SNAP_MAX;
        if (!(r = kmalloc(max * sizeof(*r))))
            return true;
    }
    /* -1 and still on the reverse map: a mapper is being torn down (its
     * stores are in the frame); off it, nothing maps the page (clean). */
    if (n < 0)
        dirty = (__atomic_load_n(&pg->flags, __ATOMIC_ACQUIRE) & PG_USER) != 0;
    for (int i = 0; i < n; i++) {
        dirty |= take_dirty(r[i].mm, r[i].va, r[i].pte, pg);
        mm_put(r[i].mm);
    }
    if (r != small)
        kfree(r);
    return dirty;
}

int pcache_writeback(struct inode *ip)
{
    int err = 0;
    uint64_t pages = (READ_ONCE(ip->d.size) + PAGE_SIZE - 1) / PAGE_SIZE;
    for (uint64_t i = 0; i < pages && READ_ONCE(ip->pc_n); i++) {
        struct page *pg = pcache_find(ip, i * PAGE_SIZE);
        if (!pg)
            continue;
        if (pcache_still_cached(pg) && page_take_dirty(pg)) {
            long r = vm_file_write(ip, i * PAGE_SIZE, page_to_kva(pg), PAGE_SIZE);
            if (r < 0 && !err)
                err = (int)r;
        }
        pcache_unpin(pg);
    }
    return err;
}
