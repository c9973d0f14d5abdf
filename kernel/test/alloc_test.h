/* SMP allocator self-test: see alloc_test.c. */
#ifndef TEST_ALLOC_TEST_H
#define TEST_ALLOC_TEST_H

/* Called on every hart at once during boot; 0 on success. */
int alloc_selftest_run(void);

#endif
