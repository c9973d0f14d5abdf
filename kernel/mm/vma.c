/*
 * Regions (VMAs) of a user address space: a list sorted by start address,
 * non-overlapping, each page aligned and non-empty.  A file-backed region
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

struct vma *vma_find_locked(struct mm *mm, uintptr_t addr)
{
    ASSERT_SLEEP_HELD(&mm->lock);
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
}

void vma_free(struct vma *v)
{
    if (v->ip)
        vm_file_put(v->ip);
    kmem_cache_free(vma_cache, v);
}
