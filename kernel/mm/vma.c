/*
 * Regions (VMAs) of a user address space: a list sorted by start address,
 * non-overlapping, each page aligned and non-empty, and for lookups the same
 * regions in an array (mm->vindex) searched by bisection: a fault or msync
 * in a process with hundreds of regions costs log2(n) steps, not a walk.
 * The array is rebuilt from the list on the first lookup after a region
 * came or went (vma_index_stale_locked); a region whose start or end moves
 * in place keeps its rank, as regions never overlap.  Without memory for
 * the array, lookups walk the list.  A file-backed region
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

static struct kmem_cache *vma_cache;

void vma_init(void)
{
    vma_cache = kmem_cache_create("vma", sizeof(struct vma), 16);
    if (!vma_cache)
        panic("vma_init: no memory");
}

void vma_index_stale_locked(struct mm *mm)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    mm->vindex_stale = true;
}

void vma_index_free(struct mm *mm)
{
    kfree(mm->vindex);
    mm->vindex = NULL;
    mm->vindex_len = mm->vindex_cap = 0;
}

/* Rebuild the array from the list if it is stale; false: no memory for it
 * (the caller walks the list). */
static bool vindex_fresh_locked(struct mm *mm)
{
    if (!mm->vindex_stale && mm->vindex)
        return true;
    int n = 0;
    struct list_head *e;
    list_for_each (e, &mm->vmas)
        n++;
    if (n > mm->vindex_cap) {
        int cap = MAX(16, 2 * n);
        struct vma **a = kmalloc((size_t)cap * sizeof(*a));
        if (!a)
            return false;
        kfree(mm->vindex);
        mm->vindex = a;
        mm->vindex_cap = cap;
    } else if (!mm->vindex) {
        return false; /* no region and nothing allocated: nothing to find */
    }
    n = 0;
    list_for_each (e, &mm->vmas)
        mm->vindex[n++] = list_entry(e, struct vma, link);
    mm->vindex_len = n;
    mm->vindex_stale = false;
    return true;
}

/* The region of the sorted array that holds addr, by binary search. */
static struct vma *vindex_find_locked(struct mm *mm, uintptr_t addr)
{
    int lo = 0, hi = mm->vindex_len; /* the answer's index is in [lo, hi) */
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (mm->vindex[mid]->start <= addr)
            lo = mid;
        else
            hi = mid;
    }
    struct vma *v = mm->vindex_len ? mm->vindex[lo] : NULL;
    return v && v->start <= addr && addr < v->end ? v : NULL;
}

struct vma *vma_find_locked(struct mm *mm, uintptr_t addr)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    if (vindex_fresh_locked(mm))
        return vindex_find_locked(mm, addr);
    struct list_head *e;
    list_for_each (e, &mm->vmas) {
        struct vma *v = list_entry(e, struct vma, link);
        if (addr < v->start)
            return NULL; /* sorted: nothing further can contain it */
        if (addr < v->end)
            return v;
    }
    return NULL;
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

/* Insert v (not linked, overlapping nothing) at its place in the sorted list. */
static void vma_insert(struct mm *mm, struct vma *v)
{
    struct list_head *e;
    list_for_each (e, &mm->vmas) {
        if (list_entry(e, struct vma, link)->start >= v->end)
            break; /* insert before it: keeps the list sorted */
    }
    list_insert_between(&v->link, e->prev, e);
    vma_index_stale_locked(mm);
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
    struct vma *v = vma_dup(proto);
    if (!v)
        return -ENOMEM;
    vma_insert(mm, v);
    return 0;
}

int mm_add_vma(struct mm *mm, const struct vma *proto)
{
    sleeplock_acquire_owner(&mm->lock); /* exec's new mm, with the program's inode locked */
    int err = vma_add_locked(mm, proto);
    sleeplock_release(&mm->lock);
    return err;
}

void vma_unlink_locked(struct mm *mm, struct vma *v)
{
    ASSERT(sleeplock_is_held(&mm->lock));
    list_remove(&v->link);
    vma_index_stale_locked(mm);
}

void vma_free(struct vma *v)
{
    if (v->ip)
        vm_file_put(v->ip);
    kmem_cache_free(vma_cache, v);
}
