/*
 * usertests, the reverse map's own memory: a frame's first PTE lives in its
 * struct page, only the others take an item from the "rmap" slab cache, so
 * once a long-lived process's children are gone its frames need no items
 * and the slab pages they were on go back to the free list.
 *
 *   rmapchurn  a process with 1 MiB of touched memory forks, copies half of
 *              it while the child lives (its new frames are allocated among
 *              the child's items), and again with the other half: after the
 *              children are reaped the chained items and the free frames are
 *              where they started (with an item per PTE, the parent's items
 *              scattered over the child's slab pages kept those pages)
 *   rmappaths  a child of such a process maps and unmaps through every path
 *              that adds or removes a PTE of a shared frame: mprotect to
 *              PROT_NONE and back, munmap of a middle part, a write after
 *              mprotect (copy-on-write), failing mmaps, a failing exec, a
 *              grandchild that writes and exits; then the same balance
 *
 * Quill only (vmstat's reverse-map counters).
 */
#include "ut.h"

#if QUILL
#define RMAP_PAGES 256L

static struct vmstat rmap_vmstat(void)
{
    struct vmstat v;
    OK(vmstat(&v));
    return v;
}

/* Free frames, given a moment for the exited children's last frames (their
 * kernel stacks go when the harts switch away from them). */
static long rmap_settled_free(long want)
{
    long m = memfree();
    for (int i = 0; i < 50 && m < want; i++) {
        msleep(20);
        m = memfree();
    }
    return m;
}

static unsigned char *rmap_region(void)
{
    unsigned char *p = (unsigned char *)xmmap(0, RMAP_PAGES * PAGE, PROT_READ | PROT_WRITE,
                                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pattern(p, RMAP_PAGES * PAGE, 0, 7);
    return p;
}

/* The chained items and the free frames are back where they were.  A frame
 * that came into the page cache meanwhile is not lost: it is this program's
 * text, read in at its first use (the checking code's own pages, say). */
static void rmap_check_balance(const struct vmstat *v0, long free0, const char *what)
{
    long free1 = rmap_settled_free(free0);
    struct vmstat v1 = rmap_vmstat();
    if (v1.page_cache > v0->page_cache)
        free1 += v1.page_cache - v0->page_cache;
    CHECK(v1.rmap_chained == v0->rmap_chained,
          "%s: %lu reverse-map items chained before, %lu after (a frame mapped once needs none)",
          what, v0->rmap_chained, v1.rmap_chained);
    CHECK(free1 >= free0,
          "%s: %ld frames fewer free afterwards (slab frames %lu before, %lu after; the "
          "reverse map's %lu, %lu)",
          what, free0 - free1, v0->slab_frames, v1.slab_frames, v0->rmap_frames, v1.rmap_frames);
}

/* A child that keeps p shared until the parent writes a byte to gate. */
static int rmap_holder(int gate[2], int ready[2])
{
    int pid = xfork();
    if (pid == 0) {
        char c;
        close(gate[1]);
        OK(write(ready[1], "r", 1));
        _exit(read(gate[0], &c, 1) == 1 ? 0 : 1);
    }
    char c;
    xread(ready[0], &c, 1);
    return pid;
}

/* Fork a child that shares p, copy half of p on write while it lives, let it go. */
static void rmap_churn_round(unsigned char *p, int half, const struct vmstat *v0)
{
    int gate[2], ready[2];
    OK(pipe(gate));
    OK(pipe(ready));
    int pid = rmap_holder(gate, ready);
    struct vmstat vs = rmap_vmstat();
    CHECK(vs.rmap_chained >= v0->rmap_chained + RMAP_PAGES,
          "a child sharing %ld pages added only %lu chained items", RMAP_PAGES,
          vs.rmap_chained - v0->rmap_chained);
    for (long i = half; i < RMAP_PAGES; i += 2) /* copy-on-write while it lives */
        p[i * PAGE] ^= 0xff;
    xwrite(gate[1], "g", 1);
    wait_ok(pid, "the sharing child");
    close(gate[0]);
    close(gate[1]);
    close(ready[0]);
    close(ready[1]);
}

/* Each test does its work once before it counts: text pages that an earlier
 * test's pressure dropped are read in again then, not while counting. */
static void test_rmapchurn(void)
{
    unsigned char *p = rmap_region();
    struct vmstat v0 = rmap_vmstat();
    rmap_churn_round(p, 0, &v0);
    v0 = rmap_vmstat();
    long free0 = memfree();
    rmap_churn_round(p, 1, &v0);
    rmap_churn_round(p, 0, &v0);
    rmap_check_balance(&v0, free0, "fork, copy-on-write, exit");
    for (long i = 1; i < RMAP_PAGES; i += 2)
        p[i * PAGE] ^= 0xff;
    CHECK(pattern_diff(p, RMAP_PAGES * PAGE, 0, 7) < 0, "the parent's data changed");
    OK(munmap(p, RMAP_PAGES * PAGE));
}

/* In a child of the region's owner: every way its shared PTEs come and go. */
static void rmap_paths_child(unsigned char *p)
{
    long n = RMAP_PAGES;
    OK(mprotect(p, n / 4 * PAGE, PROT_NONE));
    OK(mprotect(p, n / 4 * PAGE, PROT_READ | PROT_WRITE));
    p[0] ^= 1;                                  /* copy-on-write after mprotect */
    OK(munmap(p + n / 2 * PAGE, n / 8 * PAGE)); /* a hole in the middle */
    void *bad = mmap(p + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(bad == MAP_FAILED, "MAP_FIXED at an unaligned address worked");
    CHECK(mmap(0, 1UL << 50, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED,
          "a 1 PiB mapping worked");
    char *argv[] = {"nothing", NULL};
    CHECK(r_execve("/no/such/program", argv, NULL) < 0, "exec of a missing file worked");
    int pid = xfork();
    if (pid == 0) {
        for (long i = 0; i < n; i += 3)
            if (i < n / 2 || i >= n / 2 + n / 8)
                p[i * PAGE] ^= 2;
        _exit(0);
    }
    wait_ok(pid, "the grandchild");
    CHECK(pattern_diff(p + PAGE, (n / 2 - 1) * PAGE, PAGE, 7) < 0,
          "a grandchild's write reached its parent");
    _exit(0);
}

static void test_rmappaths(void)
{
    unsigned char *p = rmap_region();
    struct vmstat v0;
    long free0 = 0;
    for (int round = 0; round < 2; round++) {
        if (round == 1) {
            v0 = rmap_vmstat();
            free0 = memfree();
        }
        int pid = xfork();
        if (pid == 0)
            rmap_paths_child(p);
        wait_ok(pid, "the child");
    }
    rmap_check_balance(&v0, free0, "mprotect, munmap, failed mmap and exec, fork");
    CHECK(pattern_diff(p, RMAP_PAGES * PAGE, 0, 7) < 0, "a child's write reached the parent");
    OK(munmap(p, RMAP_PAGES * PAGE));
}

static const struct ut_test rmap_tests[] = {
    {"rmapchurn", test_rmapchurn, UT_QUICK, 0, UT_QUILL_ONLY},
    {"rmappaths", test_rmappaths, UT_QUICK, 0, UT_QUILL_ONLY},
};
UT_REGISTER(rmap_tests);
#endif
