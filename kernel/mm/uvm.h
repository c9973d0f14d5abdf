/*
 * User address spaces.  A struct mm is a page table plus a sorted list of
 * regions (VMAs) that say what each part of the lower half is and where its
 * pages come from.  The page table's upper half is the kernel's (root
 * entries copied at creation); every user PTE has U set.
 *
 *   0x0000000000010000   program text and data: file-backed regions over the
 *                        ELF's PT_LOAD segments, read in page by page on the
 *                        first touch (text R-X, data RW- private)
 *   brk_base .. brk      heap: anonymous, reserved by brk, zero-filled on touch
 *   below the stack      stack: starts at STACK_INITIAL and grows down on a
 *   .. USER_STACK_TOP    fault, up to USER_STACK_MAX; below that limit an
 *                        unmapped gap (USER_STACK_GAP), so an overflow faults
 *   USER_TOP             end of user space (Sv39 lower half)
 *
 * Frames and sharing: every user frame has a reference count (struct page)
 * equal to the number of PTEs that map it.  fork shares all of them; a page
 * of a private writable region is then mapped read-only with PTE_COW in both
 * processes and the first write copies it (or, with one reference left,
 * simply makes it writable again).  Pages of read-only regions (text) stay
 * shared and are never copied.
 *
 * Lock notes on struct mm and struct vma: (m) mm->lock, (a) asid_lock in
 * uvm.c, (i) set when the mm is created and never changed, (t) atomic, (h)
 * written by the hart that activates or leaves the mm.
 *
 * Locking: mm->lock (a sleep lock) guards the VMA list, brk, the statistics
 * and the page table's user half.  It may be held across disk reads (file
 * read-in) but never across a user copy (which may fault and take it).
 * Lock order (sync/lockorder.h): mm->lock -> file offset, inode, buf locks
 * (file read-in, write-back) -> page allocator.  The mm's owner (its
 * process's thread, or exec building the new one) takes it with
 * sleeplock_acquire_owner where file-system locks may already be held: a
 * fault in a user copy (vm_fault), exec's mm_add_vma and mm_write.  A thread
 * looking at another process's mm (inspect.c) takes it as a leaf lock;
 * mm_fork takes the child's with a try-lock after the parent's.  (A fault
 * during read() into a file-backed page of the file being read finds that
 * inode's lock already held by this thread and reads without taking it
 * again.)
 *
 * TLB rule: every PTE change is followed by the narrowest correct fence,
 * one page of one address space (`sfence.vma va, asid`), never a whole
 * ASID or the whole TLB for a change of PTEs; only switching address spaces
 * flushes more (below).  A process has one thread, which runs on one hart
 * at a time:
 *   - A PTE of the mm that is active on this hart is changed, then flushed
 *     here with `sfence.vma va, asid` (mm_flush_page); downgrades and unmaps
 *     are flushed before the frame is freed or reused.  Fork flushes each
 *     parent page it makes read-only; exit's unmapping flushes nothing
 *     (the dying mm is active on no hart, and its ASID is reused only in a
 *     new generation).
 *   - A PTE that goes from invalid to valid (a fault's new page) is not
 *     flushed: a hart that cached the invalid entry (the RISC-V spec allows
 *     it; QEMU does not) faults again, finds the PTE allowing the access and
 *     flushes that one page (vm_fault_locked's stale-entry case).
 *   - Other harts may still hold stale entries of this ASID from when the
 *     process last ran there; they flush the whole ASID when it next runs on
 *     them (mm_activate: last_cpu != this hart), so they never use them.
 *   - A change made by another thread (the reclaimer evicting a page of a
 *     process that may run elsewhere) goes through
 *     mm_shootdown_page: it flushes the entry on the hart where mm is
 *     active (mm->active_cpu) and on the hart that ran it last
 *     (mm->last_cpu, which keeps its entries while it runs others), by SBI
 *     remote sfence.vma, before the old frame is reused.  A fence in
 *     mm_activate pairs with it: a hart loading mm either is seen by the
 *     shootdown or flushes after the change.  (Clearing an A bit is only a
 *     hint and is flushed on this hart alone: mm_flush_page_if_here.)
 *   - ASIDs are reused only in a new generation, after which every hart
 *     flushes its whole TLB before loading any user table.
 * A user thread loads its own mm as soon as it is switched in (system calls
 * touch user memory after sleeping too), after its hart's run-queue lock is
 * released; the scheduler loop loads the kernel's table after a switch-out.
 * asid_lock is a leaf: no lock is taken under it.
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
#define STACK_INITIAL (64UL << 10)  /* the stack region at exec; grows on faults */

struct inode;

/* Where a region's pages come from. */
enum vma_kind {
    VMA_ANON,  /* zero-filled on first touch */
    VMA_FILE,  /* read from ip on first touch (bytes outside the file part: zero) */
    VMA_HEAP,  /* anonymous, moved by brk */
    VMA_STACK, /* anonymous, grows down on a fault below its start */
};

#define VMA_SHARED (1u << 0)  /* writes are seen by every mapping (no copy-on-write) */
#define VMA_NOWRITE (1u << 1) /* never writable: shared mapping of a file not open for writing */

/* Does this user PTE hold a frame (mapped, or kept under PROT_NONE)? */
static inline bool pte_has_frame(pte_t pte)
{
    return (pte & PTE_V) || (pte & PTE_PROTNONE);
}

struct vma {              /* every field (m), in mm->vmas */
    uintptr_t start, end; /* (m) [start, end), page aligned */
    uint64_t prot;        /* (m) PTE_R | PTE_W | PTE_X */
    enum vma_kind kind;   /* (m) */
    unsigned flags;       /* (m) VMA_SHARED */
    /* VMA_FILE: user bytes [file_va, file_va + file_len) hold the file's bytes
     * from file_off on; the rest of the region is zero (a segment's bss). */
    struct inode *ip;      /* (m) referenced while the region exists */
    uint64_t file_off;     /* (m) */
    uintptr_t file_va;     /* (m) */
    uint64_t file_len;     /* (m) */
    struct list_head link; /* (m) in mm->vmas, sorted by start */
};

/* Per-address-space counters, all (m); read by vminfo. */
struct mm_stats {
    size_t resident;   /* user pages mapped */
    size_t swapped;    /* PTEs that hold a swap slot */
    size_t rs_faults;  /* faults that brought a page into the limited resident set */
    size_t evictions;  /* pages this mm gave up (swapped out or dropped) */
    size_t minflt;     /* faults served without disk I/O */
    size_t majflt;     /* faults that read a page from disk */
    size_t cow_copies; /* write faults that copied a shared page */
    size_t cow_reuse;  /* write faults that found the page no longer shared */
};

struct mm_rset; /* resident-set limit (rset.c) */

struct mm {
    pagetable_t root;        /* (i) the page table's root page */
    struct sleeplock lock;   /* the (m) lock */
    struct list_head vmas;   /* (m) regions, sorted by start */
    struct vma **vindex;     /* (m) the same regions in an array, for binary search */
    int vindex_len;          /* (m) regions in it: as many as on the list */
    int vindex_cap;          /* (m) entries allocated */
    uintptr_t brk_base;      /* (m) start of the heap */
    uintptr_t brk;           /* (m) current break */
    struct mm_stats st;      /* (m) */
    struct mm_rset *rs;      /* (m) resident-set limit, NULL: none */
    uint16_t asid;           /* (a) written; read without it by the hart running the mm */
    uint64_t asid_gen;       /* (a) written; read without it in mm_activate's fast check */
    int users;               /* (t) its process, plus tools looking at it (mm_get) */
    int last_cpu;            /* (h) hart that last ran it, -1: none; read racily for shootdowns */
    volatile int active_cpu; /* (h) hart whose satp holds it now, -1: none; read racily */
    struct mm *reap_next;    /* (d) on the deferred-destruction list (uvm.c's reap lock) */
};

/* How a fault ended; trap.c turns it into a retry or a signal. */
enum vm_fault_result {
    VM_FAULT_OK,     /* the page is mapped: retry the access */
    VM_FAULT_SEGV,   /* no region there (SIGSEGV, SEGV_MAPERR) */
    VM_FAULT_ACCESS, /* the region forbids this access (SIGSEGV, SEGV_ACCERR) */
    VM_FAULT_BUS,    /* the region's file has no byte there (truncated) or I/O error (SIGBUS) */
    VM_FAULT_OOM,    /* no frame for it (the process is killed) */
};

void uvm_init(void); /* probe ASID bits; boot hart, after vm_init */
struct mm *mm_create(void);
/* Another reference (the caller keeps mm alive meanwhile, e.g. under proc_lock). */
void mm_get(struct mm *mm);
/* Another reference unless the last one is gone (the mm is being destroyed). */
bool mm_get_live(struct mm *mm);
/* Drop a reference; the last frees everything.  The process's own reference
 * is dropped only once the mm is active on no hart.  May sleep. */
void mm_put(struct mm *mm);
/* mm_put for a reclaimer (it may hold its own mm->lock): if that was the
 * last reference, the swap daemon destroys the mm later, outside any mm lock. */
void mm_put_deferred(struct mm *mm);
/* Destroy the address spaces mm_put_deferred left (the swap daemon). */
void mm_reap_deferred(void);

/* ---- regions (vma.c) ---- */
void vma_init(void); /* from uvm_init */
/* Add a region; 0, -EINVAL (overlap / out of range) or -ENOMEM.  For VMA_FILE
 * fill the file fields of *proto; it takes its own reference on proto->ip. */
int mm_add_vma(struct mm *mm, const struct vma *proto);
int vma_add_locked(struct mm *mm, const struct vma *proto);
struct vma *vma_find_locked(struct mm *mm, uintptr_t addr);
/* Would [start, end) run into a region other than skip (or a stack's gap)? */
bool vma_collides_locked(struct mm *mm, uintptr_t start, uintptr_t end, const struct vma *skip);
/* Regions come and go only through these two, which keep the list and the
 * index (vma.c) together.  Before linking, the caller reserves room for it
 * (0 or -ENOMEM, before anything changes); linking then cannot fail. */
int vma_index_reserve_locked(struct mm *mm, int more);
void vma_link_locked(struct mm *mm, struct vma *v);   /* v overlaps no region */
void vma_unlink_locked(struct mm *mm, struct vma *v); /* off the list (no unmapping) */
struct vma *vma_last_locked(struct mm *mm);           /* the highest region, or NULL */
/* Join v with the regions just below and above it where they are alike
 * (same kind, protection and sharing; pieces of one file mapping); the
 * regions that go are put on dead (vma_free after mm->lock).  Returns the
 * region that now holds v's range. */
struct vma *vma_merge_locked(struct mm *mm, struct vma *v, struct list_head *dead);
void vma_index_free(struct mm *mm);       /* mm_destroy, with no region left */
void vma_free(struct vma *v);             /* an unlinked region; call without mm->lock; may sleep */
struct vma *vma_dup(const struct vma *v); /* a copy, not linked; NULL: no memory */

/* ---- pages (uvm.c) ---- */
/* Copy bytes into mm's memory, faulting pages in (mm need not be active). */
int mm_write(struct mm *mm, uintptr_t va, const void *src, size_t n);
/* Unmap [start, end), dropping each frame's reference and flushing; mm->lock held. */
void mm_unmap_range_locked(struct mm *mm, uintptr_t start, uintptr_t end);
/* Drop one mapping's reference on a user frame (frees it at zero). */
void mm_page_put(paddr_t pa);
/* Flush va of mm from every TLB that may hold it (see the TLB rule). */
void mm_flush_page(struct mm *mm, uintptr_t va);
/* The same for a change made from another thread (reclaim). */
void mm_shootdown_page(struct mm *mm, uintptr_t va);
/* Flush va of mm only if mm is active on this hart (clearing an A bit). */
void mm_flush_page_if_here(struct mm *mm, uintptr_t va);
/* Fill a struct vminfo (abi/vminfo.h) from mm->st without mm->lock: a
 * snapshot of word-sized counters (the caller keeps mm alive). */
struct vminfo;
void mm_vminfo(struct mm *mm, struct vminfo *out);
/* ---- looking at an address space (inspect.c): for pmap and vmprint ---- */
struct vmregion;
struct vmpte;
/* Describe up to max regions into out; returns how many regions there are. */
int mm_regions(struct mm *mm, struct vmregion *out, int max);
/* Every valid PTE of the user half, depth first; returns how many there are. */
int mm_walk(struct mm *mm, struct vmpte *out, int max);
/* Load mm's page table on this hart (and its ASID, flushing as needed). */
void mm_activate(struct mm *mm);
/* Switch this hart back to the kernel page table. */
void mm_deactivate(void);

/* ---- faults (fault.c) ---- */
/* A user page fault at addr (kind of access: write / exec / read). */
enum vm_fault_result vm_fault(struct mm *mm, uintptr_t addr, bool write, bool exec);
enum vm_fault_result vm_fault_locked(struct mm *mm, uintptr_t addr, bool write, bool exec);

/* ---- mappings (mmap.c): the system calls' work; 0/address or -errno ---- */
struct file;
long mm_mmap(struct mm *mm, uintptr_t addr, size_t len, int prot, int flags, struct file *f,
             uint64_t off);
int mm_munmap(struct mm *mm, uintptr_t addr, size_t len);
int mm_mprotect(struct mm *mm, uintptr_t addr, size_t len, int prot);
int mm_msync(struct mm *mm, uintptr_t addr, size_t len, int flags);
/* Make start and end region boundaries (splitting); 0 or -ENOMEM. */
int mm_split_at_locked(struct mm *mm, uintptr_t start, uintptr_t end);
/* Take the regions inside [start, end) (split there first) out, unmapping their
 * pages; they go on dead, for vma_free after mm->lock is released. */
void mm_unmap_regions_locked(struct mm *mm, uintptr_t start, uintptr_t end, struct list_head *dead);
/* Write a shared file region's dirty pages in [start, end) back, clearing
 * their D bits first; mm->lock held. */
void mm_writeback_locked(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end);

/* ---- resident-set limit (rset.c) and eviction (evict.c) ---- */
/* Limit mm's pages of private anonymous mappings to `pages` frames,
 * replaced by `policy` ("clock", "fifo", "aging"); 0 pages: no limit.
 * 0, -EINVAL, -ENOMEM, or -ENOSPC without a swap device. */
int mm_set_limit(struct mm *mm, int pages, const char *policy);
/* Copy the limit (not the set) to a new image or a child; 0 or -ENOMEM. */
int mm_copy_limit(struct mm *from, struct mm *to);
void mm_rset_free(struct mm *mm);
/* A page was just mapped at va of region v: track it, evicting another
 * page of the set first if it is full.  mm->lock held; may sleep. */
void mm_rset_mapped_locked(struct mm *mm, struct vma *v, uintptr_t va);
void mm_rset_unmapped_locked(struct mm *mm, uintptr_t va);
/* Give up the page at va (swap it out, or drop a clean file page); 0,
 * -EBUSY (shared with another PTE, or not evictable), -ENOSPC, -EIO. */
int mm_evict_page_locked(struct mm *mm, uintptr_t va);
/* Read a swapped-out page back in for a fault; VM_FAULT_OK/OOM/BUS. */
enum vm_fault_result mm_swap_in_locked(struct mm *mm, struct vma *v, pte_t *pte, uintptr_t va);

/* ---- fork (fork.c) ---- */
/* A copy-on-write copy of src (the calling process's mm). */
int mm_fork(struct mm *src, struct mm **out);

/* ---- brk (brk.c) ---- */
/* Set the break (0: query); returns the new break or the old one on failure. */
uintptr_t mm_brk(struct mm *mm, uintptr_t addr);

/* ---- file-backed pages (vm_file.c): the mm's only door into the fs ---- */
/* Read up to n bytes of ip at off into kernel memory; bytes read or -errno. */
long vm_file_read(struct inode *ip, uint64_t off, void *dst, size_t n);
/* Write n bytes at off, never past the file's current end; may sleep. */
long vm_file_write(struct inode *ip, uint64_t off, const void *src, size_t n);
/* Commit everything written to ip's file system and wait (msync MS_SYNC). */
int vm_file_sync(struct inode *ip);
struct inode *vm_file_get(struct inode *ip); /* another reference */
void vm_file_put(struct inode *ip);          /* drop a reference; may sleep */

#endif
