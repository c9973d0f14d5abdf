/*
 * The buddy core on a malloc'd struct page array (no frames behind it): a
 * shadow map of frame owners checks that blocks never overlap, are aligned,
 * and that freeing everything coalesces back to the initial free lists.
 */
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include "mm_test.h"
#include "mm/buddy.h"
#include "mm/page.h"
#include "proc/cpu.h"

#define NPAGES 4096
#define BASE_PFN 0x80000UL

static struct buddy_zone z;
static struct page *pages;
static int shadow[NPAGES]; /* owner of each frame: 0 free, else 1 + thread */

struct snapshot {
    size_t nr_free;
    size_t blocks[BUDDY_MAX_ORDER + 1];
};

static void zone_make(uint64_t base_pfn, size_t npages)
{
    pages = calloc(npages, sizeof(struct page));
    ck_assert_ptr_nonnull(pages);
    buddy_init(&z, pages, base_pfn, npages);
    memset(shadow, 0, sizeof(shadow));
}

static void setup(void)
{
    zone_make(BASE_PFN, NPAGES);
    buddy_add_range(&z, BASE_PFN, NPAGES);
}

static void teardown(void)
{
    free(pages);
}

static void snap(struct snapshot *s)
{
    s->nr_free = z.nr_free;
    memcpy(s->blocks, z.nr_blocks, sizeof(s->blocks));
}

static void assert_snap_equal(const struct snapshot *a)
{
    struct snapshot b;
    snap(&b);
    ck_assert_uint_eq(a->nr_free, b.nr_free);
    for (int k = 0; k <= BUDDY_MAX_ORDER; k++)
        REQUIRE_MSG(a->blocks[k] == b.blocks[k], "order %d: %zu blocks, expected %zu", k,
                    b.blocks[k], a->blocks[k]);
}

/* Walk every free list and pcp: flags, alignment, counts, no allocated frame. */
static void check_zone(void)
{
    size_t frames = 0;
    for (int k = 0; k <= BUDDY_MAX_ORDER; k++) {
        size_t n = 0;
        struct list_head *pos;
        list_for_each (pos, &z.free_area[k]) {
            struct page *pg = list_entry(pos, struct page, list);
            uint64_t pfn = buddy_page_pfn(&z, pg);
            REQUIRE(pg->flags & PG_FREE);
            REQUIRE(pg->order == k);
            REQUIRE((pfn & ((1UL << k) - 1)) == 0);
            REQUIRE(pfn - z.base_pfn + (1UL << k) <= z.npages);
            for (size_t i = 0; i < (1UL << k); i++)
                if (z.npages == NPAGES && z.base_pfn == BASE_PFN)
                    REQUIRE(shadow[pfn - z.base_pfn + i] == 0);
            n++;
        }
        ck_assert_uint_eq(n, z.nr_blocks[k]);
        frames += n << k;
    }
    ck_assert_uint_eq(frames, z.nr_free);
    for (int c = 0; c < NCPU_MAX; c++) {
        size_t n = 0;
        struct list_head *pos;
        list_for_each (pos, &z.pcp[c].list) {
            REQUIRE(list_entry(pos, struct page, list)->flags & PG_PCP);
            n++;
        }
        ck_assert_uint_eq(n, z.pcp[c].count);
    }
}

START_TEST(test_init_canonical)
{
    ck_assert_uint_eq(z.nr_free, NPAGES);
    ck_assert_uint_eq(z.nr_blocks[BUDDY_MAX_ORDER], NPAGES >> BUDDY_MAX_ORDER);
    for (int k = 0; k < BUDDY_MAX_ORDER; k++)
        ck_assert_uint_eq(z.nr_blocks[k], 0);
    ck_assert_uint_eq(buddy_free_pages(&z), NPAGES);
    check_zone();
}
END_TEST

START_TEST(test_split_and_merge)
{
    struct snapshot s;
    snap(&s);
    struct page *a = buddy_alloc(&z, 1);
    ck_assert_ptr_nonnull(a);
    REQUIRE(a->flags & PG_ALLOC);
    ck_assert_int_eq(a->refcount, 1);
    /* Splitting one order-10 block leaves one free block of each order 1..9. */
    for (int k = 1; k < BUDDY_MAX_ORDER; k++)
        ck_assert_uint_eq(z.nr_blocks[k], 1);
    ck_assert_uint_eq(z.nr_free, NPAGES - 2);
    check_zone();
    buddy_free(&z, a, 1);
    assert_snap_equal(&s);
    check_zone();
}
END_TEST

START_TEST(test_order_too_big)
{
    ck_assert_ptr_null(buddy_alloc(&z, BUDDY_MAX_ORDER + 1));
    ck_assert_ptr_nonnull(buddy_alloc(&z, BUDDY_MAX_ORDER));
}
END_TEST

struct live {
    struct page *pg;
    unsigned order;
};

static unsigned random_order(uint64_t *rng)
{
    uint64_t r = rng_next(rng) % 100;
    if (r < 50)
        return 0;
    if (r < 95)
        return 1 + rng_next(rng) % 4;
    return rng_next(rng) % (BUDDY_MAX_ORDER + 1);
}

static void shadow_take(struct page *pg, unsigned order, int who)
{
    uint64_t idx = buddy_page_pfn(&z, pg) - z.base_pfn;
    REQUIRE_MSG((buddy_page_pfn(&z, pg) & ((1UL << order) - 1)) == 0, "misaligned block");
    REQUIRE(idx + (1UL << order) <= z.npages);
    for (size_t i = 0; i < (1UL << order); i++) {
        int zero = 0;
        REQUIRE_MSG(__atomic_compare_exchange_n(&shadow[idx + i], &zero, who, false,
                                                __ATOMIC_RELAXED, __ATOMIC_RELAXED),
                    "frame %lu handed out twice", (unsigned long)(idx + i));
    }
}

static void shadow_release(struct page *pg, unsigned order, int who)
{
    uint64_t idx = buddy_page_pfn(&z, pg) - z.base_pfn;
    for (size_t i = 0; i < (1UL << order); i++) {
        REQUIRE(shadow[idx + i] == who);
        __atomic_store_n(&shadow[idx + i], 0, __ATOMIC_RELAXED);
    }
}

/* n random alloc/free ops with up to nlive blocks; frees everything at the end. */
static size_t random_ops(uint64_t seed, int n, int who, bool check)
{
    enum { NLIVE = 256 };
    struct live live[NLIVE] = {{0}};
    uint64_t rng = seed;
    size_t fails = 0;
    for (int op = 0; op < n; op++) {
        struct live *l = &live[rng_next(&rng) % NLIVE];
        if (l->pg) {
            shadow_release(l->pg, l->order, who);
            buddy_free(&z, l->pg, l->order);
            l->pg = NULL;
        } else {
            l->order = random_order(&rng);
            l->pg = buddy_alloc(&z, l->order);
            if (l->pg)
                shadow_take(l->pg, l->order, who);
            else
                fails++;
        }
        REQUIRE(this_cpu()->noff == 0);
        if (check && op % 500 == 0)
            check_zone();
    }
    for (int i = 0; i < NLIVE; i++) {
        if (live[i].pg) {
            shadow_release(live[i].pg, live[i].order, who);
            buddy_free(&z, live[i].pg, live[i].order);
        }
    }
    return fails;
}

START_TEST(test_random_shadow)
{
    struct snapshot s;
    snap(&s);
    random_ops(0x9e3779b97f4a7c15ULL + (uint64_t)_i, 20000, 1, true);
    ck_assert_uint_eq(buddy_free_pages(&z), NPAGES); /* pcp counts as free */
    buddy_drain_local(&z);
    ck_assert_uint_eq(buddy_pcp_pages(&z), 0);
    check_zone();
    assert_snap_equal(&s);
}
END_TEST

START_TEST(test_exhaust_each_order)
{
    struct snapshot s;
    snap(&s);
    static struct page *got[NPAGES + 1];
    for (unsigned order = 0; order <= BUDDY_MAX_ORDER; order++) {
        size_t n = 0;
        while ((got[n] = buddy_alloc(&z, order)) != NULL) {
            shadow_take(got[n], order, 1);
            n++;
        }
        ck_assert_uint_eq(n, NPAGES >> order);
        ck_assert_uint_eq(buddy_free_pages(&z), 0);
        ck_assert_ptr_null(buddy_alloc(&z, 0));
        for (size_t i = 0; i < n; i++) {
            shadow_release(got[i], order, 1);
            buddy_free(&z, got[i], order);
        }
        buddy_drain_local(&z);
        check_zone();
        assert_snap_equal(&s);
    }
    ck_assert_uint_gt(z.nr_fail, BUDDY_MAX_ORDER);
}
END_TEST

/* A zone whose base is not aligned, with a hole: blocks stay aligned to
 * absolute pfns and never cover the hole. */
START_TEST(test_unaligned_base_and_hole)
{
    teardown();
    const uint64_t base = 0x80003;
    const size_t n = 1000;
    zone_make(base, n);
    buddy_add_range(&z, base, 100);
    buddy_add_range(&z, base + 105, n - 105);
    ck_assert_uint_eq(z.nr_managed, n - 5);
    ck_assert_uint_eq(z.nr_free, n - 5);
    check_zone();
    struct snapshot s;
    snap(&s);
    static struct page *got[1000 + 1];
    size_t cnt = 0;
    while ((got[cnt] = buddy_alloc(&z, 0)) != NULL) {
        uint64_t pfn = buddy_page_pfn(&z, got[cnt]);
        REQUIRE(pfn < base + 100 || pfn >= base + 105);
        REQUIRE(!(pages[pfn - base].flags & PG_RESERVED));
        cnt++;
    }
    ck_assert_uint_eq(cnt, n - 5);
    for (size_t i = 0; i < cnt; i++)
        buddy_free(&z, got[i], 0);
    buddy_drain_local(&z);
    check_zone();
    assert_snap_equal(&s);
    /* An order-3 block must start at a multiple of 8. */
    struct page *b = buddy_alloc(&z, 3);
    ck_assert_uint_eq(buddy_page_pfn(&z, b) % 8, 0);
}
END_TEST

START_TEST(test_pcp_batches)
{
    struct page *p = buddy_alloc(&z, 0);
    ck_assert_uint_eq(buddy_pcp_pages(&z), PCP_BATCH - 1);
    ck_assert_uint_eq(buddy_free_pages(&z), NPAGES - 1);
    buddy_free(&z, p, 0);
    ck_assert_uint_eq(buddy_pcp_pages(&z), PCP_BATCH);
    /* Freeing many order-0 pages never lets the pcp grow past PCP_HIGH. */
    static struct page *got[200];
    for (int i = 0; i < 200; i++)
        got[i] = buddy_alloc(&z, 0);
    for (int i = 0; i < 200; i++) {
        buddy_free(&z, got[i], 0);
        ck_assert_uint_le(z.pcp[0].count, PCP_HIGH);
    }
    ck_assert_uint_eq(buddy_free_pages(&z), NPAGES);
}
END_TEST

/* ---- invariant violations panic (SIGABRT from the shim) ---- */

START_TEST(test_double_free_order0)
{
    struct page *p = buddy_alloc(&z, 0);
    buddy_free(&z, p, 0);
    buddy_free(&z, p, 0);
}
END_TEST

START_TEST(test_double_free_order3)
{
    struct page *p = buddy_alloc(&z, 3);
    buddy_free(&z, p, 3);
    buddy_free(&z, p, 3);
}
END_TEST

START_TEST(test_free_wrong_order)
{
    struct page *p = buddy_alloc(&z, 2);
    buddy_free(&z, p, 1);
}
END_TEST

START_TEST(test_free_tail_page)
{
    struct page *p = buddy_alloc(&z, 2);
    buddy_free(&z, p + 1, 0);
}
END_TEST

START_TEST(test_free_reserved)
{
    teardown();
    zone_make(BASE_PFN, 16);
    buddy_add_range(&z, BASE_PFN + 8, 8);
    buddy_free(&z, &pages[0], 0);
}
END_TEST

/* ---- threads as harts ---- */

static void *stress_thread(void *arg)
{
    int id = (int)(intptr_t)arg;
    host_set_cpu(id);
    random_ops(0x1234567ULL * (uint64_t)(id + 1), 20000, id + 1, false);
    buddy_drain_local(&z);
    return NULL;
}

START_TEST(test_smp_stress)
{
    struct snapshot s;
    snap(&s);
    pthread_t t[NCPU_MAX];
    for (int i = 0; i < NCPU_MAX; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, stress_thread, (void *)(intptr_t)i), 0);
    for (int i = 0; i < NCPU_MAX; i++)
        pthread_join(t[i], NULL);
    check_zone();
    assert_snap_equal(&s);
}
END_TEST

Suite *buddy_suite(void)
{
    Suite *s = suite_create("buddy");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_init_canonical);
    tcase_add_test(tc, test_split_and_merge);
    tcase_add_test(tc, test_order_too_big);
    tcase_add_loop_test(tc, test_random_shadow, 0, 5);
    tcase_add_test(tc, test_exhaust_each_order);
    tcase_add_test(tc, test_unaligned_base_and_hole);
    tcase_add_test(tc, test_pcp_batches);
    tcase_add_test(tc, test_smp_stress);
    suite_add_tcase(s, tc);

    TCase *bad = tcase_create("panics");
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test_raise_signal(bad, test_double_free_order0, SIGABRT);
    tcase_add_test_raise_signal(bad, test_double_free_order3, SIGABRT);
    tcase_add_test_raise_signal(bad, test_free_wrong_order, SIGABRT);
    tcase_add_test_raise_signal(bad, test_free_tail_page, SIGABRT);
    tcase_add_test_raise_signal(bad, test_free_reserved, SIGABRT);
    suite_add_tcase(s, bad);
    return s;
}
