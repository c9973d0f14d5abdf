/*
 * SMP allocator self-test, run on every hart at once during boot
 * (bootargs selftest=alloc).  Each hart does a seeded random mix of
 * page_alloc/page_free, kmalloc/kfree and a shared kmem_cache, filling every
 * block with a pattern naming the hart and the allocation, and checking it
 * before the free: two harts handed the same memory overwrite each other's
 * pattern.  At the end cpu 0 checks that every frame came back.
 *
 *   all harts: drain own caches, arrive
 *   cpu 0:     wait for all (or give up after 5 s: FAIL, no hang),
 *              baseline free count, create the shared cache, say go
 *   all harts: hammer, free all, drain own caches
 *                                  -- barrier --
 *   cpu 0:     destroy the cache, drain, compare, print the verdict
 *                                  -- barrier --
 */
#include "test/alloc_test.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "mm/layout.h"
#include "proc/cpu.h"
#include "arch/riscv/timer.h"
#include "lib/printf.h"

#define OPS_PER_HART 20000
#define NSLOTS 32
#define MAX_TEST_ORDER 3
#define SHARED_OBJSIZE 80
#define ARRIVE_TIMEOUT_NS 5000000000UL /* then report a FAIL rather than hang */

enum slot_kind { SLOT_FREE, SLOT_PAGE, SLOT_KMALLOC, SLOT_CACHE };

struct slot {
    void *p;
    size_t size;
    uint64_t tag;
    uint8_t kind;
    uint8_t order;
};

struct barrier {
    uint32_t count, gen;
};

static struct slot slots[NCPU_MAX][NSLOTS];
static struct barrier bar;
static uint32_t arrived; /* harts that entered the test */
static int go;           /* set by cpu 0: 1 run, -1 give up */
static struct kmem_cache *shared_cache;
static size_t baseline;
static uint64_t total_ops;
static uint32_t failed;
static char fail_reason[128];
static int verdict;

/* Reusable: waits until all ncpu harts have arrived. */
static void barrier_wait(void)
{
    uint32_t gen = __atomic_load_n(&bar.gen, __ATOMIC_ACQUIRE);
    if (__atomic_add_fetch(&bar.count, 1, __ATOMIC_ACQ_REL) == (uint32_t)ncpu) {
        __atomic_store_n(&bar.count, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&bar.gen, gen + 1, __ATOMIC_RELEASE);
        return;
    }
    while (__atomic_load_n(&bar.gen, __ATOMIC_ACQUIRE) == gen)
        ;
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* The first failure wins; later ones are dropped. */
static void fail(const char *what, const void *p)
{
    uint32_t zero = 0;
    if (__atomic_compare_exchange_n(&failed, &zero, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
        snprintf(fail_reason, sizeof(fail_reason), "%s (%p, hart %d)", what, p, this_cpu()->id);
}

static void pattern_fill(void *p, size_t size, uint64_t tag)
{
    uint64_t *w = p;
    size_t i;
    for (i = 0; i < size / 8; i++)
        w[i] = tag ^ i;
    for (i *= 8; i < size; i++)
        ((uint8_t *)p)[i] = (uint8_t)tag;
}

static bool pattern_ok(const void *p, size_t size, uint64_t tag)
{
    const uint64_t *w = p;
    size_t i;
    for (i = 0; i < size / 8; i++)
        if (w[i] != (tag ^ i))
            return false;
    for (i *= 8; i < size; i++)
        if (((const uint8_t *)p)[i] != (uint8_t)tag)
            return false;
    return true;
}

static size_t random_kmalloc_size(uint64_t *rng)
{
    uint64_t r = xorshift(rng) % 100;
    if (r < 70)
        return 1 + xorshift(rng) % 512;
    if (r < 95)
        return 513 + xorshift(rng) % (4096 - 512);
    return 4097 + xorshift(rng) % (3 * PAGE_SIZE);
}

/* Allocate something random into s; false if out of memory. */
static bool slot_alloc(struct slot *s, uint64_t *rng)
{
    s->kind = SLOT_PAGE + xorshift(rng) % (shared_cache ? 3 : 2);
    size_t align = 16;
    if (s->kind == SLOT_PAGE) {
        s->order = xorshift(rng) % 2 ? 0 : xorshift(rng) % (MAX_TEST_ORDER + 1);
        s->size = PAGE_SIZE << s->order;
        s->p = page_alloc(s->order);
        align = s->size;
    } else if (s->kind == SLOT_KMALLOC) {
        s->size = random_kmalloc_size(rng);
        s->p = kmalloc(s->size);
    } else {
        s->size = SHARED_OBJSIZE;
        s->p = kmem_cache_alloc(shared_cache);
    }
    if (!s->p) {
        s->kind = SLOT_FREE;
        return false;
    }
    if (!is_dmap_addr((uintptr_t)s->p) || kva_to_pa(s->p) % align != 0)
        fail("misaligned or non-direct-map block", s->p);
    pattern_fill(s->p, s->size, s->tag);
    return true;
}

static void slot_free(struct slot *s)
{
    if (!pattern_ok(s->p, s->size, s->tag))
        fail("block overwritten while allocated", s->p);
    if (s->kind == SLOT_PAGE)
        page_free(s->p, s->order);
    else if (s->kind == SLOT_KMALLOC)
        kfree(s->p);
    else
        kmem_cache_free(shared_cache, s->p);
    s->kind = SLOT_FREE;
    s->p = NULL;
}

static uint64_t hammer(int id)
{
    struct slot *mine = slots[id];
    uint64_t rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(id + 1);
    uint64_t ops = 0;
    for (int i = 0; i < OPS_PER_HART; i++) {
        struct slot *s = &mine[xorshift(&rng) % NSLOTS];
        if (s->kind != SLOT_FREE) {
            slot_free(s);
            ops++;
            continue;
        }
        s->tag = ((uint64_t)(id + 1) << 56) | ((uint64_t)i << 8) | (uint64_t)(s - mine);
        ops += slot_alloc(s, &rng);
    }
    for (int i = 0; i < NSLOTS; i++) {
        if (mine[i].kind != SLOT_FREE) {
            slot_free(&mine[i]);
            ops++;
        }
    }
    return ops;
}

static void check_and_report(void)
{
    if (shared_cache)
        kmem_cache_destroy(shared_cache);
    shared_cache = NULL;
    kmem_drain_local();
    page_drain_local();
    size_t now = page_free_count();
    if (now != baseline) {
        char what[64];
        snprintf(what, sizeof(what), "%zu free frames after, %zu before", now, baseline);
        fail(what, NULL);
    }
    if (failed)
        printf("selftest alloc: FAIL: %s\n", fail_reason);
    else
        printf("selftest alloc: PASS (%lu ops on %d harts)\n", (unsigned long)total_ops, ncpu);
    verdict = failed ? -1 : 0;
}

/* cpu 0: wait for every hart, then set up the run; false if some hart
 * never came (the caller must not wait for it in a barrier). */
static bool coordinator_start(void)
{
    uint64_t deadline = timer_now_ns() + ARRIVE_TIMEOUT_NS;
    while (__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) < (uint32_t)ncpu &&
           timer_now_ns() < deadline)
        ;
    uint32_t n = __atomic_load_n(&arrived, __ATOMIC_ACQUIRE);
    if (n < (uint32_t)ncpu) {
        printf("selftest alloc: FAIL: only %u of %d harts arrived\n", n, ncpu);
        __atomic_store_n(&go, -1, __ATOMIC_RELEASE);
        return false;
    }
    failed = 0;
    total_ops = 0;
    baseline = page_free_count();
    shared_cache = kmem_cache_create("selftest", SHARED_OBJSIZE, 16);
    if (!shared_cache)
        fail("kmem_cache_create failed", NULL);
    __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
    return true;
}

int alloc_selftest_run(void)
{
    int id = this_cpu()->id;

    kmem_drain_local();
    __atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL);
    if (id == 0 && !coordinator_start())
        return -1;
    int g;
    while ((g = __atomic_load_n(&go, __ATOMIC_ACQUIRE)) == 0)
        ;
    if (g < 0)
        return -1;

    __atomic_add_fetch(&total_ops, hammer(id), __ATOMIC_RELAXED);
    kmem_drain_local();
    page_drain_local();
    barrier_wait();

    if (id == 0)
        check_and_report();
    barrier_wait();
    return verdict;
}
