/*
 * User address spaces.  A struct mm is a page table plus a list of regions
 * (VMAs) that say what each part of the lower half is: text, data, heap,
 * stack.  The page table's upper half is the kernel's (root entries copied
 * at creation); every user PTE has U set.
 *
 *   0x0000000000010000   program text and data (from the ELF file)
 *   brk_base .. brk      heap (grown and shrunk by brk; pages allocated eagerly)
 *   USER_STACK_TOP - 8M  stack (pages allocated on first touch); below it an
 *   .. USER_STACK_TOP    unmapped gap, so an overflow faults (SIGSEGV)
 *   USER_TOP             end of user space (Sv39 lower half)
 *
 * Locking: mm->lock (a sleep lock) guards the VMA list, brk and the page
 * table's user half.  Never hold it across a user copy (which may fault and
 * take it).
 *
 * The scheduler loads a user thread's mm before switching to it (system
 * calls touch user memory after sleeping too) and the kernel's table after.
 * asid_lock may be taken under the scheduler lock: it is the innermost lock.
 *
 * TLB: each mm has an ASID, allocated in generations: when the ASIDs run
 * out, a new generation starts and each hart flushes its whole TLB the next
 * time it activates an mm.  A process runs on one hart at a time; when it
 * moves to another hart, that hart flushes the process's ASID first, so
 * changes made elsewhere (unmapped or downgraded pages) are never seen stale.
 */
#ifndef MM_UVM_H
#define MM_UVM_H

#include "types.h"
#include "lib/list.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "sync/sleeplock.h"

#define USER_BASE 0x10000UL
#define USER_TOP 0x4000000000UL /* 256 GiB: the Sv39 lower half */
#define USER_STACK_TOP (USER_TOP - PAGE_SIZE)
#define USER_STACK_MAX (8UL << 20)
#define USER_STACK_GAP (64UL << 10) /* unmapped below the stack's limit */

enum vma_kind { VMA_TEXT, VMA_DATA, VMA_HEAP, VMA_STACK };

struct vma {
    uintptr_t start, end; /* [start, end), page aligned */
    uint64_t prot;        /* PTE_R | PTE_W | PTE_X */
    enum vma_kind kind;
    struct list_head link; /* in mm->vmas, sorted by start */
};

struct mm {
    pagetable_t root;
    struct sleeplock lock;
    struct list_head vmas; /* (lock) */
    uintptr_t brk_base;    /* (lock) start of the heap */
    uintptr_t brk;         /* (lock) current break */
    size_t pages;          /* (lock) user pages mapped */
    uint16_t asid;         /* (asid lock) */
    uint64_t asid_gen;     /* (asid lock) */
    int last_cpu;          /* hart that last ran it, -1: none */
};

void uvm_init(void); /* probe ASID bits; boot hart, after vm_init */
struct mm *mm_create(void);
void mm_destroy(struct mm *mm); /* must not be active on any hart */
/* Add a region; 0, -EINVAL (overlap / out of range) or -ENOMEM. */
int mm_add_vma(struct mm *mm, uintptr_t start, uintptr_t end, uint64_t prot, enum vma_kind kind);
/* Allocate zeroed pages for [start, end) inside a region; 0 or -ENOMEM. */
int mm_populate(struct mm *mm, uintptr_t start, uintptr_t end);
/* Copy bytes into mm's memory through the direct map (mm need not be active). */
int mm_write(struct mm *mm, uintptr_t va, const void *src, size_t n);
/* A copy of src (every page copied now; copy-on-write comes later). */
int mm_fork(struct mm *src, struct mm **out);
/* Set the break (0: query); returns the new break or the old one on failure. */
uintptr_t mm_brk(struct mm *mm, uintptr_t addr);
/* A user page fault: 0 if the page is now mapped (retry), -EFAULT if not allowed. */
int vm_fault(struct mm *mm, uintptr_t addr, bool write, bool exec);
/* Load mm's page table on this hart (and its ASID, flushing as needed). */
void mm_activate(struct mm *mm);
/* Switch this hart back to the kernel page table. */
void mm_deactivate(void);

#endif
