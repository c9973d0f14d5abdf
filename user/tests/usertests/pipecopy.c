/*
 * usertests, pipe copies: a reader first copies straight out of the ring
 * with the pipe's lock held, where a page fault may not be served, and falls
 * back to a copy without the lock.  So a read into pages that are not
 * present yet (fresh anonymous memory), into a page shared copy-on-write
 * after fork, or across both, still gets every byte; a read into a bad
 * buffer fails with EFAULT and leaves the bytes for the next read.
 */
#include "ut.h"

#include <sys/mman.h>

/* Send n pattern bytes through a fresh pipe and read them into dst. */
static void pipe_into(unsigned char *dst, long n, int seed, const char *what)
{
    unsigned char src[PAGE];
    int p[2];
    OK(pipe(p));
    pattern(src, n, 0, seed);
    xwrite(p[1], src, n);
    xread(p[0], dst, n);
    CHECK(pattern_diff(dst, n, 0, seed) < 0, "%s: bytes wrong", what);
    close(p[0]);
    close(p[1]);
}

static void test_pipe_fresh_pages(void)
{
    unsigned char *m = (unsigned char *)xmmap(0, 4 * PAGE, PROT_READ | PROT_WRITE,
                                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pipe_into(m + 100, 300, 1, "into a page not touched yet");
    pipe_into(m + 2 * PAGE - 50, 200, 2, "across into a second untouched page");
    pipe_into(m + 3 * PAGE - 10, 10, 3, "into the last bytes of an untouched page");
    OK(munmap(m, 4 * PAGE));
}

static unsigned char shared_buf[2 * PAGE] __attribute__((aligned(PAGE)));

/* After fork both processes share shared_buf copy-on-write: each one's read
 * into it copies the page, and neither sees the other's bytes. */
static void test_pipe_cow_page(void)
{
    pattern(shared_buf, sizeof(shared_buf), 0, 9);
    int pid = xfork();
    if (pid == 0) {
        pipe_into(shared_buf + PAGE - 64, 128, 4, "child, across two shared pages");
        _exit(0);
    }
    wait_ok(pid, "child reading into shared pages");
    CHECK(pattern_diff(shared_buf, sizeof(shared_buf), 0, 9) < 0,
          "the child's read changed the parent's copy");
    pipe_into(shared_buf + 10, 20, 5, "parent, into a page its child copied");
}

static void test_pipe_efault_keeps(void)
{
    int p[2];
    char buf[16];
    OK(pipe(p));
    xwrite(p[1], "0123456789", 10);
    EXPECT_RAW(r_read(p[0], unmapped_addr(), 10), EFAULT);
    EXPECT_RAW(r_read(p[0], KERNEL_ADDR, 4), EFAULT);
    CHECK(read(p[0], buf, sizeof(buf)) == 10 && memcmp(buf, "0123456789", 10) == 0,
          "the bytes of a failed read were lost");
    close(p[0]);
    close(p[1]);
}

static const struct ut_test pipecopy_tests[] = {
    {"pipe-fresh-pages", test_pipe_fresh_pages, UT_QUICK, 0, UT_ANY},
    {"pipe-cow-page", test_pipe_cow_page, UT_QUICK, 0, UT_ANY},
    {"pipe-efault-keeps", test_pipe_efault_keeps, UT_QUICK, 0, UT_ANY},
};
UT_REGISTER(pipecopy_tests);
