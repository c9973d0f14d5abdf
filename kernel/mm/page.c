/*
 * The frame allocator: one buddy zone over all RAM, plus the struct page
 * array that describes every frame.  page_init() carves the array out of
 * RAM right after the kernel image:
 *
 *   ram_base      first_free     page array end               ram_end
 *   | firmware,   | struct page  |  buddy zone (minus resv[])   |
 *   | image       | [npages]     |                              |
 *   '--reserved------------------'
 */
#include "mm/page.h"
#include "mm/layout.h"
#include "lib/printf.h"
#include "lib/string.h"

static struct buddy_zone zone;
struct page *page_array; /* page.h: set here once, then read-only */
uint64_t page_base_pfn;
size_t page_count;

static bool overlaps_resv(paddr_t pa, const struct fdt_range *resv, int nresv)
{
    for (int i = 0; i < nresv; i++)
        if (pa + PAGE_SIZE > resv[i].base && pa < resv[i].base + resv[i].size)
            return true;
    return false;
}

void page_init(paddr_t ram_base, paddr_t ram_end, paddr_t first_free, const struct fdt_range *resv,
               int nresv)
{
    ram_base = ALIGN_UP(ram_base, PAGE_SIZE);
    ram_end = ALIGN_DOWN(ram_end, PAGE_SIZE);
    first_free = ALIGN_UP(first_free, PAGE_SIZE);
    if (ram_end <= ram_base || first_free < ram_base || first_free >= ram_end)
        panic("page_init: bad RAM [%lx, %lx) first free %lx", ram_base, ram_end, first_free);

    size_t npages = (ram_end - ram_base) >> PAGE_SHIFT;
    size_t array_bytes = ALIGN_UP(npages * sizeof(struct page), PAGE_SIZE);
    paddr_t avail = first_free + array_bytes;
    if (avail >= ram_end)
        panic("page_init: no room for %zu struct pages", npages);

    struct page *pages = pa_to_kva(first_free);
    memset(pages, 0, array_bytes);
    buddy_init(&zone, pages, ram_base >> PAGE_SHIFT, npages);
    page_array = pages;
    page_base_pfn = ram_base >> PAGE_SHIFT;
    page_count = npages;

    /* Hand every maximal run of usable frames to the zone. */
    paddr_t run = 0;
    size_t nrun = 0;
    for (paddr_t pa = avail; pa < ram_end; pa += PAGE_SIZE) {
        if (overlaps_resv(pa, resv, nresv)) {
            if (nrun)
                buddy_add_range(&zone, run >> PAGE_SHIFT, nrun);
            nrun = 0;
            continue;
        }
        if (nrun++ == 0)
            run = pa;
    }
    if (nrun)
        buddy_add_range(&zone, run >> PAGE_SHIFT, nrun);
}

size_t page_nr_frames(void)
{
    return zone.npages;
}

struct page *page_nth(size_t i)
{
    return &zone.pages[i];
}

void *page_alloc(unsigned order)
{
    struct page *pg = buddy_alloc(&zone, order);
    return pg ? page_to_kva(pg) : NULL;
}

void *page_alloc_zeroed(unsigned order)
{
    void *p = page_alloc(order);
    if (p)
        memset(p, 0, PAGE_SIZE << order);
    return p;
}

void page_free(void *kva, unsigned order)
{
    struct page *pg = kva_to_page(kva);
    if (!pg || ((uintptr_t)kva & (PAGE_SIZE - 1)))
        panic("page_free: %p is not a page of RAM", kva);
    buddy_free(&zone, pg, order);
}

void page_stats(struct page_stats *out)
{
    spin_lock(&zone.lock);
    out->total = zone.npages;
    out->reserved = zone.npages - zone.nr_managed;
    out->failed = zone.nr_fail;
    for (int k = 0; k <= BUDDY_MAX_ORDER; k++)
        out->free_blocks[k] = zone.nr_blocks[k];
    out->pcp = buddy_pcp_pages(&zone);
    out->free = zone.nr_free + out->pcp;
    spin_unlock(&zone.lock);
}

size_t page_free_count(void)
{
    return buddy_free_pages(&zone);
}

void page_drain_local(void)
{
    buddy_drain_local(&zone);
}
