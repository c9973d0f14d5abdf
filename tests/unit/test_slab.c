/*
 * Slab caches and kmalloc over page_init() on a 16 MiB fake RAM.  Objects are
 * filled with a pattern naming their owner; the pattern is checked before
 * each free, so two live objects sharing memory are caught.
 */
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include "mm_test.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "mm/layout.h"
#include "proc/cpu.h"

#define RAM_BASE 0x80000000UL
#define RAM_PAGES 4096
#define RAM_END (RAM_BASE + RAM_PAGES * PAGE_SIZE)

static void *arena;
static size_t baseline; /* free frames after slab_init, caches drained */

static void setup(void)
{
    arena = arena_create(RAM_BASE, RAM_PAGES);
    page_init(RAM_BASE, RAM_END, RAM_BASE + 0x10000, NULL, 0);
    slab_init();
    kmem_drain_local();
    baseline = page_free_count();
}

static void teardown(void)
{
    free(arena);
}

/* Everything freed: after draining, the frames are back. */
static void assert_back_to_baseline(void)
{
    kmem_drain_local();
    ck_assert_uint_eq(page_free_count(), baseline);
    ck_assert_int_eq(this_cpu()->noff, 0);
}

struct obj {
    unsigned char *p;
    size_t size;
    unsigned char tag;
};

static void obj_fill(struct obj *o)
{
    memset(o->p, o->tag, o->size);
}

static void obj_check(const struct obj *o)
{
    for (size_t i = 0; i < o->size; i++)
        REQUIRE_MSG(o->p[i] == o->tag, "object %p overwritten at %zu", (void *)o->p, i);
}

static int cmp_obj(const void *a, const void *b)
{
    const struct obj *x = a, *y = b;
    return x->p < y->p ? -1 : x->p > y->p;
}

/* No two objects overlap: sort by address, compare neighbours. */
static void assert_disjoint(struct obj *objs, size_t n)
{
    qsort(objs, n, sizeof(*objs), cmp_obj);
    for (size_t i = 1; i < n; i++)
        REQUIRE_MSG(objs[i - 1].p + objs[i - 1].size <= objs[i].p, "objects overlap");
}

static size_t class_of(size_t size)
{
    size_t c = 16;
    while (c < size)
        c <<= 1;
    return c;
}

START_TEST(test_kmalloc_every_class)
{
    static const size_t sizes[] = {1,   8,   15,  16,  17,   31,   32,   33,   64,   100,  128, 200,
                                   256, 300, 512, 513, 1000, 1024, 2000, 2048, 2049, 4095, 4096};
    enum { PER = 40 };
    static struct obj objs[ARRAY_SIZE(sizes) * PER];
    size_t n = 0;
    for (size_t r = 0; r < PER; r++) {
        for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
            struct obj *o = &objs[n];
            o->size = sizes[i];
            o->tag = (unsigned char)n;
            o->p = kmalloc(o->size);
            ck_assert_ptr_nonnull(o->p);
            REQUIRE((uintptr_t)o->p % class_of(o->size) == 0);
            obj_fill(o);
            n++;
        }
    }
    for (size_t i = 0; i < n; i++)
        obj_check(&objs[i]);
    assert_disjoint(objs, n);
    for (size_t i = 0; i < n; i++)
        kfree(objs[i].p);
    assert_back_to_baseline();
}
END_TEST

START_TEST(test_kmalloc_large)
{
    static const size_t sizes[] = {4097, 8192, 10000, 65536, 100000, PAGE_SIZE << BUDDY_MAX_ORDER};
    struct obj objs[ARRAY_SIZE(sizes)];
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        objs[i] = (struct obj){kmalloc(sizes[i]), sizes[i], (unsigned char)(i + 1)};
        ck_assert_ptr_nonnull(objs[i].p);
        ck_assert_uint_eq((uintptr_t)objs[i].p % PAGE_SIZE, 0);
        struct page *pg = kva_to_page(objs[i].p);
        REQUIRE(pg->flags & PG_LARGE);
        ck_assert_uint_eq(PAGE_SIZE << pg->order,
                          class_of(sizes[i]) < PAGE_SIZE ? PAGE_SIZE : class_of(sizes[i]));
        obj_fill(&objs[i]);
    }
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
        obj_check(&objs[i]);
    assert_disjoint(objs, ARRAY_SIZE(sizes));
    ck_assert_ptr_null(kmalloc((PAGE_SIZE << BUDDY_MAX_ORDER) + 1));
    ck_assert_ptr_null(kmalloc((size_t)-1));
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
        kfree(objs[i].p);
    assert_back_to_baseline();
}
END_TEST

START_TEST(test_kmalloc_zero_and_null)
{
    ck_assert_ptr_null(kmalloc(0));
    ck_assert_ptr_null(kzalloc(0));
    kfree(NULL);
    unsigned char *p = kmalloc(64);
    memset(p, 0xff, 64);
    kfree(p);
    unsigned char *q = kzalloc(64);
    ck_assert_ptr_eq(p, q); /* the magazine hands back the same object */
    for (int i = 0; i < 64; i++)
        REQUIRE(q[i] == 0);
    kfree(q);
    assert_back_to_baseline();
}
END_TEST

/* Several named caches, random interleaved alloc/free, then destroy. */
START_TEST(test_caches_random)
{
    static const size_t sizes[] = {8, 24, 72, 200, 1000, 3000, 5000};
    static const size_t aligns[] = {0, 8, 16, 64, 128, 8, 4096};
    enum { NC = ARRAY_SIZE(sizes), NLIVE = 3000 };
    struct kmem_cache *c[NC];
    for (size_t i = 0; i < NC; i++) {
        c[i] = kmem_cache_create("test", sizes[i], aligns[i]);
        ck_assert_ptr_nonnull(c[i]);
    }
    static struct obj live[NLIVE];
    static size_t which[NLIVE];
    uint64_t rng = 0xdeadbeefULL + (uint64_t)_i;
    for (int op = 0; op < 30000; op++) {
        size_t k = rng_next(&rng) % NLIVE;
        struct obj *o = &live[k];
        if (o->p) {
            obj_check(o);
            kmem_cache_free(c[which[k]], o->p);
            o->p = NULL;
            continue;
        }
        which[k] = rng_next(&rng) % NC;
        o->p = kmem_cache_alloc(c[which[k]]);
        if (!o->p)
            continue; /* out of memory is allowed */
        o->size = sizes[which[k]];
        o->tag = (unsigned char)rng_next(&rng);
        size_t a = aligns[which[k]] ? aligns[which[k]] : 8;
        REQUIRE((uintptr_t)o->p % a == 0);
        obj_fill(o);
    }
    static struct obj sorted[NLIVE];
    size_t n = 0;
    for (size_t k = 0; k < NLIVE; k++)
        if (live[k].p)
            sorted[n++] = live[k];
    assert_disjoint(sorted, n);
    struct kmem_cache_stats st;
    size_t inuse = 0;
    for (size_t i = 0; i < NC; i++) {
        kmem_cache_get_stats(c[i], &st);
        ck_assert_uint_le(st.inuse + st.cached, st.total);
        inuse += st.inuse;
    }
    ck_assert_uint_eq(inuse, n);
    for (size_t k = 0; k < NLIVE; k++)
        if (live[k].p) {
            obj_check(&live[k]);
            kmem_cache_free(c[which[k]], live[k].p);
        }
    for (size_t i = 0; i < NC; i++)
        kmem_cache_destroy(c[i]);
    assert_back_to_baseline();
}
END_TEST

START_TEST(test_cache_stats)
{
    struct kmem_cache *c = kmem_cache_create("stats", 100, 0);
    struct kmem_cache_stats st;
    void *o[50];
    for (int i = 0; i < 50; i++)
        o[i] = kmem_cache_alloc(c);
    kmem_cache_get_stats(c, &st);
    ck_assert_uint_eq(st.objsize, 104);
    ck_assert_uint_eq(st.inuse, 50);
    ck_assert_uint_ge(st.total, 50);
    ck_assert_uint_eq(st.total % (st.slabs ? st.slabs : 1), 0);
    kmem_cache_stats_print();
    for (int i = 0; i < 50; i++)
        kmem_cache_free(c, o[i]);
    kmem_cache_get_stats(c, &st);
    ck_assert_uint_eq(st.inuse, 0);
    kmem_cache_destroy(c);
    assert_back_to_baseline();
}
END_TEST

START_TEST(test_create_invalid)
{
    ck_assert_ptr_null(kmem_cache_create("zero", 0, 0));
    ck_assert_ptr_null(kmem_cache_create("align3", 64, 3));
    ck_assert_ptr_null(kmem_cache_create("align8k", 64, 2 * PAGE_SIZE));
    ck_assert_ptr_null(kmem_cache_create("huge", (PAGE_SIZE << BUDDY_MAX_ORDER) + 1, 0));
    assert_back_to_baseline();
}
END_TEST

/* Allocate until NULL (no panic), free everything, get every frame back. */
START_TEST(test_out_of_memory)
{
    static const size_t sizes[] = {256, 4096, 20000};
    size_t size = sizes[_i];
    size_t cap = RAM_PAGES * PAGE_SIZE / size + 16, n = 0;
    void **ptrs = calloc(cap, sizeof(void *));
    while (n < cap && (ptrs[n] = kmalloc(size)) != NULL)
        n++;
    ck_assert_uint_lt(n, cap);
    ck_assert_uint_gt(n, 0);
    ck_assert_ptr_null(kmalloc(size));
    struct kmem_cache *c = kmem_cache_create("oom", 64, 0);
    if (c) { /* may fail too: the struct kmem_cache needs memory */
        void *o = kmem_cache_alloc(c);
        if (o)
            kmem_cache_free(c, o);
    }
    for (size_t i = 0; i < n; i++)
        kfree(ptrs[i]);
    if (c)
        kmem_cache_destroy(c);
    free(ptrs);
    assert_back_to_baseline();
}
END_TEST

/* ---- invariant violations ---- */

START_TEST(test_destroy_in_use)
{
    struct kmem_cache *c = kmem_cache_create("leak", 32, 0);
    ck_assert_ptr_nonnull(kmem_cache_alloc(c));
    kmem_cache_destroy(c);
}
END_TEST

START_TEST(test_kfree_double)
{
    void *p = kmalloc(32);
    kfree(p);
    kfree(p);
}
END_TEST

START_TEST(test_kfree_double_large)
{
    void *p = kmalloc(3 * PAGE_SIZE);
    kfree(p);
    kfree(p);
}
END_TEST

START_TEST(test_kfree_interior)
{
    char *p = kmalloc(64);
    kfree(p + 16);
}
END_TEST

START_TEST(test_kfree_not_heap)
{
    static char x[64];
    kfree(x);
}
END_TEST

START_TEST(test_kfree_page_alloc)
{
    kfree(page_alloc(0));
}
END_TEST

START_TEST(test_free_wrong_cache)
{
    struct kmem_cache *a = kmem_cache_create("a", 64, 0);
    struct kmem_cache *b = kmem_cache_create("b", 64, 0);
    kmem_cache_free(b, kmem_cache_alloc(a));
}
END_TEST

/* ---- threads as harts: a shared cache and kmalloc ---- */

static struct kmem_cache *shared;

static void *stress_thread(void *arg)
{
    enum { NLIVE = 64 };
    int id = (int)(intptr_t)arg;
    host_set_cpu(id);
    struct obj live[NLIVE] = {{0}};
    bool from_cache[NLIVE] = {0};
    uint64_t rng = 0xabcdefULL * (uint64_t)(id + 1);
    for (int op = 0; op < 20000; op++) {
        size_t k = rng_next(&rng) % NLIVE;
        struct obj *o = &live[k];
        if (o->p) {
            obj_check(o);
            if (from_cache[k])
                kmem_cache_free(shared, o->p);
            else
                kfree(o->p);
            o->p = NULL;
            continue;
        }
        from_cache[k] = rng_next(&rng) % 3 == 0;
        o->size = from_cache[k] ? 48 : 1 + rng_next(&rng) % 6000;
        o->p = from_cache[k] ? kmem_cache_alloc(shared) : kmalloc(o->size);
        o->tag = (unsigned char)(id * 31 + k);
        if (o->p)
            obj_fill(o);
    }
    for (size_t k = 0; k < NLIVE; k++) {
        if (!live[k].p)
            continue;
        obj_check(&live[k]);
        if (from_cache[k])
            kmem_cache_free(shared, live[k].p);
        else
            kfree(live[k].p);
    }
    kmem_drain_local();
    page_drain_local();
    ck_assert_int_eq(this_cpu()->noff, 0);
    return NULL;
}

START_TEST(test_smp_stress)
{
    shared = kmem_cache_create("shared", 48, 16);
    pthread_t t[NCPU_MAX];
    for (int i = 0; i < NCPU_MAX; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, stress_thread, (void *)(intptr_t)i), 0);
    for (int i = 0; i < NCPU_MAX; i++)
        pthread_join(t[i], NULL);
    kmem_cache_destroy(shared);
    assert_back_to_baseline();
    struct page_stats st;
    page_stats(&st);
    ck_assert_uint_eq(st.pcp, 0);
}
END_TEST

Suite *slab_suite(void)
{
    Suite *s = suite_create("slab");
    TCase *tc = tcase_create("slab");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_kmalloc_every_class);
    tcase_add_test(tc, test_kmalloc_large);
    tcase_add_test(tc, test_kmalloc_zero_and_null);
    tcase_add_loop_test(tc, test_caches_random, 0, 3);
    tcase_add_test(tc, test_cache_stats);
    tcase_add_test(tc, test_create_invalid);
    tcase_add_loop_test(tc, test_out_of_memory, 0, 3);
    tcase_add_test(tc, test_smp_stress);
    suite_add_tcase(s, tc);

    TCase *bad = tcase_create("panics");
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test_raise_signal(bad, test_destroy_in_use, SIGABRT);
    tcase_add_test_raise_signal(bad, test_kfree_double, SIGABRT);
    tcase_add_test_raise_signal(bad, test_kfree_double_large, SIGABRT);
    tcase_add_test_raise_signal(bad, test_kfree_interior, SIGABRT);
    tcase_add_test_raise_signal(bad, test_kfree_not_heap, SIGABRT);
    tcase_add_test_raise_signal(bad, test_kfree_page_alloc, SIGABRT);
    tcase_add_test_raise_signal(bad, test_free_wrong_cache, SIGABRT);
    suite_add_tcase(s, bad);
    return s;
}
