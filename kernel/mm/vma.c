/*
 * Regions (VMAs) of a user address space: a list sorted by start address,
 * non-overlapping, each page aligned and non-empty, and for lookups the same
 * regions in an array (mm->vindex) searched by bisection: a fault or msync
 * in a process with hundreds of regions costs log2(n) steps, not a walk.
 *
 * Invariant: the array holds exactly the regions of the list, in the same
 * order.  Both change together, in vma_link_locked and vma_unlink_locked,
 * where a region comes or goes (mmap, split, merge, munmap, fork, exec,
 * exit); a
 * region whose start or end moves in place (brk, stack growth, a split's
 * first half) keeps its rank, as regions never overlap.  The array grows
 * only in vma_index_reserve_locked, which a caller runs before it changes
 * anything (so a refused mmap or split changes nothing); a lookup never
 * allocates, so a fault never waits for memory to find its region.  A
 * file-backed region
 * holds a reference on its inode for as long as it exists.  Everything here
 * runs with mm->lock held (mm_add_vma takes it).  A new region is checked
 * before anything is allocated, so a refused one changes nothing.  A region is unlinked
 * under the lock but freed after it is released (vma_free may end a file
 * system operation, which must not wait inside an mm lock).
 */
#include "mm/uvm.h"
#include "mm/slab.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static struct kmem_cache *vma_cache;

void vma_init(void)
{
    vma_cache = kmem_cache_create("vma", sizeof(struct vma), 16);
    if (!vma_cache)
        panic("vma_init: no memory");
}

void vma_index_free(struct mm *mm)
{
    kfree(mm->vindex);
    mm->vindex = NULL;
    mm->vindex_len = mm->vindex_cap = 0;
}

int vma_index_reserve_locked(struct mm *mm, int more)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    int need = mm->vindex_len + more;
    if (need <= mm->vindex_cap)
        return 0;
    int cap = MAX(16, 2 * need);
    struct vma **a = kmalloc((size_t)cap * sizeof(*a));
    if (!a)
        return -ENOMEM;
    if (mm->vindex_len)
        memcpy(a, mm->vindex, (size_t)mm->vindex_len * sizeof(*a));
    kfree(mm->vindex);
    mm->vindex = a;
    mm->vindex_cap = cap;
    return 0;
}

/* The rank of the first region whose start is above addr: the index of the
 * region holding addr is that minus one (bisection). */
static int vindex_rank_locked(struct mm *mm, uintptr_t addr)
{
    int lo = 0, hi = mm->vindex_len; /* the answer is in [lo, hi] */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (mm->vindex[mid]->start <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void vma_link_locked(struct mm *mm, struct vma *v)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    if (mm->vindex_len >= mm->vindex_cap)
        panic("vma_link_locked: no room reserved in the region index");
    int r = vindex_rank_locked(mm, v->start);
    struct list_head *prev = r ? &mm->vindex[r - 1]->link : &mm->vmas;
    list_insert_between(&v->link, prev, prev->next);
    memmove(&mm->vindex[r + 1], &mm->vindex[r], (size_t)(mm->vindex_len - r) * sizeof(v));
    mm->vindex[r] = v;
    mm->vindex_len++;
}

void vma_unlink_locked(struct mm *mm, struct vma *v)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    int r = vindex_rank_locked(mm, v->start) - 1;
    if (r < 0 || mm->vindex[r] != v)
        panic("vma_unlink_locked: region %p not in the index", (void *)v->start);
    list_remove(&v->link);
    memmove(&mm->vindex[r], &mm->vindex[r + 1], (size_t)(mm->vindex_len - r - 1) * sizeof(v));
    mm->vindex_len--;
}

/* May a and b (a just below b) be one region?  Anonymous regions alike in
 * protection and sharing, or two pieces of one file mapping (a split keeps
 * the file fields of both halves the same). */
static bool vma_mergeable(const struct vma *a, const struct vma *b)
{
    if (a->end != b->start || a->kind != b->kind || a->prot != b->prot || a->flags != b->flags)
        return false;
    if (a->kind == VMA_FILE)
        return a->ip == b->ip && a->file_off == b->file_off && a->file_va == b->file_va &&
               a->file_len == b->file_len;
    return a->kind == VMA_ANON;
}

struct vma *vma_merge_locked(struct mm *mm, struct vma *v, struct list_head *dead)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    int r = vindex_rank_locked(mm, v->start) - 1;
    if (r > 0 && vma_mergeable(mm->vindex[r - 1], v)) {
        struct vma *prev = mm->vindex[r - 1];
        vma_unlink_locked(mm, v);
        prev->end = v->end;
        list_push_back(dead, &v->link);
        v = prev;
        r--;
    }
    if (r + 1 < mm->vindex_len && vma_mergeable(v, mm->vindex[r + 1])) {
        struct vma *next = mm->vindex[r + 1];
        vma_unlink_locked(mm, next);
        v->end = next->end;
        list_push_back(dead, &next->link);
    }
    return v;
}

struct vma *vma_last_locked(struct mm *mm)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    return mm->vindex_len ? mm->vindex[mm->vindex_len - 1] : NULL;
}

struct vma *vma_find_locked(struct mm *mm, uintptr_t addr)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    int r = vindex_rank_locked(mm, addr) - 1;
    struct vma *v = r >= 0 ? mm->vindex[r] : NULL;
    return v && addr < v->end ? v : NULL;
}

bool vma_collides_locked(struct mm *mm, uintptr_t start, uintptr_t end, const struct vma *skip)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    struct list_head *e;
    list_for_each (e, &mm->vmas) {
        struct vma *v = list_entry(e, struct vma, link);
        uintptr_t lo =
            v->kind == VMA_STACK ? USER_STACK_TOP - USER_STACK_MAX - USER_STACK_GAP : v->start;
        if (v != skip && start < v->end && lo < end)
            return true;
    }
    return false;
}

struct vma *vma_dup(const struct vma *v)
{
    struct vma *n = kmem_cache_alloc(vma_cache);
    if (!n)
        return NULL;
    *n = *v;
    list_init(&n->link);
    if (n->ip)
        n->ip = vm_file_get(n->ip);
    return n;
}

/* Is [start, end) free of regions? */
static bool range_free_locked(struct mm *mm, uintptr_t start, uintptr_t end)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    struct list_head *e;
    list_for_each (e, &mm->vmas) {
        struct vma *o = list_entry(e, struct vma, link);
        if (start < o->end && o->start < end)
            return false;
    }
    return true;
}

int vma_add_locked(struct mm *mm, const struct vma *proto)
{
    ASSERT(sleeplock_is_held(&mm->lock));
    uintptr_t start = proto->start, end = proto->end;
    if (start >= end || start < USER_BASE || end > USER_TOP || (start | end) % PAGE_SIZE)
        return -EINVAL;
    if ((proto->kind == VMA_FILE) != (proto->ip != NULL))
        return -EINVAL;
    if (!range_free_locked(mm, start, end))
        return -EINVAL;
    struct vma *v;
    if (vma_index_reserve_locked(mm, 1) != 0 || !(v = vma_dup(proto)))
        return -ENOMEM;
    vma_link_locked(mm, v);
    return 0;
}

int mm_add_vma(struct mm *mm, const struct vma *proto)
{
    sleeplock_acquire_owner(&mm->lock); /* exec's new mm, with the program's inode locked */
    int err = vma_add_locked(mm, proto);
    sleeplock_release(&mm->lock);
    return err;
}

void vma_free(struct vma *v)
{
    if (v->ip)
        vm_file_put(v->ip);
    kmem_cache_free(vma_cache, v);
}
