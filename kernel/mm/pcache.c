/*
 * The page cache (pcache.h): a hash of (inode, page index) over the entries
 * inside the frames' struct pages, one global spinlock, a per-inode list (for
 * truncation and the inode's end), a shrink list in the order pages came
 * in, and the doomed list of truncated pages still mapped somewhere.
 *
 * A frame's life:
 *
 *   pcache_get miss ---> cached (ref 1) <---> mapped by PTEs / pinned (ref > 1)
 *   (read under the            |      \                      |
 *    inode lock)               |       \ truncate            | eviction: unmapped
 *                              |        v                    | everywhere (evict.c),
 *          shrink, inode end,  |      doomed --pcache_reap-->|  then pcache_evicted
 *          eviction (ref 1)    v      (unmapped everywhere)  v
 *                            freed <------------------------ freed
 *
 * The invariants and the lock order are at the top of pcache.h.
 */
#include "mm/pcache.h"
#include "mm/page.h"
#include "mm/reclaim.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/uvm.h"
#include "abi/errno.h"
#include "fs/fs.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "sync/spinlock.h"

#define PC_BUCKETS 1024
#define SHRINK_SCAN_MAX 256 /* entries one shrink call looks at */

static struct spinlock pc_lock = SPINLOCK_INIT("pcache");
static struct list_head pc_hash[PC_BUCKETS]; /* (pc_lock) */
static struct list_head pc_lru;              /* (pc_lock) every cached, undoomed entry */
static struct list_head pc_doomed;           /* (pc_lock) truncated, still mapped or pinned */
static size_t pc_pages, pc_hits, pc_misses;  /* atomic */

void pcache_init(void)
{
    for (int i = 0; i < PC_BUCKETS; i++)
        list_init(&pc_hash[i]);
    list_init(&pc_lru);
    list_init(&pc_doomed);
}

_Static_assert(QFS_MAX_FILE_BLOCKS < (1ULL << 32), "a page index fits pcache_page.index");

static struct page *frame_of(struct pcache_page *p)
{
    return container_of(p, struct page, pcache);
}

static enum pcache_state state_of(struct page *pg)
{
    return (enum pcache_state)__atomic_load_n(&pg->pcache.state, __ATOMIC_ACQUIRE);
}

static struct list_head *bucket_of(struct inode *ip, uint64_t index)
{
    uint64_t h = ((uintptr_t)ip >> 4) * 0x9e3779b97f4a7c15ULL + index;
    return &pc_hash[(h ^ (h >> 29)) % PC_BUCKETS];
}

static struct pcache_page *lookup_locked(struct inode *ip, uint64_t index)
{
    ASSERT_HELD(&pc_lock);
    struct list_head *b = bucket_of(ip, index), *e;
    list_for_each (e, b) {
        struct pcache_page *p = list_entry(e, struct pcache_page, hash);
        if (p->ip == ip && (uint64_t)p->index == index)
            return p;
    }
    return NULL;
}

/* The cached frame of (ip, index) with a new reference, or NULL. */
static struct page *lookup_pin(struct inode *ip, uint64_t index)
{
    struct page *pg = NULL;
    spin_lock(&pc_lock);
    struct pcache_page *p = lookup_locked(ip, index);
    if (p) {
        pg = frame_of(p);
        page_ref_inc(pg);
    }
    spin_unlock(&pc_lock);
    return pg;
}

/* Frame pg (not in the cache) becomes page index of ip. */
static void insert_locked(struct page *pg, struct inode *ip, uint64_t index)
{
    ASSERT_HELD(&pc_lock);
    struct pcache_page *p = &pg->pcache;
    ASSERT(p->state == PC_NONE);
    p->ip = ip;
    p->index = (uint32_t)index;
    list_push_back(bucket_of(ip, index), &p->hash);
    list_push_back(&ip->pc_pages, &p->ilink);
    list_push_back(&pc_lru, &p->lru);
    ip->pc_n++;
    __atomic_store_n(&p->state, PC_CACHED, __ATOMIC_RELEASE);
    __atomic_add_fetch(&pc_pages, 1, __ATOMIC_RELAXED);
}

/* Out of the lookup, the inode's list and the shrink list. */
static void unlink_locked(struct pcache_page *p)
{
    ASSERT_HELD(&pc_lock);
    list_remove(&p->hash);
    list_remove(&p->lru);
    list_remove(&p->ilink);
    if (p->ip)
        p->ip->pc_n--;
}

/* An entry taken out to be freed: its frame is no longer in the cache,
 * under the lock, so pcache_evicted on another hart (which reads the state
 * under the lock) cannot take and free it a second time before free_entry
 * runs.  Its links stay usable for the caller's list of entries to free
 * (the frame, still holding the cache's reference, cannot come back into
 * the cache before free_entry). */
static void forget_locked(struct pcache_page *p)
{
    ASSERT_HELD(&pc_lock);
    __atomic_store_n(&p->state, PC_NONE, __ATOMIC_RELEASE);
}

/* A forgotten entry: drop the cache's reference on its frame (freeing it
 * unless a pin or a PTE still holds it). */
static void free_entry(struct pcache_page *p)
{
    __atomic_sub_fetch(&pc_pages, 1, __ATOMIC_RELAXED);
    mm_page_put(page_to_pa(frame_of(p)));
}

/* Unmapped and unpinned (only the cache's reference)?  See pcache.h. */
static bool idle(struct pcache_page *p)
{
    return __atomic_load_n(&frame_of(p)->refcount, __ATOMIC_ACQUIRE) == 1;
}

/* Read page index of ip (locked) into frame; -ENXIO past the end. */
static int read_in_locked(struct inode *ip, uint64_t index, void *frame)
{
    ASSERT_INODE_LOCKED(ip);
    if (index >= (ip->d.size + PAGE_SIZE - 1) / PAGE_SIZE)
        return -ENXIO;
    ssize_t r = inode_read(ip, false, (uintptr_t)frame, index * PAGE_SIZE, PAGE_SIZE);
    return r < 0 ? -EIO : r == 0 ? -ENXIO : 0; /* the rest of the frame stays zero */
}

int pcache_get(struct inode *ip, uint64_t index, struct page **out, bool *major)
{
    if ((*out = lookup_pin(ip, index)) != NULL) {
        __atomic_add_fetch(&pc_hits, 1, __ATOMIC_RELAXED);
        return 0;
    }
    /* Allocate before taking the inode lock: reclaim may wait for a dying
     * process, and its exit may need that lock to write a page back. */
    void *frame = mm_alloc_user_frame(true);
    if (!frame)
        return -ENOMEM;
    int err;
    bool held = sleeplock_is_held(&ip->lock);
    if (!held && (err = inode_lock(ip)) != 0)
        goto out_frame;
    if ((*out = lookup_pin(ip, index)) != NULL) { /* read in meanwhile */
        err = 0;
        goto out_unlock;
    }
    if ((err = read_in_locked(ip, index, frame)) != 0)
        goto out_unlock;
    struct page *pg = kva_to_page(frame);
    page_ref_inc(pg); /* the caller's; the allocation's one is the cache's */
    spin_lock(&pc_lock);
    insert_locked(pg, ip, index);
    spin_unlock(&pc_lock);
    if (!held)
        inode_unlock(ip);
    __atomic_add_fetch(&pc_misses, 1, __ATOMIC_RELAXED);
    *major = true;
    *out = pg;
    return 0;
out_unlock:
    if (!held)
        inode_unlock(ip);
out_frame:
    page_free(frame, 0);
    return err;
}

bool pcache_still_cached(struct page *pg)
{
    /* Under the lock: a fault that mapped pg and a truncation that dooms it
     * are ordered, so one of them sees the other (the fault the doom, or
     * pcache_reap the fault's PTE on the reverse map). */
    spin_lock(&pc_lock);
    bool r = pg->pcache.state == PC_CACHED;
    spin_unlock(&pc_lock);
    return r;
}

bool pcache_is_frame(struct page *pg)
{
    return state_of(pg) != PC_NONE;
}

struct page *pcache_find(struct inode *ip, uint64_t off)
{
    if (!__atomic_load_n(&ip->pc_n, __ATOMIC_RELAXED))
        return NULL; /* pages come in only under ip's lock: none now */
    return lookup_pin(ip, off / PAGE_SIZE);
}

void pcache_unpin(struct page *pg)
{
    mm_page_put(page_to_pa(pg));
}

void pcache_write_locked(struct inode *ip, uint64_t off, const void *src, size_t n)
{
    ASSERT_INODE_LOCKED(ip);
    struct page *pg = pcache_find(ip, off);
    if (!pg)
        return;
    char *dst = (char *)page_to_kva(pg) + off % PAGE_SIZE;
    ASSERT(off % PAGE_SIZE + n <= PAGE_SIZE);
    if (dst != src) /* a shared page written back from itself */
        memmove(dst, src, n);
    pcache_unpin(pg);
}

/* Zero the cached bytes of ip from off to the end of off's page. */
static void zero_from_locked(struct inode *ip, uint64_t off)
{
    if (off % PAGE_SIZE == 0)
        return;
    struct page *pg = pcache_find(ip, off);
    if (pg) {
        memset((char *)page_to_kva(pg) + off % PAGE_SIZE, 0, PAGE_SIZE - off % PAGE_SIZE);
        pcache_unpin(pg);
    }
}

void pcache_truncate_locked(struct inode *ip, uint64_t old, uint64_t size)
{
    ASSERT_INODE_LOCKED(ip);
    if (!__atomic_load_n(&ip->pc_n, __ATOMIC_RELAXED))
        return;
    /* Shrinking: the new last page's tail.  Growing: what a shared mapping
     * stored past the old end is not file data: it reads as zero. */
    zero_from_locked(ip, MIN(old, size));
    if (size >= old)
        return;
    uint64_t first = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    struct list_head idle_list = LIST_HEAD_INIT(idle_list), *e, *next;
    spin_lock(&pc_lock);
    for (e = ip->pc_pages.next; e != &ip->pc_pages; e = next) {
        next = e->next;
        struct pcache_page *p = list_entry(e, struct pcache_page, ilink);
        if (p->index < first)
            continue;
        unlink_locked(p);
        if (idle(p)) {
            forget_locked(p);
            list_push_back(&idle_list, &p->ilink);
        } else {
            __atomic_store_n(&p->state, PC_DOOMED, __ATOMIC_RELEASE);
            p->ip = NULL;
            list_push_back(&pc_doomed, &p->ilink);
        }
    }
    spin_unlock(&pc_lock);
    while ((e = list_pop_front(&idle_list)) != NULL)
        free_entry(list_entry(e, struct pcache_page, ilink));
}

/* Clear mm's PTE at va if it still maps pg (the caller holds a reference on
 * mm, and its page tables live as long as the mm).  false: !wait, and the
 * lock was taken. */
static bool unmap_one(struct mm *mm, uintptr_t va, pte_t *pte, struct page *pg, bool wait)
{
    paddr_t pa = page_to_pa(pg);
    if (wait)
        sleeplock_acquire_leaf(&mm->lock);
    else if (!sleeplock_try_acquire(&mm->lock))
        return false;
    pte_t old = *pte;
    if (pte_has_frame(old) && PTE_TO_PA(old) == pa) {
        __atomic_store_n(pte, 0, __ATOMIC_RELEASE);
        mm_shootdown_page(mm, va); /* before the frame can be freed */
        rmap_del(pg, mm, va);
        mm_rset_unmapped_locked(mm, va);
        mm->st.resident--;
        mm_page_put(pa);
    }
    sleeplock_release(&mm->lock);
    return true;
}

/* Take pg out of every address space that maps it (with no lock held);
 * false: !wait, and a lock was taken. */
static bool unmap_everywhere(struct page *pg, bool wait)
{
    bool done = true;
    struct rmap_ref small[8], *r = small;
    int max = 8;
    for (int round = 0; round < 16; round++) {
        int n = rmap_snapshot(pg, r, max);
        if (n <= 0)
            break;     /* unmapped, or an address space is dying (it unmaps itself) */
        if (n > max) { /* the snapshot took nothing: retry with room for all */
            if (r != small)
                kfree(r);
            max = n + 8;
            if (!(r = kmalloc(max * sizeof(*r)))) {
                r = small, max = 8;
                mm_reclaim_caches();
            }
            continue;
        }
        for (int i = 0; i < n; i++) {
            done &= unmap_one(r[i].mm, r[i].va, r[i].pte, pg, wait);
            mm_put(r[i].mm);
        }
        if (!done)
            break;
    }
    if (r != small)
        kfree(r);
    return done;
}

void pcache_reap(bool wait)
{
    for (;;) {
        spin_lock(&pc_lock);
        struct list_head *e = list_pop_front(&pc_doomed);
        spin_unlock(&pc_lock);
        if (!e)
            return;
        struct pcache_page *p = list_entry(e, struct pcache_page, ilink);
        if (!unmap_everywhere(frame_of(p), wait)) { /* busy: next time */
            spin_lock(&pc_lock);
            list_push_back(&pc_doomed, &p->ilink);
            spin_unlock(&pc_lock);
            return;
        }
        spin_lock(&pc_lock);
        forget_locked(p);
        spin_unlock(&pc_lock);
        free_entry(p); /* a pin still held frees the frame when it goes */
    }
}

void pcache_inode_drop(struct inode *ip)
{
    struct list_head gone = LIST_HEAD_INIT(gone), *e;
    spin_lock(&pc_lock);
    while ((e = list_pop_front(&ip->pc_pages)) != NULL) {
        struct pcache_page *p = list_entry(e, struct pcache_page, ilink);
        list_init(&p->ilink);
        unlink_locked(p);
        p->ip = NULL;
        if (idle(p)) {
            forget_locked(p);
            list_push_back(&gone, &p->ilink);
        } else { /* cannot be (pcache.h): keep it safe for pcache_reap anyway */
            __atomic_store_n(&p->state, PC_DOOMED, __ATOMIC_RELEASE);
            list_push_back(&pc_doomed, &p->ilink);
        }
    }
    spin_unlock(&pc_lock);
    while ((e = list_pop_front(&gone)) != NULL)
        free_entry(list_entry(e, struct pcache_page, ilink));
}

size_t pcache_shrink(size_t want)
{
    struct list_head gone = LIST_HEAD_INIT(gone), *e;
    size_t n = 0;
    spin_lock(&pc_lock);
    for (int scanned = 0; n < want && scanned < SHRINK_SCAN_MAX; scanned++) {
        if (!(e = list_pop_front(&pc_lru)))
            break;
        struct pcache_page *p = list_entry(e, struct pcache_page, lru);
        if (!idle(p)) {
            list_push_back(&pc_lru, &p->lru); /* mapped: eviction's business */
            continue;
        }
        list_init(&p->lru);
        unlink_locked(p);
        forget_locked(p);
        list_push_back(&gone, &p->ilink);
        n++;
    }
    spin_unlock(&pc_lock);
    while ((e = list_pop_front(&gone)) != NULL)
        free_entry(list_entry(e, struct pcache_page, ilink));
    return n;
}

bool pcache_evicted(struct page *pg)
{
    spin_lock(&pc_lock);
    struct pcache_page *p = &pg->pcache;
    bool gone = p->state == PC_CACHED && idle(p);
    if (gone) {
        unlink_locked(p);
        forget_locked(p);
    }
    spin_unlock(&pc_lock);
    if (gone)
        free_entry(p);
    return gone;
}

size_t pcache_nr_pages(void)
{
    return __atomic_load_n(&pc_pages, __ATOMIC_RELAXED);
}

void pcache_get_stats(struct pcache_stats *out)
{
    size_t mapped = 0;
    struct list_head *e;
    spin_lock(&pc_lock);
    list_for_each (e, &pc_lru)
        mapped += !idle(list_entry(e, struct pcache_page, lru));
    list_for_each (e, &pc_doomed)
        mapped += !idle(list_entry(e, struct pcache_page, ilink));
    spin_unlock(&pc_lock);
    out->pages = __atomic_load_n(&pc_pages, __ATOMIC_RELAXED);
    out->mapped = mapped;
    out->hits = __atomic_load_n(&pc_hits, __ATOMIC_RELAXED);
    out->misses = __atomic_load_n(&pc_misses, __ATOMIC_RELAXED);
}
