/*
 * A per-process resident-set limit: the process replaces within its own
 * frames, with the replacement policy it chose (repl.h), so the textbook's
 * reference strings can be replayed on the real kernel (`memlimit N cmd`).
 *
 * Only the pages of private anonymous mappings (mmap) count: program text,
 * data, heap (where the C library keeps its buffers) and the stack are
 * outside the set, so a limit of three frames means three frames of the
 * program's own data, as in the book.  The set is a table of
 * `limit` slots, each holding the address of a resident page (0: free).  A
 * page mapped into a full set first evicts the page the policy picks
 * (evict.c: to swap).  The policy's referenced bit is the PTE's A bit; when
 * the policy clears it, the entry is flushed so that the next access sets it
 * again.  Pages inherited at fork are not in the child's set.
 *
 * Everything runs under mm->lock.
 */
#include "mm/uvm.h"
#include "mm/repl.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define RSET_MAX 65536

struct mm_rset {
    struct repl_set set;
    struct mm *mm;
    int limit;
    uintptr_t *va;           /* per slot: the page's address, 0: free */
    struct repl_slot *slots; /* the policy's state per slot */
};

static pte_t *slot_pte(struct repl_set *s, int slot)
{
    struct mm_rset *rs = s->owner;
    uintptr_t va = rs->va[slot];
    pte_t *pte = va ? pt_walk(rs->mm->root, va, false) : NULL;
    return pte && (*pte & PTE_V) ? pte : NULL;
}

static bool rset_test_clear_ref(struct repl_set *s, int slot)
{
    pte_t *pte = slot_pte(s, slot);
    if (!pte || !(*pte & PTE_A))
        return false;
    *pte &= ~PTE_A;
    mm_flush_page(((struct mm_rset *)s->owner)->mm, ((struct mm_rset *)s->owner)->va[slot]);
    return true;
}

static bool rset_is_dirty(struct repl_set *s, int slot)
{
    pte_t *pte = slot_pte(s, slot);
    return pte && (*pte & PTE_D);
}

static const struct repl_hooks rset_hooks = {.test_clear_ref = rset_test_clear_ref,
                                             .is_dirty = rset_is_dirty};

void mm_rset_free(struct mm *mm)
{
    if (!mm->rs)
        return;
    kfree(mm->rs->va);
    kfree(mm->rs->slots);
    kfree(mm->rs);
    mm->rs = NULL;
}

static struct mm_rset *rset_alloc(struct mm *mm, int limit, const struct repl_ops *ops)
{
    struct mm_rset *rs = kzalloc(sizeof(*rs));
    if (!rs)
        return NULL;
    rs->va = kzalloc(limit * sizeof(*rs->va));
    rs->slots = kmalloc(limit * sizeof(*rs->slots));
    if (!rs->va || !rs->slots) {
        kfree(rs->va);
        kfree(rs->slots);
        kfree(rs);
        return NULL;
    }
    rs->mm = mm;
    rs->limit = limit;
    repl_set_init(&rs->set, ops, &rset_hooks, rs, rs->slots, limit);
    return rs;
}

int mm_set_limit(struct mm *mm, int pages, const char *policy)
{
    const struct repl_ops *ops = repl_find(policy);
    if (pages < 0 || pages > RSET_MAX || !ops)
        return -EINVAL;
    if (pages && !swap_enabled())
        return -ENOSPC; /* evicted anonymous pages need somewhere to go */
    struct mm_rset *rs = pages ? rset_alloc(mm, pages, ops) : NULL;
    if (pages && !rs)
        return -ENOMEM;
    sleeplock_acquire(&mm->lock);
    mm_rset_free(mm);
    mm->rs = rs;
    sleeplock_release(&mm->lock);
    return 0;
}

int mm_copy_limit(struct mm *from, struct mm *to)
{
    if (!from || !from->rs)
        return 0;
    to->rs = rset_alloc(to, from->rs->limit, from->rs->set.ops);
    return to->rs ? 0 : -ENOMEM;
}

static int free_slot(struct mm_rset *rs)
{
    for (int i = 0; i < rs->limit; i++)
        if (!rs->va[i] || !slot_pte(&rs->set, i))
            return i;
    return -1;
}

void mm_rset_mapped_locked(struct mm *mm, struct vma *v, uintptr_t va)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    struct mm_rset *rs = mm->rs;
    if (!rs || v->kind != VMA_ANON || (v->flags & VMA_SHARED))
        return;
    mm->st.rs_faults++;
    rs->set.ops->tick(&rs->set);
    int slot = free_slot(rs);
    if (slot < 0) {
        slot = rs->set.ops->victim(&rs->set);
        int err = mm_evict_page_locked(mm, rs->va[slot]);
        if (err) /* the old page stays resident, outside the set */
            printf("memlimit: cannot evict %p (error %d)\n", (void *)rs->va[slot], err);
    }
    rs->va[slot] = va;
    rs->set.ops->loaded(&rs->set, slot);
}

void mm_rset_unmapped_locked(struct mm *mm, uintptr_t va)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    struct mm_rset *rs = mm->rs;
    for (int i = 0; rs && i < rs->limit; i++)
        if (rs->va[i] == va)
            rs->va[i] = 0;
}
