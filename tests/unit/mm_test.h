/* Shared helpers of the memory-management host tests. */
#ifndef UNIT_MM_TEST_H
#define UNIT_MM_TEST_H

#include <check.h>
#include <signal.h>
#include "types.h"

/* Like ck_assert, but silent on success: Check's assertions log every pass,
 * which makes loops of millions of checks crawl. */
#define REQUIRE(c, ...)                                                                            \
    do {                                                                                           \
        if (!(c))                                                                                  \
            ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #c);                                     \
    } while (0)
#define REQUIRE_MSG(c, ...)                                                                        \
    do {                                                                                           \
        if (!(c))                                                                                  \
            ck_abort_msg(__VA_ARGS__);                                                             \
    } while (0)

Suite *buddy_suite(void);
Suite *page_suite(void);
Suite *slab_suite(void);

/* xorshift64: deterministic, seeded per test (never seed with 0). */
static inline uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* A fake RAM of npages frames at pa ram_base, mapped at an aligned host
 * buffer: sets host_dmap_offset.  Returns the buffer (free() it). */
void *arena_create(paddr_t ram_base, size_t npages);

#endif
