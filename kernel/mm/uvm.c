/*
 * User address spaces: creation and destruction, the frames they map
 * (reference counted, see uvm.h), writes into a not-yet-active image, TLB
 * flushes and ASIDs.  Regions are in vma.c, faults in fault.c, fork in
 * fork.c, brk in brk.c.
 */
#include "mm/uvm.h"
#include "mm/layout.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "mm/reclaim.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "abi/vminfo.h"
#include "abi/errno.h"
#include "arch/riscv/tlb.h"
#include "arch/riscv/sbi.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "proc/cpu.h"
#include "proc/oom.h"
#include "sync/spinlock.h"

static struct kmem_cache *mm_cache;
static struct spinlock asid_lock = SPINLOCK_INIT("asid");
static unsigned asid_bits;
static uint64_t asid_gen = 1;           /* (asid_lock) written; read without it (asid_update) */
static uint32_t asid_next = 1;          /* (asid_lock) ASID 0 is the kernel's */
static uint64_t cpu_asid_gen[NCPU_MAX]; /* generation each hart last flushed for */
static struct mm *cpu_mm[NCPU_MAX];     /* user mm in each hart's satp (that hart) */

void uvm_init(void)
{
    asid_bits = arch_asid_bits();
    mm_cache = kmem_cache_create("mm", sizeof(struct mm), 16);
    if (!mm_cache)
        panic("uvm_init: no memory");
    vma_init();
    rmap_init();
    printf("uvm: %u ASID bits\n", asid_bits);
}

struct mm *mm_create(void)
{
    struct mm *mm = kmem_cache_alloc(mm_cache);
    if (!mm)
        return NULL;
    memset(mm, 0, sizeof(*mm));
    mm->root = page_alloc_zeroed(0);
    if (!mm->root) {
        kmem_cache_free(mm_cache, mm);
        return NULL;
    }
    /* The kernel half: every root entry the kernel will ever use exists. */
    pagetable_t kpt = kernel_pagetable();
    for (int i = 256; i < 512; i++)
        mm->root[i] = kpt[i];
    sleeplock_init(&mm->lock, "mm");
    list_init(&mm->vmas);
    mm->last_cpu = -1;
    mm->active_cpu = -1;
    mm->users = 1;
    return mm;
}

static void mm_destroy(struct mm *mm);

void mm_get(struct mm *mm)
{
    __atomic_add_fetch(&mm->users, 1, __ATOMIC_RELAXED);
}

bool mm_get_live(struct mm *mm)
{
    int n = __atomic_load_n(&mm->users, __ATOMIC_RELAXED);
    while (n > 0)
        if (__atomic_compare_exchange_n(&mm->users, &n, n + 1, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return true;
    return false;
}

void mm_put(struct mm *mm)
{
    if (__atomic_sub_fetch(&mm->users, 1, __ATOMIC_ACQ_REL) == 0)
        mm_destroy(mm);
}

/* Address spaces whose last reference a reclaimer dropped (reap_lock). */
static struct spinlock reap_lock = SPINLOCK_INIT("mm_reap");
static struct mm *reap_list;

void mm_put_deferred(struct mm *mm)
{
    if (__atomic_sub_fetch(&mm->users, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    spin_lock(&reap_lock);
    mm->reap_next = reap_list;
    reap_list = mm;
    spin_unlock(&reap_lock);
    mm_reclaim_wake();
}

void mm_reap_deferred(void)
{
    spin_lock(&reap_lock);
    struct mm *list = reap_list;
    reap_list = NULL;
    spin_unlock(&reap_lock);
    while (list) {
        struct mm *next = list->reap_next;
        mm_destroy(list);
        list = next;
    }
}

int mm_write(struct mm *mm, uintptr_t va, const void *src, size_t n)
{
    const uint8_t *s = src;
    int err = 0;
    sleeplock_acquire_owner(&mm->lock); /* exec's new mm (sync/lockorder.h) */
    while (n) {
        uintptr_t page = ALIGN_DOWN(va, PAGE_SIZE);
        if (vm_fault_locked(mm, page, true, false) != VM_FAULT_OK) {
            err = -EFAULT;
            break;
        }
        pte_t *pte = pt_walk(mm->root, page, false);
        size_t m = MIN(n, PAGE_SIZE - va % PAGE_SIZE);
        memcpy((uint8_t *)pa_to_kva(PTE_TO_PA(*pte)) + va % PAGE_SIZE, s, m);
        va += m, s += m, n -= m;
    }
    sleeplock_release(&mm->lock);
    return err;
}

void mm_page_put(paddr_t pa)
{
    struct page *pg = pa_to_page(pa);
    if (page_ref_dec(pg) == 0) {
        pg->refcount = 1; /* page_free takes the block as allocated */
        page_free(pa_to_kva(pa), 0);
    }
}

void mm_flush_page(struct mm *mm, uintptr_t va)
{
    int cpu = mm->active_cpu;
    if (cpu == this_cpu()->id)
        arch_flush_page(va, mm->asid);
    else if (cpu >= 0)
        sbi_remote_sfence_vma_asid(1, cpus[cpu].hartid, va, PAGE_SIZE, mm->asid);
    /* Not active anywhere: the next hart to run it flushes its ASID first
     * unless it was the last to run it, and then it flushed here already
     * (a change made while it ran elsewhere is covered by that hart's
     * flush when it moved there). */
}

/* Flush va of mm's ASID on hart cpu (-1: none). */
static void flush_on(int cpu, struct mm *mm, uintptr_t va)
{
    if (cpu < 0)
        return;
    if (cpu == this_cpu()->id)
        arch_flush_page(va, mm->asid);
    else
        sbi_remote_sfence_vma_asid(1, cpus[cpu].hartid, va, PAGE_SIZE, mm->asid);
}

void mm_shootdown_page(struct mm *mm, uintptr_t va)
{
    /* Pairs with the fence in mm_activate: either this sees the hart that
     * is loading mm, or that hart's flush comes after the PTE change. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    intr_push();
    int active = __atomic_load_n(&mm->active_cpu, __ATOMIC_RELAXED);
    int last = __atomic_load_n(&mm->last_cpu, __ATOMIC_RELAXED);
    flush_on(active, mm, va);
    if (last != active)
        flush_on(last, mm, va);
    intr_pop();
}

void mm_flush_page_if_here(struct mm *mm, uintptr_t va)
{
    intr_push();
    if (__atomic_load_n(&mm->active_cpu, __ATOMIC_RELAXED) == this_cpu()->id)
        arch_flush_page(va, mm->asid);
    intr_pop();
}

/* Drop what one user PTE holds (a frame, whose reverse-map item is gone
 * already, or a swap slot) and clear it. */
static void unmap_pte_locked(struct mm *mm, uintptr_t va, pte_t *pte)
{
    if (pte_is_swap(*pte)) {
        swap_slot_put(PTE_SWAP_SLOT(*pte));
        *pte = 0;
        mm->st.swapped--;
    } else if (pte_has_frame(*pte)) {
        paddr_t pa = PTE_TO_PA(*pte);
        *pte = 0;
        mm_flush_page(mm, va); /* before the frame can go to anyone */
        mm_page_put(pa);
        mm->st.resident--;
        if (mm->rs)
            mm_rset_unmapped_locked(mm, va);
    }
}

/* Unmap [start, end) one level-0 table (2 MiB) at a time, skipping absent
 * ones; each table's reverse-map items go as one batch (rmap.h). */
void mm_unmap_range_locked(struct mm *mm, uintptr_t start, uintptr_t end)
{
    ASSERT(sleeplock_is_held(&mm->lock));
    const uintptr_t MB2 = 2UL << 20;
    for (uintptr_t chunk = ALIGN_DOWN(start, MB2); chunk < end; chunk += MB2) {
        pte_t *tab = pt_walk(mm->root, chunk, false);
        if (!tab)
            continue;
        uintptr_t lo = MAX(chunk, start), hi = MIN(chunk + MB2, end);
        rmap_del_range(mm, tab, chunk, PT_INDEX(lo, 0), PT_INDEX(hi - 1, 0) + 1);
        for (uintptr_t va = lo; va < hi; va += PAGE_SIZE)
            unmap_pte_locked(mm, va, &tab[PT_INDEX(va, 0)]);
    }
}

/*
 * Free the page-table pages below entries [0, n) of table pt at `level`
 * (2: the root, whose upper half is the shared kernel one).  Only tables
 * that exist are visited: level-0 tables hold nothing but leaves, so they
 * are freed without being read, and the others are scanned eight entries at
 * a time (the OR of eight words), so an absent stretch costs about two
 * instructions per entry.
 */
static void free_tables(pagetable_t pt, int level, int n)
{
    for (int i = 0; i < n; i += 8) {
        const pte_t *e = &pt[i];
        if (!((e[0] | e[1] | e[2] | e[3] | e[4] | e[5] | e[6] | e[7]) & PTE_V))
            continue;
        for (int j = 0; j < 8; j++) {
            if (!(e[j] & PTE_V) || PTE_IS_LEAF(e[j]))
                continue;
            pagetable_t child = pa_to_kva(PTE_TO_PA(e[j]));
            if (level > 1)
                free_tables(child, level - 1, 512);
            page_free(child, 0);
        }
    }
}

static void mm_destroy(struct mm *mm)
{
    struct list_head dead = LIST_HEAD_INIT(dead), *e;
    struct vma *v;
    sleeplock_acquire(&mm->lock);
    while ((v = vma_last_locked(mm)) != NULL) { /* from the top: nothing moves in the index */
        mm_writeback_locked(mm, v, v->start, v->end);
        mm_unmap_range_locked(mm, v->start, v->end);
        vma_unlink_locked(mm, v);
        list_push_back(&dead, &v->link);
    }
    vma_index_free(mm);
    mm_rset_free(mm);
    sleeplock_release(&mm->lock);
    while ((e = list_pop_front(&dead)) != NULL)
        vma_free(list_entry(e, struct vma, link));
    free_tables(mm->root, 2, 256); /* the upper half is the shared kernel one */
    page_free(mm->root, 0);
    oom_mm_destroyed(mm); /* its frames are free: an OOM victim's are back */
    kmem_cache_free(mm_cache, mm);
}

/*
 * Give mm an ASID of the current generation if its own is older; true if
 * this hart must flush its whole TLB (its first ASID of a new generation).
 * The lock is taken only when something changes: an mm whose ASID is of the
 * current generation, on a hart that already flushed for it, costs two
 * loads.  (A generation that starts just after that check is harmless: the
 * mm keeps its old ASID until it is next activated, as a running one does,
 * and every hart flushes before it uses an ASID of the new generation.)
 */
static bool asid_update(struct mm *mm, int cpu)
{
    bool flush_all = false;
    uint64_t gen = __atomic_load_n(&asid_gen, __ATOMIC_ACQUIRE);
    if (asid_bits && mm->asid_gen == gen && cpu_asid_gen[cpu] == gen)
        return false;
    spin_lock(&asid_lock);
    if (asid_bits) {
        if (mm->asid_gen != asid_gen) {
            if (asid_next >> asid_bits) { /* out of ASIDs: new generation */
                __atomic_store_n(&asid_gen, asid_gen + 1, __ATOMIC_RELEASE);
                asid_next = 1;
            }
            mm->asid = asid_next++;
            mm->asid_gen = asid_gen;
        }
        flush_all = cpu_asid_gen[cpu] != asid_gen;
        cpu_asid_gen[cpu] = asid_gen;
    }
    spin_unlock(&asid_lock);
    return flush_all;
}

void mm_activate(struct mm *mm)
{
    intr_push(); /* stay on this hart while its state changes */
    struct cpu *c = this_cpu();
    bool flush_all = asid_update(mm, c->id), flush_asid;
    flush_asid = mm->last_cpu != c->id;
    mm->last_cpu = c->id;
    if (cpu_mm[c->id] && cpu_mm[c->id] != mm)
        cpu_mm[c->id]->active_cpu = -1;
    cpu_mm[c->id] = mm;
    mm->active_cpu = c->id;
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* pairs with mm_shootdown_page */
    arch_set_satp(arch_make_satp(kva_to_pa(mm->root), mm->asid));
    if (!asid_bits || flush_all)
        arch_flush_all();
    else if (flush_asid)
        arch_flush_asid(mm->asid);
    intr_pop();
}

void mm_deactivate(void)
{
    intr_push();
    struct cpu *c = this_cpu();
    if (cpu_mm[c->id]) {
        cpu_mm[c->id]->active_cpu = -1;
        cpu_mm[c->id] = NULL;
    }
    arch_set_satp(kernel_satp());
    intr_pop();
}

void mm_vminfo(struct mm *mm, struct vminfo *out)
{
    memset(out, 0, sizeof(*out));
    out->resident = __atomic_load_n(&mm->st.resident, __ATOMIC_RELAXED);
    out->swapped = __atomic_load_n(&mm->st.swapped, __ATOMIC_RELAXED);
    out->limit_faults = __atomic_load_n(&mm->st.rs_faults, __ATOMIC_RELAXED);
    out->evictions = __atomic_load_n(&mm->st.evictions, __ATOMIC_RELAXED);
    out->minflt = __atomic_load_n(&mm->st.minflt, __ATOMIC_RELAXED);
    out->majflt = __atomic_load_n(&mm->st.majflt, __ATOMIC_RELAXED);
    out->cow_copies = __atomic_load_n(&mm->st.cow_copies, __ATOMIC_RELAXED);
    out->cow_reuse = __atomic_load_n(&mm->st.cow_reuse, __ATOMIC_RELAXED);
}
