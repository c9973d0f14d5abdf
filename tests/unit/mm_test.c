/* Runs the memory-management host test suites (buddy, page, slab). */
#include <stdlib.h>
#include "mm_test.h"
#include "mm/layout.h"
#include "mm/buddy.h"

void *arena_create(paddr_t ram_base, size_t npages)
{
    size_t align = PAGE_SIZE << BUDDY_MAX_ORDER; /* kva alignment = pa alignment */
    void *arena = aligned_alloc(align, ALIGN_UP(npages * PAGE_SIZE, align));
    ck_assert_ptr_nonnull(arena);
    host_dmap_offset = (uintptr_t)arena - ram_base;
    return arena;
}

int main(void)
{
    SRunner *sr = srunner_create(buddy_suite());
    srunner_add_suite(sr, page_suite());
    srunner_add_suite(sr, slab_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
