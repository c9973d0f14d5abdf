/* User address spaces: regions, page population, fork copies, brk, faults, ASIDs. */
#include "mm/uvm.h"
#include "mm/layout.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "abi/errno.h"
#include "arch/riscv/riscv.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "proc/cpu.h"
#include "sync/spinlock.h"

static struct kmem_cache *mm_cache, *vma_cache;
static struct spinlock asid_lock = SPINLOCK_INIT("asid");
static unsigned asid_bits;
static uint64_t asid_gen = 1;       /* (asid_lock) */
static uint32_t asid_next = 1;      /* (asid_lock) ASID 0 is the kernel's */
static uint64_t cpu_asid_gen[NCPU_MAX]; /* generation each hart last flushed for */

void uvm_init(void)
{
    uint64_t satp = csr_read(satp);
    csr_write(satp, satp | (0xffffUL << SATP_ASID_SHIFT));
    uint64_t probe = (csr_read(satp) >> SATP_ASID_SHIFT) & 0xffff;
    csr_write(satp, satp);
    sfence_vma_all();
    while (probe & 1)
        asid_bits++, probe >>= 1;
    mm_cache = kmem_cache_create("mm", sizeof(struct mm), 16);
    vma_cache = kmem_cache_create("vma", sizeof(struct vma), 16);
    if (!mm_cache || !vma_cache)
        panic("uvm_init: no memory");
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
    return mm;
}

static struct vma *find_vma(struct mm *mm, uintptr_t addr)
{
    struct list_head *e;
    list_for_each(e, &mm->vmas)
    {
        struct vma *v = list_entry(e, struct vma, link);
        if (addr >= v->start && addr < v->end)
            return v;
    }
    return NULL;
}

int mm_add_vma(struct mm *mm, uintptr_t start, uintptr_t end, uint64_t prot, enum vma_kind kind)
{
    struct list_head *e;
    if (start >= end || start < USER_BASE || end > USER_TOP || (start | end) % PAGE_SIZE)
        return -EINVAL;
    list_for_each(e, &mm->vmas)
    {
        struct vma *v = list_entry(e, struct vma, link);
        if (start < v->end && v->start < end)
            return -EINVAL;
        if (v->start >= end)
            break; /* insert before v: keeps the list sorted */
    }
    struct vma *v = kmem_cache_alloc(vma_cache);
    if (!v)
        return -ENOMEM;
    *v = (struct vma){.start = start, .end = end, .prot = prot, .kind = kind};
    list_insert_between(&v->link, e->prev, e);
    return 0;
}

/* Map one fresh zeroed page at va with the region's protection. */
static int map_zero_page(struct mm *mm, struct vma *v, uintptr_t va)
{
    pte_t *pte = pt_walk(mm->root, va, true);
    if (!pte)
        return -ENOMEM;
    if (*pte & PTE_V)
        return 0;
    void *page = page_alloc_zeroed(0);
    if (!page)
        return -ENOMEM;
    *pte = PA_TO_PTE(kva_to_pa(page)) | v->prot | PTE_U | PTE_V | PTE_A | PTE_D;
    mm->pages++;
    return 0;
}

int mm_populate(struct mm *mm, uintptr_t start, uintptr_t end)
{
    for (uintptr_t va = ALIGN_DOWN(start, PAGE_SIZE); va < end; va += PAGE_SIZE) {
        struct vma *v = find_vma(mm, va);
        if (!v)
            return -EFAULT;
        int err = map_zero_page(mm, v, va);
        if (err)
            return err;
    }
    return 0;
}

int mm_write(struct mm *mm, uintptr_t va, const void *src, size_t n)
{
    const uint8_t *s = src;
    while (n) {
        pte_t *pte = pt_walk(mm->root, ALIGN_DOWN(va, PAGE_SIZE), false);
        if (!pte || !(*pte & PTE_V))
            return -EFAULT;
        size_t m = MIN(n, PAGE_SIZE - va % PAGE_SIZE);
        memcpy((uint8_t *)pa_to_kva(PTE_TO_PA(*pte)) + va % PAGE_SIZE, s, m);
        va += m, s += m, n -= m;
    }
    return 0;
}

/* Unmap and free the pages of [start, end); the caller flushes the TLB. */
static void unmap_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
    for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
        pte_t *pte = pt_walk(mm->root, va, false);
        if (!pte || !(*pte & PTE_V))
            continue;
        page_free(pa_to_kva(PTE_TO_PA(*pte)), 0);
        *pte = 0;
        mm->pages--;
    }
}

/* Free the page-table pages of the user half (levels below the root). */
static void free_tables(pagetable_t pt, int level)
{
    for (int i = 0; i < 512; i++) {
        if (level == 2 && i >= 256)
            break; /* the kernel half is shared */
        pte_t pte = pt[i];
        if ((pte & PTE_V) && !PTE_IS_LEAF(pte)) {
            free_tables(pa_to_kva(PTE_TO_PA(pte)), level - 1);
            page_free(pa_to_kva(PTE_TO_PA(pte)), 0);
        }
    }
}

void mm_destroy(struct mm *mm)
{
    struct list_head *e;
    while ((e = list_pop_front(&mm->vmas)) != NULL) {
        struct vma *v = list_entry(e, struct vma, link);
        unmap_range(mm, v->start, v->end);
        kmem_cache_free(vma_cache, v);
    }
    free_tables(mm->root, 2);
    page_free(mm->root, 0);
    kmem_cache_free(mm_cache, mm);
}

static int copy_vmas(struct mm *src, struct mm *dst)
{
    struct list_head *e;
    list_for_each(e, &src->vmas)
    {
        struct vma *v = list_entry(e, struct vma, link);
        int err = mm_add_vma(dst, v->start, v->end, v->prot, v->kind);
        if (err)
            return err;
        for (uintptr_t va = v->start; va < v->end; va += PAGE_SIZE) {
            pte_t *spte = pt_walk(src->root, va, false);
            if (!spte || !(*spte & PTE_V))
                continue;
            pte_t *dpte = pt_walk(dst->root, va, true);
            void *page = page_alloc(0);
            if (!dpte || !page) {
                if (page)
                    page_free(page, 0);
                return -ENOMEM;
            }
            memcpy(page, pa_to_kva(PTE_TO_PA(*spte)), PAGE_SIZE);
            *dpte = PA_TO_PTE(kva_to_pa(page)) | (*spte & 0x3ff);
            dst->pages++;
        }
    }
    return 0;
}

int mm_fork(struct mm *src, struct mm **out)
{
    struct mm *dst = mm_create();
    if (!dst)
        return -ENOMEM;
    sleeplock_acquire(&src->lock);
    int err = copy_vmas(src, dst);
    dst->brk_base = src->brk_base;
    dst->brk = src->brk;
    sleeplock_release(&src->lock);
    if (err) {
        mm_destroy(dst);
        return err;
    }
    *out = dst;
    return 0;
}

static struct vma *heap_vma(struct mm *mm)
{
    struct list_head *e;
    list_for_each(e, &mm->vmas)
    {
        struct vma *v = list_entry(e, struct vma, link);
        if (v->kind == VMA_HEAP)
            return v;
    }
    return NULL;
}

/* Would [start, end) run into a region other than skip (or the stack's gap)? */
static bool collides(struct mm *mm, uintptr_t start, uintptr_t end, struct vma *skip)
{
    struct list_head *e;
    list_for_each(e, &mm->vmas)
    {
        struct vma *v = list_entry(e, struct vma, link);
        uintptr_t lo = v->kind == VMA_STACK ? v->start - USER_STACK_GAP : v->start;
        if (v != skip && start < v->end && lo < end)
            return true;
    }
    return false;
}

uintptr_t mm_brk(struct mm *mm, uintptr_t addr)
{
    sleeplock_acquire(&mm->lock);
    uintptr_t old = mm->brk, oldtop = ALIGN_UP(old, PAGE_SIZE);
    if (addr < mm->brk_base || addr >= USER_TOP)
        goto out;
    uintptr_t top = ALIGN_UP(addr, PAGE_SIZE);
    struct vma *heap = heap_vma(mm);
    if (top > oldtop) {
        if (collides(mm, oldtop, top, heap))
            goto out;
        if (!heap && mm_add_vma(mm, ALIGN_UP(mm->brk_base, PAGE_SIZE), top,
                                PTE_R | PTE_W, VMA_HEAP))
            goto out;
        heap = heap_vma(mm);
        heap->end = top;
        if (mm_populate(mm, oldtop, top)) { /* out of memory: undo */
            unmap_range(mm, oldtop, top);
            heap->end = oldtop;
            goto out;
        }
    } else if (top < oldtop && heap) {
        unmap_range(mm, top, oldtop);
        heap->end = top;
        sfence_vma_all(); /* this hart; others flush when the process moves */
    }
    mm->brk = addr;
out:
    addr = mm->brk;
    sleeplock_release(&mm->lock);
    return addr;
}

int vm_fault(struct mm *mm, uintptr_t addr, bool write, bool exec)
{
    int err = -EFAULT;
    if (!mm || addr >= USER_TOP)
        return -EFAULT;
    sleeplock_acquire(&mm->lock);
    struct vma *v = find_vma(mm, addr);
    if (!v || (write && !(v->prot & PTE_W)) || (exec && !(v->prot & PTE_X)) ||
        (!write && !exec && !(v->prot & PTE_R)))
        goto out;
    pte_t *pte = pt_walk(mm->root, ALIGN_DOWN(addr, PAGE_SIZE), false);
    if (pte && (*pte & PTE_V)) {
        err = 0; /* mapped meanwhile (or a stale TLB entry): just retry */
        sfence_vma_page(ALIGN_DOWN(addr, PAGE_SIZE));
        goto out;
    }
    /* Demand-zero: only the stack grows this way for now. */
    if (v->kind == VMA_STACK)
        err = map_zero_page(mm, v, ALIGN_DOWN(addr, PAGE_SIZE));
out:
    sleeplock_release(&mm->lock);
    return err;
}

void mm_activate(struct mm *mm)
{
    struct cpu *c = this_cpu();
    bool flush_all = false, flush_asid = false;
    spin_lock(&asid_lock);
    if (asid_bits) {
        if (mm->asid_gen != asid_gen) {
            if (asid_next >> asid_bits) { /* out of ASIDs: new generation */
                asid_gen++;
                asid_next = 1;
            }
            mm->asid = asid_next++;
            mm->asid_gen = asid_gen;
        }
        flush_all = cpu_asid_gen[c->id] != asid_gen;
        cpu_asid_gen[c->id] = asid_gen;
    }
    spin_unlock(&asid_lock);
    flush_asid = mm->last_cpu != c->id;
    mm->last_cpu = c->id;
    csr_write(satp, SATP_MODE_SV39 | ((uint64_t)mm->asid << SATP_ASID_SHIFT) |
                        (kva_to_pa(mm->root) >> 12));
    if (!asid_bits || flush_all)
        sfence_vma_all();
    else if (flush_asid)
        __asm__ volatile("sfence.vma zero, %0" ::"r"((uint64_t)mm->asid) : "memory");
}

void mm_deactivate(void)
{
    csr_write(satp, kernel_satp());
}
