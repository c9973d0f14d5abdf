/*
 * page_init() and the page_* API on a fake RAM: an 8 MiB malloc'd arena that
 * the shim's direct map puts at pa 0x80000000.
 */
#include <stdlib.h>
#include <string.h>
#include "mm_test.h"
#include "mm/page.h"
#include "mm/layout.h"
#include "proc/cpu.h"

#define RAM_BASE 0x80000000UL
#define RAM_PAGES 2048
#define RAM_END (RAM_BASE + RAM_PAGES * PAGE_SIZE)
#define FIRST_FREE (RAM_BASE + 0x20000) /* 32 frames of "firmware + image" */

static void *arena;
static const struct fdt_range resv[] = {
    {RAM_BASE + 0x400000, 3 * PAGE_SIZE}, /* 3 frames */
    {RAM_BASE + 0x500000 + 123, 10},      /* 10 bytes inside 1 frame */
    {RAM_END - PAGE_SIZE, 2 * PAGE_SIZE}, /* last frame, runs past RAM */
};
#define NRESV_FRAMES (3 + 1 + 1)

/* frames taken by the struct page array */
static size_t array_frames(void)
{
    return ALIGN_UP(RAM_PAGES * sizeof(struct page), PAGE_SIZE) / PAGE_SIZE;
}

static void setup(void)
{
    arena = arena_create(RAM_BASE, RAM_PAGES);
    page_init(RAM_BASE, RAM_END, FIRST_FREE, resv, 3);
}

static void teardown(void)
{
    free(arena);
}

static bool is_reserved_pa(paddr_t pa)
{
    if (pa < FIRST_FREE + array_frames() * PAGE_SIZE)
        return true;
    for (size_t i = 0; i < ARRAY_SIZE(resv); i++)
        if (pa + PAGE_SIZE > resv[i].base && pa < resv[i].base + resv[i].size)
            return true;
    return false;
}

START_TEST(test_init_counts)
{
    struct page_stats st;
    page_stats(&st);
    ck_assert_uint_eq(st.total, RAM_PAGES);
    ck_assert_uint_eq(st.reserved, 32 + array_frames() + NRESV_FRAMES);
    ck_assert_uint_eq(st.free, RAM_PAGES - st.reserved);
    ck_assert_uint_eq(page_free_count(), st.free);
    size_t sum = st.pcp;
    for (int k = 0; k <= BUDDY_MAX_ORDER; k++)
        sum += st.free_blocks[k] << k;
    ck_assert_uint_eq(sum, st.free);
    /* The page array lives at first_free, and its own frames are reserved. */
    ck_assert_ptr_eq(pa_to_page(RAM_BASE), pa_to_kva(FIRST_FREE));
    REQUIRE(pa_to_page(FIRST_FREE)->flags & PG_RESERVED);
    REQUIRE(pa_to_page(RAM_BASE)->flags & PG_RESERVED);
    REQUIRE(pa_to_page(RAM_BASE + 0x500000)->flags & PG_RESERVED);
}
END_TEST

START_TEST(test_conversions)
{
    void *p = page_alloc(2);
    ck_assert_ptr_nonnull(p);
    struct page *pg = kva_to_page(p);
    ck_assert_ptr_eq(page_to_kva(pg), p);
    ck_assert_ptr_eq(pa_to_page(page_to_pa(pg)), pg);
    ck_assert_uint_eq(page_to_pa(pg) % (4 * PAGE_SIZE), 0);
    ck_assert_ptr_eq(kva_to_page((char *)p + 5000), pg + 1);
    ck_assert_ptr_null(pa_to_page(RAM_END));
    ck_assert_ptr_null(pa_to_page(RAM_BASE - PAGE_SIZE));
    ck_assert_uint_eq(pg->order, 2);
    page_free(p, 2);
}
END_TEST

START_TEST(test_exhaust_avoids_reserved)
{
    size_t start = page_free_count();
    struct page_stats st0, st1;
    page_drain_local();
    page_stats(&st0);
    static void *got[RAM_PAGES];
    size_t n = 0;
    while ((got[n] = page_alloc(0)) != NULL) {
        paddr_t pa = kva_to_pa(got[n]);
        REQUIRE_MSG(!is_reserved_pa(pa), "reserved frame %lx handed out", (unsigned long)pa);
        memset(got[n], 0x5a, PAGE_SIZE); /* ASan: inside the arena */
        n++;
    }
    ck_assert_uint_eq(n, start);
    ck_assert_uint_eq(page_free_count(), 0);
    ck_assert_ptr_null(page_alloc_zeroed(0));
    for (size_t i = 0; i < n; i++)
        page_free(got[i], 0);
    ck_assert_uint_eq(page_free_count(), start);
    page_drain_local();
    page_stats(&st1);
    ck_assert_uint_eq(st1.pcp, 0);
    ck_assert_mem_eq(st0.free_blocks, st1.free_blocks, sizeof(st0.free_blocks));
    ck_assert_uint_gt(st1.failed, 0);
}
END_TEST

START_TEST(test_zeroed)
{
    unsigned order = (unsigned)_i;
    char *p = page_alloc(order);
    memset(p, 0xaa, PAGE_SIZE << order);
    page_free(p, order);
    char *q = page_alloc_zeroed(order);
    ck_assert_ptr_eq(p, q); /* LIFO reuse: the dirty block came back */
    for (size_t i = 0; i < (PAGE_SIZE << order); i++)
        REQUIRE(q[i] == 0);
    page_free(q, order);
}
END_TEST

START_TEST(test_refcount)
{
    void *p = page_alloc(0);
    struct page *pg = kva_to_page(p);
    ck_assert_int_eq(pg->refcount, 1);
    ck_assert_int_eq(page_ref_inc(pg), 2);
    ck_assert_int_eq(page_ref_dec(pg), 1);
    ck_assert_int_eq(page_ref_dec(pg), 0);
    page_free(p, 0);
    ck_assert_int_eq(this_cpu()->noff, 0);
}
END_TEST

START_TEST(test_free_not_ram)
{
    static char buf[2 * PAGE_SIZE];
    page_free((void *)ALIGN_UP((uintptr_t)buf, PAGE_SIZE), 0);
}
END_TEST

START_TEST(test_free_unaligned)
{
    char *p = page_alloc(0);
    page_free(p + 8, 0);
}
END_TEST

Suite *page_suite(void)
{
    Suite *s = suite_create("page");
    TCase *tc = tcase_create("page");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_init_counts);
    tcase_add_test(tc, test_conversions);
    tcase_add_test(tc, test_exhaust_avoids_reserved);
    tcase_add_loop_test(tc, test_zeroed, 0, 4);
    tcase_add_test(tc, test_refcount);
    tcase_add_test_raise_signal(tc, test_free_not_ram, SIGABRT);
    tcase_add_test_raise_signal(tc, test_free_unaligned, SIGABRT);
    suite_add_tcase(s, tc);
    return s;
}
