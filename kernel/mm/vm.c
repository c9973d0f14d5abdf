/*
 * The kernel page table and kernel stacks.
 *
 * vm_init() replaces the boot page table (1 GiB pages, entry.S) with one
 * that enforces W^X: the image with per-section permissions, the direct map
 * of RAM read-write but never executable (and read-only over the image's text
 * and read-only data, so no writable alias of code exists), and MMIO regions
 * from the device tree.  All kernel mappings are global (G).
 *
 * Kernel stacks live in their own area, one 32 KiB slot each: 16 KiB of
 * unmapped guard, then the 16 KiB stack.  A freed stack keeps its frames and
 * mappings and goes on a free list for reuse, so no other hart can hold a
 * stale translation to a frame that was given to someone else.  Under
 * memory pressure kstack_reclaim() unmaps the cached stacks, shoots their
 * translations down on every hart (SBI RFENCE), and only then frees the
 * frames and lets the slots be mapped again.
 */
#include "mm/vm.h"
#include "mm/layout.h"
#include "mm/page.h"
#include "abi/errno.h"
#include "arch/riscv/tlb.h"
#include "arch/riscv/sbi.h"
#include "lib/fdt.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "sync/spinlock.h"

static pagetable_t kpt;
static uint64_t kpt_satp;
static struct spinlock kpt_lock = SPINLOCK_INIT("kpt");

#define KSTACK_SLOTS (KSTACK_AREA_SIZE / KSTACK_SLOT)
static uint32_t kstack_next_slot;  /* slots [0, next) have been used (k) */
static uintptr_t kstack_free_list; /* freed stack tops, linked through the stack (k) */
static size_t kstack_nfree;        /* stacks on the free list (k) */
static uint64_t kstack_unmapped[KSTACK_SLOTS / 64]; /* used slots given back, reusable (k) */

pte_t *pt_walk(pagetable_t root, uintptr_t va, bool alloc)
{
    pagetable_t pt = root;
    for (int level = 2; level > 0; level--) {
        pte_t *pte = &pt[PT_INDEX(va, level)];
        if (*pte & PTE_V) {
            if (PTE_IS_LEAF(*pte))
                return NULL; /* covered by a large page */
            pt = pa_to_kva(PTE_TO_PA(*pte));
            continue;
        }
        if (!alloc)
            return NULL;
        pagetable_t next = page_alloc_zeroed(0);
        if (!next)
            return NULL;
        *pte = PA_TO_PTE(kva_to_pa(next)) | PTE_V;
        pt = next;
    }
    return &pt[PT_INDEX(va, 0)];
}

/* Map one 2 MiB leaf at level 1. */
static int map_big(pagetable_t root, uintptr_t va, paddr_t pa, uint64_t perm)
{
    pte_t *l2 = &root[PT_INDEX(va, 2)];
    if (!(*l2 & PTE_V)) {
        pagetable_t t = page_alloc_zeroed(0);
        if (!t)
            return -ENOMEM;
        *l2 = PA_TO_PTE(kva_to_pa(t)) | PTE_V;
    }
    pagetable_t l1 = pa_to_kva(PTE_TO_PA(*l2));
    pte_t *pte = &l1[PT_INDEX(va, 1)];
    if (*pte & PTE_V)
        panic("pt_map: remap of %p", (void *)va);
    *pte = PA_TO_PTE(pa) | perm | PTE_V | PTE_A | PTE_D;
    return 0;
}

int pt_map(pagetable_t root, uintptr_t va, paddr_t pa, size_t size, uint64_t perm, bool big)
{
    const size_t MB2 = 2UL << 20;
    uintptr_t end = va + size;
    while (va < end) {
        if (big && (va % MB2) == 0 && (pa % MB2) == 0 && end - va >= MB2) {
            int err = map_big(root, va, pa, perm);
            if (err)
                return err;
            va += MB2;
            pa += MB2;
            continue;
        }
        pte_t *pte = pt_walk(root, va, true);
        if (!pte)
            return -ENOMEM;
        if (*pte & PTE_V)
            panic("pt_map: remap of %p", (void *)va);
        *pte = PA_TO_PTE(pa) | perm | PTE_V | PTE_A | PTE_D;
        va += PAGE_SIZE;
        pa += PAGE_SIZE;
    }
    return 0;
}

static void dump_run(uintptr_t va, paddr_t pa, size_t len, pte_t pte)
{
    printf("  %p-%p -> %p %c%c%c%c%c\n", (void *)va, (void *)(va + len), (void *)pa,
           pte & PTE_R ? 'r' : '-', pte & PTE_W ? 'w' : '-', pte & PTE_X ? 'x' : '-',
           pte & PTE_U ? 'u' : '-', pte & PTE_G ? 'g' : '-');
}

static void dump_level(pagetable_t pt, int level, uintptr_t base, uintptr_t *rva, paddr_t *rpa,
                       size_t *rlen, pte_t *rpte)
{
    for (int i = 0; i < 512; i++) {
        pte_t pte = pt[i];
        if (!(pte & PTE_V))
            continue;
        uintptr_t va = base | ((uintptr_t)i << (12 + 9 * level));
        if (level == 2 && i >= 256)
            va |= 0xffffff8000000000UL; /* sign-extend bit 38 */
        if (!PTE_IS_LEAF(pte)) {
            dump_level(pa_to_kva(PTE_TO_PA(pte)), level - 1, va, rva, rpa, rlen, rpte);
            continue;
        }
        size_t len = 1UL << (12 + 9 * level);
        paddr_t pa = PTE_TO_PA(pte);
        uint64_t flags = pte & 0x3ff;
        if (*rlen && *rva + *rlen == va && *rpa + *rlen == pa && (*rpte & 0x3ff) == flags) {
            *rlen += len;
            continue;
        }
        if (*rlen)
            dump_run(*rva, *rpa, *rlen, *rpte);
        *rva = va, *rpa = pa, *rlen = len, *rpte = pte;
    }
}

void pt_dump(pagetable_t root)
{
    uintptr_t va = 0;
    paddr_t pa = 0;
    size_t len = 0;
    pte_t pte = 0;
    printf("page table %p:\n", (void *)kva_to_pa(root));
    dump_level(root, 2, 0, &va, &pa, &len, &pte);
    if (len)
        dump_run(va, pa, len, pte);
}

/* Map [start, end) of the image at its link address and its direct-map alias. */
static void map_image_section(char *start, char *end, uint64_t perm)
{
    size_t size = ALIGN_UP((uintptr_t)end, PAGE_SIZE) - (uintptr_t)start;
    paddr_t pa = kva_to_pa(start);
    if (pt_map(kpt, (uintptr_t)start, pa, size, perm | PTE_G, false) ||
        pt_map(kpt, (uintptr_t)pa_to_kva(pa), pa, size, (perm & ~PTE_X) | PTE_G, false))
        panic("vm_init: out of memory mapping the kernel image");
}

static void map_dmap(paddr_t start, paddr_t end, uint64_t extra)
{
    if (start >= end)
        return;
    if (pt_map(kpt, (uintptr_t)pa_to_kva(start), start, end - start, PTE_R | PTE_W | PTE_G | extra,
               true))
        panic("vm_init: out of memory building the direct map");
}

static void map_mmio(const struct fdt_range *r, bool svpbmt)
{
    if (!r->base)
        return;
    paddr_t s = ALIGN_DOWN(r->base, PAGE_SIZE), e = ALIGN_UP(r->base + r->size, PAGE_SIZE);
    map_dmap(s, e, svpbmt ? PTE_PBMT_IO : 0);
}

void vm_init(const struct fdt_info *fi)
{
    kpt = page_alloc_zeroed(0);
    if (!kpt)
        panic("vm_init: no memory for the kernel page table");
    paddr_t img_lo = kva_to_pa(_kernel_start), img_hi = kva_to_pa(_kernel_end);

    map_image_section(_text_start, _text_end, PTE_R | PTE_X);
    map_image_section(_rodata_start, _rodata_end, PTE_R);
    map_image_section(_data_start, _bss_end, PTE_R | PTE_W);
    map_image_section(_ksyms_start, _ksyms_end, PTE_R);
    for (int i = 0; i < fi->nmem; i++) {
        paddr_t lo = fi->mem[i].base, hi = fi->mem[i].base + fi->mem[i].size;
        map_dmap(lo, MIN(hi, img_lo), 0);
        map_dmap(MAX(lo, img_hi), hi, 0);
    }
    map_mmio(&fi->uart, fi->has_svpbmt);
    map_mmio(&fi->plic, fi->has_svpbmt);
    map_mmio(&fi->rtc, fi->has_svpbmt);
    for (int i = 0; i < fi->nvirtio; i++)
        map_mmio(&fi->virtio[i], fi->has_svpbmt);
    /* Create the kernel-stack area's root entry now, so that it is shared. */
    if (!pt_walk(kpt, KSTACK_AREA, true))
        panic("vm_init: out of memory for the kernel stack area");

    kpt_satp = arch_make_satp(kva_to_pa(kpt), 0);
    vm_init_hart();
}

void vm_init_hart(void)
{
    arch_flush_all();
    arch_set_satp(kpt_satp);
    arch_flush_all();
}

uint64_t kernel_satp(void)
{
    return kpt_satp;
}

pagetable_t kernel_pagetable(void)
{
    return kpt;
}

bool kstack_is_guard(uintptr_t va)
{
    if (va < KSTACK_AREA || va >= KSTACK_AREA + KSTACK_AREA_SIZE)
        return false;
    return (va - KSTACK_AREA) % KSTACK_SLOT < KSTACK_SLOT - KSTACK_SIZE;
}

/* Unmap and free the stack pages mapped so far in a never-used slot. */
static void kstack_unmap_slot(uintptr_t lo)
{
    for (uintptr_t va = lo; va < lo + KSTACK_SIZE; va += PAGE_SIZE) {
        pte_t *pte = pt_walk(kpt, va, false);
        if (pte && (*pte & PTE_V)) {
            page_free(pa_to_kva(PTE_TO_PA(*pte)), 0);
            *pte = 0;
            arch_flush_page(va, 0); /* never used: no other hart can cache it */
        }
    }
}

/* Map a fresh slot's stack pages; 0, or -ENOMEM with nothing left mapped. */
static int kstack_map_slot(uintptr_t lo)
{
    for (uintptr_t va = lo; va < lo + KSTACK_SIZE; va += PAGE_SIZE) {
        void *frame = page_alloc(0);
        if (!frame || pt_map(kpt, va, kva_to_pa(frame), PAGE_SIZE, PTE_R | PTE_W | PTE_G, false)) {
            if (frame)
                page_free(frame, 0);
            kstack_unmap_slot(lo);
            return -ENOMEM;
        }
    }
    return 0;
}

/* A slot to map a new stack in (a given-back one first); -1 if none is left. */
static long kstack_pick_slot_locked(void)
{
    ASSERT_HELD(&kpt_lock);
    for (size_t w = 0; w < ARRAY_SIZE(kstack_unmapped); w++)
        for (int b = 0; kstack_unmapped[w] && b < 64; b++)
            if (kstack_unmapped[w] & (1UL << b))
                return (long)(w * 64 + b);
    return kstack_next_slot < KSTACK_SLOTS ? (long)kstack_next_slot : -1;
}

uintptr_t kstack_alloc(void)
{
    uintptr_t top = 0;
    spin_lock(&kpt_lock);
    if (kstack_free_list) {
        top = kstack_free_list;
        kstack_free_list = *(uintptr_t *)(top - sizeof(uintptr_t));
        kstack_nfree--;
    } else {
        long slot = kstack_pick_slot_locked();
        uintptr_t lo = KSTACK_AREA + slot * KSTACK_SLOT + (KSTACK_SLOT - KSTACK_SIZE);
        if (slot >= 0 && kstack_map_slot(lo) == 0) {
            if ((uint32_t)slot == kstack_next_slot)
                kstack_next_slot++;
            else
                kstack_unmapped[slot / 64] &= ~(1UL << (slot % 64));
            top = lo + KSTACK_SIZE;
        }
    }
    spin_unlock(&kpt_lock);
    return top;
}

/* Unmap one cached stack; its frames go on *frames (linked through their
 * first word, the first frame also holding slot + 1 in its second). */
static void kstack_unmap_cached_locked(uintptr_t top, void **frames)
{
    ASSERT_HELD(&kpt_lock);
    uintptr_t lo = top - KSTACK_SIZE;
    for (uintptr_t va = lo; va < top; va += PAGE_SIZE) {
        pte_t *pte = pt_walk(kpt, va, false);
        uintptr_t *frame = pa_to_kva(PTE_TO_PA(*pte));
        *pte = 0;
        frame[0] = (uintptr_t)*frames;
        frame[1] = va == lo ? (lo - KSTACK_AREA) / KSTACK_SLOT + 1 : 0;
        *frames = frame;
    }
}

size_t kstack_reclaim(void)
{
    void *frames = NULL;
    size_t n = 0;
    spin_lock(&kpt_lock);
    while (kstack_free_list) {
        uintptr_t top = kstack_free_list;
        kstack_free_list = *(uintptr_t *)(top - sizeof(uintptr_t));
        kstack_nfree--;
        kstack_unmap_cached_locked(top, &frames);
        n += KSTACK_SIZE / PAGE_SIZE;
    }
    spin_unlock(&kpt_lock);
    if (!n)
        return 0;
    /* No hart may still translate the old stacks before their frames go. */
    sbi_remote_sfence_vma(0, -1UL, KSTACK_AREA, KSTACK_AREA_SIZE);
    arch_flush_all();
    spin_lock(&kpt_lock);
    for (uintptr_t *f = frames; f; f = (uintptr_t *)f[0])
        if (f[1])
            kstack_unmapped[(f[1] - 1) / 64] |= 1UL << ((f[1] - 1) % 64);
    spin_unlock(&kpt_lock);
    while (frames) {
        void *next = *(void **)frames;
        page_free(frames, 0);
        frames = next;
    }
    return n;
}

void kstack_free(uintptr_t top)
{
    spin_lock(&kpt_lock);
    *(uintptr_t *)(top - sizeof(uintptr_t)) = kstack_free_list;
    kstack_free_list = top;
    kstack_nfree++;
    spin_unlock(&kpt_lock);
}

size_t kstack_cached_frames(void)
{
    spin_lock(&kpt_lock);
    size_t n = kstack_nfree * (KSTACK_SIZE / PAGE_SIZE);
    spin_unlock(&kpt_lock);
    return n;
}
