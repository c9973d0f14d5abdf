/*
 * usertests, swap and replacement: the textbook's reference strings replayed
 * under a resident-set limit (memlimit) give its fault counts (Belady's
 * anomaly under FIFO, clock, OSTEP's string), and a working set sixteen
 * times its limit runs through swap with its data intact, shared with a
 * child, and leaves no slot behind.  Without a swap disk memlimit must fail
 * with ENOSPC.  Quill only.
 */
#include "ut.h"

#if QUILL
/* Faults of a reference string replayed under memlimit(frames, policy), in a child. */
static int replay(const int *refs, int n, int frames, const char *policy)
{
    int p[2];
    OK(pipe(p));
    int pid = xfork();
    if (pid == 0) {
        if (memlimit(frames, policy) != 0)
            fail("memlimit(%d, %s): %s", frames, policy, errname(errno));
        volatile char *mem =
            xmmap(0, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        struct vminfo a = vminfo_self();
        for (int i = 0; i < n; i++)
            mem[refs[i] * PAGE] = (char)(i + 1);
        struct vminfo b = vminfo_self();
        for (int i = 0; i < n; i++) /* every page still holds its last store */
            for (int k = i + 1; k <= n; k++)
                if (k == n || refs[k] == refs[i]) {
                    if (k == n && mem[refs[i] * PAGE] != (char)(i + 1))
                        fail("page %d lost its data", refs[i]);
                    break;
                }
        long faults = (long)(b.limit_faults - a.limit_faults);
        xwrite(p[1], &faults, sizeof(faults));
        _exit(0);
    }
    long faults = -1;
    close(p[1]);
    xread(p[0], &faults, sizeof(faults));
    close(p[0]);
    wait_ok(pid, "replay");
    return (int)faults;
}

/* The textbook's reference strings under a resident-set limit (needs swap). */
static void test_belady(void)
{
    struct vmstat vs;
    OK(vmstat(&vs));
    if (vs.swap_total == 0) {
        EXPECT_ERR(memlimit(3, "fifo"), ENOSPC); /* without swap nothing can be evicted */
        return;
    }
    EXPECT_ERR(memlimit(3, "lru"), EINVAL);
    EXPECT_ERR(memlimit(-1, "fifo"), EINVAL);
    static const int b[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
    static const int o[] = {0, 1, 2, 0, 1, 3, 0, 3, 1, 2, 1};
    int f3 = replay(b, 12, 3, "fifo"), f4 = replay(b, 12, 4, "fifo");
    CHECK(f3 == 9 && f4 == 10, "FIFO: %d faults with 3 frames, %d with 4 (Belady: 9, 10)", f3, f4);
    int c3 = replay(b, 12, 3, "clock"), c4 = replay(b, 12, 4, "clock");
    CHECK(c3 == 9 && c4 == 10, "clock: %d faults with 3 frames, %d with 4 (9, 10)", c3, c4);
    int os = replay(o, 11, 3, "fifo");
    CHECK(os == 7, "OSTEP's string under FIFO with 3 frames: %d faults (7)", os);
    int a3 = replay(b, 12, 3, "aging");
    CHECK(a3 >= 7 && a3 <= 12, "aging: %d faults", a3);
}

/* Swapped pages of this process's region that starts at addr, or -1. */
static long swapped_in_region(void *addr)
{
    static struct vmregion r[64];
    int n = vmregions(0, r, 64);
    for (int i = 0; i < n && i < 64; i++)
        if (r[i].start == (unsigned long)addr)
            return (long)r[i].swapped;
    return -1;
}

/* A working set 16 times its frame limit runs with its data intact (swap). */
static void test_swapwork(void)
{
    struct vmstat v0;
    OK(vmstat(&v0));
    if (v0.swap_total == 0) {
        EXPECT_ERR(memlimit(64, "clock"), ENOSPC);
        return;
    }
    int pid = xfork();
    if (pid == 0) {
        OK(memlimit(64, "clock"));
        const long size = 4 * MiB;
        unsigned char *p = (unsigned char *)xmmap(0, size, PROT_READ | PROT_WRITE,
                                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        pattern(p, size, 0, 71);
        struct vminfo v = vminfo_self();
        CHECK(v.swapped >= 900, "only %lu pages swapped out", v.swapped);
        CHECK(pattern_diff(p, size, 0, 71) < 0, "data lost through swap");
        /* A child shares the swapped pages' slots and reads them too. */
        int c = xfork();
        if (c == 0)
            _exit(pattern_diff(p, size, 0, 71) < 0 ? 0 : 1);
        CHECK(wait_exit(c) == 0, "child read wrong data through shared swap slots");
        CHECK(pattern_diff(p, size, 0, 71) < 0, "data lost after the child");
        /* The process may hold swap PTEs elsewhere too (pages inherited from
         * a runner that an earlier test's pressure pushed out): munmap must
         * drop exactly the region's. */
        long in_region = swapped_in_region(p);
        long before = (long)vminfo_self().swapped;
        CHECK(in_region > 0, "no swap PTE in the region (%ld)", in_region);
        OK(munmap(p, size));
        long after = (long)vminfo_self().swapped;
        CHECK(after == before - in_region,
              "swap PTEs left after munmap: %ld before, %ld in the region, %ld after", before,
              in_region, after);
        _exit(0);
    }
    wait_ok(pid, "swapper");
    struct vmstat v1;
    OK(vmstat(&v1));
    CHECK(v1.swap_used == v0.swap_used, "swap slots leaked: %lu used, %lu before", v1.swap_used,
          v0.swap_used);
    CHECK(v1.swap_outs > v0.swap_outs && v1.swap_ins > v0.swap_ins, "no swap traffic");
}

static const struct ut_test swap_tests[] = {
    {"belady", test_belady, UT_QUICK, 0, UT_QUILL_ONLY},
    {"swapwork", test_swapwork, UT_QUICK, 0, UT_QUILL_ONLY},
};
UT_REGISTER(swap_tests);
#endif
