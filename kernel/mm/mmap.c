/*
 * mmap, munmap, mprotect, msync: regions made, cut and changed by a process.
 *
 *   mmap      anonymous or file-backed, MAP_PRIVATE or MAP_SHARED, MAP_FIXED,
 *             PROT_NONE..RWX.  Without MAP_FIXED the region goes at the hint
 *             if it is free, else at the highest free range below the stack's
 *             reserve.  A file mapping's pages are the page cache's frames
 *             (pcache.h), mapped at the first touch: a shared mapping shares
 *             them with read(), write() and every other mapper; a private one
 *             maps them read-only or copy-on-write (a write stays in the
 *             process).  A shared file mapping's dirty pages (D set in this
 *             process's PTE) are written back to the file (never past its
 *             end) on msync, munmap and exit, one file-system operation per
 *             page.  A shared anonymous mapping has no file to meet in: it is
 *             populated at mmap, so every process that shares it after fork
 *             maps the same frames.
 *   munmap    any page range: regions are split at its ends.
 *   mprotect  splits too, then rewrites each PTE: a private page that another
 *             process still maps becomes copy-on-write instead of writable; a
 *             PROT_NONE page keeps its frame in a non-present PTE.  Then each
 *             changed region is merged with its neighbours where they are
 *             alike again (vma_merge_locked), so protecting a range and
 *             putting it back leaves one region.  mmap does not merge: each
 *             mapping stays a region of its own (pmap shows it).
 *
 * Errors as POSIX says: EINVAL (alignment, zero length, bad flags), EBADF,
 * EACCES (file not open for reading; PROT_WRITE of a shared mapping of a file
 * not open for writing), ENODEV (not a regular file), ENOMEM (no room, or a
 * range with unmapped pages for munmap's friends).
 */
#include "mm/uvm.h"
#include "mm/page.h"
#include "abi/errno.h"
#include "abi/mman.h"
#include "fs/file.h"
#include "proc/signal.h"
#include "lib/printf.h"
#include "lib/string.h"

#define MMAP_TOP (USER_STACK_TOP - USER_STACK_MAX - USER_STACK_GAP)

static uint64_t prot_to_pte(int prot)
{
    uint64_t p = 0;
    if (prot & PROT_READ)
        p |= PTE_R;
    if (prot & PROT_WRITE)
        p |= PTE_W | PTE_R; /* RISC-V has no write-only pages */
    if (prot & PROT_EXEC)
        p |= PTE_X;
    return p;
}

/* Split v at addr (strictly inside): v keeps [start, addr), the new one the rest. */
static int vma_split_locked(struct mm *mm, struct vma *v, uintptr_t addr)
{
    struct vma *n;
    if (vma_index_reserve_locked(mm, 1) != 0 || !(n = vma_dup(v)))
        return -ENOMEM;
    n->start = addr;
    v->end = addr;
    vma_link_locked(mm, n);
    return 0;
}

int mm_split_at_locked(struct mm *mm, uintptr_t start, uintptr_t end)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    struct vma *v = vma_find_locked(mm, start);
    int err = 0;
    if (v && v->start < start)
        err = vma_split_locked(mm, v, start);
    if (!err && (v = vma_find_locked(mm, end - 1)) != NULL && v->end > end)
        err = vma_split_locked(mm, v, end);
    return err;
}

/* Is every page of [start, end) inside some region? */
static bool fully_mapped_locked(struct mm *mm, uintptr_t start, uintptr_t end)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    while (start < end) {
        struct vma *v = vma_find_locked(mm, start);
        if (!v)
            return false;
        start = v->end;
    }
    return true;
}

void mm_unmap_regions_locked(struct mm *mm, uintptr_t start, uintptr_t end, struct list_head *dead)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    struct list_head *e, *next;
    for (e = mm->vmas.next; e != &mm->vmas; e = next) {
        next = e->next;
        struct vma *v = list_entry(e, struct vma, link);
        if (v->end <= start || v->start >= end)
            continue;
        mm_writeback_locked(mm, v, v->start, v->end);
        mm_unmap_range_locked(mm, v->start, v->end);
        vma_unlink_locked(mm, v);
        list_push_back(dead, &v->link);
    }
}

static void free_dead(struct list_head *dead)
{
    struct list_head *e;
    while ((e = list_pop_front(dead)) != NULL)
        vma_free(list_entry(e, struct vma, link));
}

void mm_writeback_locked(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end)
{
    ASSERT(sleeplock_is_held(&mm->lock));
    if (v->kind != VMA_FILE || !(v->flags & VMA_SHARED) || (v->flags & VMA_NOWRITE))
        return;
    for (uintptr_t va = MAX(start, v->start); va < MIN(end, v->end); va += PAGE_SIZE) {
        pte_t *pte = pt_walk(mm->root, va, false);
        if (!pte || !pte_has_frame(*pte) || va < v->file_va || va >= v->file_va + v->file_len)
            continue;
        if (*pte & PTE_V) { /* (a PROT_NONE page keeps no D bit: always written) */
            if (!(*pte & PTE_D))
                continue;
            /* Clean first: a store from now on sets D again and is written again. */
            *pte &= ~PTE_D;
            mm_flush_page(mm, va);
        }
        size_t n = MIN((uint64_t)PAGE_SIZE, v->file_va + v->file_len - va);
        vm_file_write(v->ip, v->file_off + (va - v->file_va), pa_to_kva(PTE_TO_PA(*pte)), n);
    }
}

/* The highest free page range of len bytes below MMAP_TOP, or 0. */
static uintptr_t find_free_locked(struct mm *mm, size_t len)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    uintptr_t best = 0, lo = USER_BASE;
    struct list_head *e;
    list_for_each (e, &mm->vmas) {
        struct vma *v = list_entry(e, struct vma, link);
        uintptr_t hi = MIN(v->start, MMAP_TOP);
        if (hi > lo && hi - lo >= len)
            best = hi - len;
        lo = MAX(lo, v->end);
    }
    if (MMAP_TOP > lo && MMAP_TOP - lo >= len)
        best = MMAP_TOP - len;
    return best;
}

static bool range_ok(uintptr_t addr, size_t len)
{
    return addr >= USER_BASE && addr + len > addr && addr + len <= MMAP_TOP;
}

/* Check the file for a mapping and fill the region's file fields. */
static int mmap_file_check(struct vma *v, struct file *f, int prot, int flags, uint64_t off)
{
    if (!f)
        return -EBADF;
    if (f->type != FILE_INODE)
        return -ENODEV;
    if (!f->readable)
        return -EACCES;
    if ((flags & MAP_SHARED) && (prot & PROT_WRITE) && !f->writable)
        return -EACCES;
    if ((flags & MAP_SHARED) && !f->writable)
        v->flags |= VMA_NOWRITE;
    v->kind = VMA_FILE;
    v->ip = f->ip;
    v->file_off = off;
    return 0;
}

/* Fault every page of a new shared anonymous region in (see the top of the
 * file); a pending signal stops it (-EINTR). */
static int populate_locked(struct mm *mm, struct vma *v)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    for (uintptr_t va = v->start; va < v->end; va += PAGE_SIZE) {
        if (sig_pending())
            return -EINTR;
        enum vm_fault_result r = vm_fault_locked(mm, va, false, false);
        if (r == VM_FAULT_ACCESS && !(v->prot & PTE_R))
            continue; /* PROT_NONE: made when it becomes accessible */
        if (r != VM_FAULT_OK)
            return -ENOMEM;
    }
    return 0;
}

long mm_mmap(struct mm *mm, uintptr_t addr, size_t len, int prot, int flags, struct file *f,
             uint64_t off)
{
    struct vma v = {.prot = prot_to_pte(prot), .kind = VMA_ANON};
    int share = flags & (MAP_SHARED | MAP_PRIVATE);
    if (len == 0 || off % PAGE_SIZE || (share != MAP_SHARED && share != MAP_PRIVATE) ||
        (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
        (flags & ~(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS)))
        return -EINVAL;
    if ((flags & MAP_FIXED) && (addr % PAGE_SIZE))
        return -EINVAL;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (len == 0 || len > MMAP_TOP)
        return -ENOMEM;
    v.flags = share == MAP_SHARED ? VMA_SHARED : 0;
    if (!(flags & MAP_ANONYMOUS)) {
        int err = mmap_file_check(&v, f, prot, flags, off);
        if (err)
            return err;
    }
    struct list_head dead = LIST_HEAD_INIT(dead);
    long r;
    sleeplock_acquire(&mm->lock);
    if (flags & MAP_FIXED) {
        r = -EINVAL;
        if (!range_ok(addr, len) || mm_split_at_locked(mm, addr, addr + len))
            goto out;
        mm_unmap_regions_locked(mm, addr, addr + len, &dead);
    } else {
        addr = ALIGN_DOWN(addr, PAGE_SIZE);
        if (!addr || !range_ok(addr, len) || vma_collides_locked(mm, addr, addr + len, NULL))
            addr = find_free_locked(mm, len);
        r = -ENOMEM;
        if (!addr)
            goto out;
    }
    v.start = addr;
    v.end = addr + len;
    v.file_va = addr;
    v.file_len = len;
    if ((r = vma_add_locked(mm, &v)) != 0)
        goto out;
    r = (long)addr;
    if ((v.flags & VMA_SHARED) && v.kind == VMA_ANON) {
        struct vma *nv = vma_find_locked(mm, addr);
        int err = populate_locked(mm, nv);
        if (err) {
            mm_unmap_regions_locked(mm, addr, addr + len, &dead);
            r = err;
        }
    }
out:
    sleeplock_release(&mm->lock);
    free_dead(&dead);
    return r;
}

int mm_munmap(struct mm *mm, uintptr_t addr, size_t len)
{
    struct list_head dead = LIST_HEAD_INIT(dead);
    if (addr % PAGE_SIZE || len == 0)
        return -EINVAL;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (addr + len < addr || addr + len > USER_TOP)
        return -EINVAL;
    sleeplock_acquire(&mm->lock);
    int err = mm_split_at_locked(mm, addr, addr + len);
    if (!err)
        mm_unmap_regions_locked(mm, addr, addr + len, &dead);
    sleeplock_release(&mm->lock);
    free_dead(&dead);
    return err;
}

/* The PTE for a frame of region v after mprotect. */
static pte_t reprotect_pte(const struct vma *v, pte_t old)
{
    paddr_t pa = PTE_TO_PA(old);
    if (!(v->prot & (PTE_R | PTE_X)))
        return PA_TO_PTE(pa) | PTE_PROTNONE;
    pte_t pte = PA_TO_PTE(pa) | v->prot | PTE_U | PTE_V | PTE_A | PTE_D;
    bool shared_frame = (old & PTE_COW) || pa_to_page(pa)->refcount > 1;
    if ((pte & PTE_W) && !(v->flags & VMA_SHARED) && shared_frame)
        pte = (pte & ~PTE_W) | PTE_COW;
    return pte;
}

static void reprotect_region_locked(struct mm *mm, struct vma *v)
{
    ASSERT_SLEEP_HELD(&mm->lock);
    for (uintptr_t va = v->start; va < v->end; va += PAGE_SIZE) {
        pte_t *pte = pt_walk(mm->root, va, false);
        if (!pte) {
            va = ALIGN_DOWN(va, 2UL << 20) + (2UL << 20) - PAGE_SIZE;
            continue;
        }
        if (pte_has_frame(*pte)) {
            *pte = reprotect_pte(v, *pte);
            mm_flush_page(mm, va);
        }
    }
}

int mm_mprotect(struct mm *mm, uintptr_t addr, size_t len, int prot)
{
    if (addr % PAGE_SIZE || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EINVAL;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (addr + len < addr || addr + len > USER_TOP)
        return -ENOMEM;
    if (len == 0)
        return 0;
    struct list_head dead = LIST_HEAD_INIT(dead);
    sleeplock_acquire(&mm->lock);
    int err = -ENOMEM;
    if (!fully_mapped_locked(mm, addr, addr + len))
        goto out;
    err = -EACCES;
    for (uintptr_t a = addr; a < addr + len; a = vma_find_locked(mm, a)->end)
        if ((prot & PROT_WRITE) && (vma_find_locked(mm, a)->flags & VMA_NOWRITE))
            goto out;
    if ((err = mm_split_at_locked(mm, addr, addr + len)) != 0)
        goto out;
    for (uintptr_t a = addr; a < addr + len;) {
        struct vma *v = vma_find_locked(mm, a);
        v->prot = prot_to_pte(prot);
        reprotect_region_locked(mm, v);
        a = vma_merge_locked(mm, v, &dead)->end; /* with pieces alike again */
    }
out:
    sleeplock_release(&mm->lock);
    free_dead(&dead);
    return err;
}

/*
 * msync's flags (POSIX; at most one of MS_ASYNC and MS_SYNC, EINVAL else):
 *   MS_ASYNC (or neither)  the range's dirty shared pages are written back
 *                          now, each as a journal transaction: durable at
 *                          the next commit (the commit thread's interval).
 *   MS_SYNC                the same, then the journal is committed before
 *                          msync returns: the stores are on the disk.
 *   MS_INVALIDATE          "other cached copies of the data become consistent
 *                          with the file".  A shared file mapping maps the
 *                          page cache's frames, which read(), write() and
 *                          every other mapping use: there is no other copy
 *                          to go stale, so nothing is discarded.  A private
 *                          page not yet written maps the cache's frame too;
 *                          one already copied holds the process's own
 *                          writes, which MAP_PRIVATE keeps (as elsewhere).
 *                          With no page locking (mlock) there is no EBUSY.
 */
int mm_msync(struct mm *mm, uintptr_t addr, size_t len, int flags)
{
    if (addr % PAGE_SIZE || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
        ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return -EINVAL;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (addr + len < addr || addr + len > USER_TOP)
        return -ENOMEM;
    struct inode *sync_ip = NULL;
    sleeplock_acquire(&mm->lock);
    int err = fully_mapped_locked(mm, addr, addr + len) ? 0 : -ENOMEM;
    for (uintptr_t a = addr; !err && a < addr + len;) {
        struct vma *v = vma_find_locked(mm, a);
        mm_writeback_locked(mm, v, a, addr + len);
        if ((flags & MS_SYNC) && v->ip && !sync_ip)
            sync_ip = vm_file_get(v->ip);
        a = v->end;
    }
    sleeplock_release(&mm->lock);
    if (sync_ip) { /* written back: commit it too (without mm->lock: a fault may need it) */
        int e = vm_file_sync(sync_ip);
        vm_file_put(sync_ip);
        err = err ? err : e;
    }
    return err;
}
