/*
 * usertests, memory pressure: the machine runs out of frames and the kernel
 * must evict (swap daemon, direct reclaim through the reverse map) or, when
 * memory and swap are both full, kill the process that frees the most.
 * Every test works in both configurations and checks what each must give:
 *
 *   swaptwice   a working set of twice RAM: with swap it runs to completion
 *               with every page's data intact (per-page checksums) and gives
 *               its slots back (every used slot is held by some process);
 *               without, the OOM killer ends it (SIGKILL)
 *   cowswap     pages shared copy-on-write by a parent and a child (neither
 *               writes them) are evicted from both page tables while a hog
 *               (1.25 times RAM, per-page checksums) presses, and read back
 *               correctly in both; each side's writes stay its own afterwards
 *   forkstorm   many children of a big parent write all of its memory at once
 *               (copy-on-write copies past RAM): with swap every child
 *               finishes with its data intact; without, children die only
 *               by SIGKILL and at least one finishes
 *   oomvictim   without swap a big idle process is the one killed when a
 *               smaller one grows (not the one that faults); with swap both
 *               live
 *   oomancestor the processes the faulting one runs under (its parent, its
 *               shell) are spared while another has memory to give: a big
 *               parent's growing child is killed although the parent holds
 *               more, and the parent lives on with its data; with swap both
 *               live
 *
 * They are slow (seconds of swap traffic): test_vm.py runs them by name with a
 * fresh swap disk and a small RAM; the free-frame check at the end of
 * usertests holds either way.  Quill only (vmstat, vminfo, vmregions).
 */
#include <stdbool.h>

#include "ut.h"

#if QUILL
#define WORDS (PAGE / sizeof(unsigned long))

static unsigned long word_of(long page, long j, unsigned long seed)
{
    return ((unsigned long)page * 0x9e3779b97f4a7c15UL) ^ (seed << 32) ^ (unsigned long)j;
}

/* Fill every page of [p, p + pages) with words derived from its index. */
static void fill_pages(unsigned long *p, long pages, unsigned long seed)
{
    for (long i = 0; i < pages; i++)
        for (long j = 0; j < (long)WORDS; j++)
            p[i * WORDS + j] = word_of(i, j, seed);
}

/* The first page whose words differ, or -1. */
static long check_pages(const unsigned long *p, long pages, unsigned long seed)
{
    for (long i = 0; i < pages; i++) {
        unsigned long sum = 0, want = 0;
        for (long j = 0; j < (long)WORDS; j++) {
            sum += p[i * WORDS + j] * (unsigned long)(j + 1);
            want += word_of(i, j, seed) * (unsigned long)(j + 1);
        }
        if (sum != want)
            return i;
    }
    return -1;
}

static struct vmstat vmstat_now(void)
{
    struct vmstat v;
    OK(vmstat(&v));
    return v;
}

/* Free swap slots, in pages. */
static long swap_room(const struct vmstat *v)
{
    return (long)(v->swap_total - v->swap_used);
}

/* Swapped pages of the region of pid that starts at addr. */
static long region_swapped(int pid, void *addr)
{
    static struct vmregion r[64];
    int n = vmregions(pid, r, 64);
    for (int i = 0; i < n && i < 64; i++)
        if (r[i].start == (unsigned long)addr)
            return (long)r[i].swapped;
    return -1;
}

/* Swap PTEs of every process (a slot shared by several counts for each):
 * every used slot must be held by one (the pages of sh, init and the
 * runner may stay in swap after the pressure). */
static long swap_held(void)
{
    long n = 0;
    for (int pid = 1; pid < 4096; pid++) {
        struct vminfo vi;
        if (vminfo(pid, &vi) == 0)
            n += (long)vi.swapped;
    }
    return n;
}

static unsigned long *map_anon(long pages)
{
    return (unsigned long *)xmmap(0, pages * PAGE, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void test_swaptwice(void)
{
    struct vmstat v0 = vmstat_now();
    long pages = 2 * (long)v0.frames;
    bool room = swap_room(&v0) > pages;
    int pid = xfork();
    if (pid == 0) {
        unsigned long *p = map_anon(pages);
        fill_pages(p, pages, 7);
        long bad = check_pages(p, pages, 7);
        if (bad >= 0)
            fail("page %ld of %ld lost its data", bad, pages);
        _exit(0);
    }
    if (!room) {
        CHECK(wait_signal(pid) == SIGKILL, "twice RAM without swap: not ended by the OOM killer");
        return;
    }
    wait_ok(pid, "twice RAM through swap");
    struct vmstat v1 = vmstat_now();
    CHECK(v1.swap_outs - v0.swap_outs >= (unsigned long)v0.frames, "only %lu pages swapped out",
          v1.swap_outs - v0.swap_outs);
    CHECK(v1.evictions > v0.evictions, "no evictions counted");
    long held = swap_held();
    CHECK((long)v1.swap_used <= held, "swap slots leaked: %lu used, the processes hold %ld",
          v1.swap_used, held);
}

/* A child process that fills `pages` fresh pages and reads them all back:
 * exit 0 if every page kept its data, 1 if not. */
static int hog(long pages)
{
    int pid = xfork();
    if (pid == 0) {
        unsigned long *p = map_anon(pages);
        fill_pages(p, pages, 99);
        _exit(check_pages(p, pages, 99) < 0 ? 0 : 1);
    }
    return pid;
}

static void test_cowswap(void)
{
    struct vmstat v0 = vmstat_now();
    const long pages = 512; /* 2 MiB shared copy-on-write */
    long press = (long)v0.frames + (long)v0.frames / 4;
    bool room = swap_room(&v0) > press + 2 * pages;
    unsigned long *p = map_anon(pages);
    fill_pages(p, pages, 1);
    int go[2], done[2];
    OK(pipe(go));
    OK(pipe(done));
    int child = xfork();
    if (child == 0) {
        char c;
        close(go[1]); /* a parent that dies ends the child's reads */
        close(done[0]);
        xread(go[0], &c, 1);
        if (check_pages(p, pages, 1) >= 0)
            fail("child: shared page wrong after eviction");
        fill_pages(p, pages, 2); /* its own copies now */
        xwrite(done[1], "d", 1);
        xread(go[0], &c, 1);
        _exit(check_pages(p, pages, 2) < 0 ? 0 : 1);
    }
    close(go[0]);
    close(done[1]);
    int h = hog(room ? press : (long)v0.frames * 2);
    if (room)
        CHECK(wait_exit(h) == 0, "the hog's pages lost their data in swap");
    else
        CHECK(wait_signal(h) == SIGKILL, "hog without swap: not ended by the OOM killer");
    if (room) {
        long ps = region_swapped(0, p), cs = region_swapped(child, p);
        CHECK(ps > 0 && cs > 0, "shared pages not evicted: %ld in the parent, %ld in the child", ps,
              cs);
    }
    xwrite(go[1], "g", 1);
    char c;
    xread(done[0], &c, 1);
    long bad = check_pages(p, pages, 1);
    CHECK(bad < 0, "parent: page %ld changed by the child or lost", bad);
    fill_pages(p, pages, 3);
    xwrite(go[1], "g", 1);
    CHECK(wait_exit(child) == 0, "child's own writes lost");
    CHECK(check_pages(p, pages, 3) < 0, "parent's own writes lost");
    OK(munmap(p, pages * PAGE));
}

static void test_forkstorm(void)
{
    struct vmstat v0 = vmstat_now();
    const int nchild = 12;
    long pages = (long)v0.frames / 8; /* children's copies: 1.5 times RAM */
    bool room = swap_room(&v0) > (nchild + 1) * pages;
    unsigned long *p = map_anon(pages);
    fill_pages(p, pages, 5);
    int pids[12];
    for (int i = 0; i < nchild; i++) {
        pids[i] = xfork();
        if (pids[i] == 0) {
            if (check_pages(p, pages, 5) >= 0)
                _exit(2);
            fill_pages(p, pages, 10 + i);
            _exit(check_pages(p, pages, 10 + i) < 0 ? 0 : 3);
        }
    }
    int ok = 0, killed = 0;
    for (int i = 0; i < nchild; i++) {
        int st;
        CHECK(waitpid(pids[i], &st, 0) == pids[i], "waitpid");
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            ok++;
        else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
            killed++;
        else
            fail("child %d: status %#x (2: inherited data wrong, 3: own data lost)", i, st);
    }
    if (room)
        CHECK(ok == nchild, "with swap only %d of %d children finished", ok, nchild);
    else
        CHECK(ok >= 1, "no child finished (%d killed)", killed);
    CHECK(check_pages(p, pages, 5) < 0, "parent's data changed");
    OK(munmap(p, pages * PAGE));
}

static void test_oomvictim(void)
{
    struct vmstat v0 = vmstat_now();
    long big_pages = (long)v0.free * 11 / 20, small_pages = (long)v0.free * 9 / 20 + 256;
    bool room = swap_room(&v0) > big_pages + small_pages;
    int ready[2];
    OK(pipe(ready));
    int big = xfork();
    if (big == 0) {
        unsigned long *p = map_anon(big_pages);
        fill_pages(p, big_pages, 4);
        xwrite(ready[1], "r", 1);
        for (;;)
            pause();
    }
    char c;
    xread(ready[0], &c, 1);
    int small = xfork();
    if (small == 0) {
        unsigned long *p = map_anon(small_pages);
        fill_pages(p, small_pages, 6);
        _exit(check_pages(p, small_pages, 6) < 0 ? 0 : 1);
    }
    CHECK(wait_exit(small) == 0, "the smaller, growing process did not finish");
    if (room) {
        CHECK(kill(big, 0) == 0, "the big process died although swap had room");
        OK(kill(big, SIGKILL));
    }
    CHECK(wait_signal(big) == SIGKILL, "the big process was not the one killed");
}

/* In the middle process: fill big_pages, then let a hog child fill
 * small_pages (and check them); exit 0 if the child ended as it must (killed without
 * swap room, finished with it) and the parent's pages kept their data. */
static void oom_middle(long big_pages, long small_pages, bool room)
{
    unsigned long *p = map_anon(big_pages);
    fill_pages(p, big_pages, 8);
    int small = hog(small_pages), st;
    if (waitpid(small, &st, 0) != small)
        _exit(4);
    bool ended =
        room ? WIFEXITED(st) && WEXITSTATUS(st) == 0 : WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
    _exit(!ended ? 2 : check_pages(p, big_pages, 8) < 0 ? 0 : 3);
}

static void test_oomancestor(void)
{
    struct vmstat v0 = vmstat_now();
    long big_pages = (long)v0.free * 11 / 20, small_pages = (long)v0.free * 9 / 20 + 256;
    bool room = swap_room(&v0) > big_pages + small_pages;
    int mid = xfork();
    if (mid == 0)
        oom_middle(big_pages, small_pages, room);
    int st;
    CHECK(waitpid(mid, &st, 0) == mid, "waitpid");
    CHECK(!WIFSIGNALED(st), "the parent (%ld pages) was killed by signal %d, not its child",
          big_pages, WTERMSIG(st));
    CHECK(!WIFEXITED(st) || WEXITSTATUS(st) == 0,
          "parent: status %d (2: the child was not %s, 3: the parent's data changed)",
          WEXITSTATUS(st), room ? "let finish" : "the one killed");
}

static const struct ut_test pressure_tests[] = {
    {"swaptwice", test_swaptwice, UT_SLOW, 0, UT_QUILL_ONLY},
    {"cowswap", test_cowswap, UT_SLOW, 0, UT_QUILL_ONLY},
    {"forkstorm", test_forkstorm, UT_SLOW, 0, UT_QUILL_ONLY},
    {"oomvictim", test_oomvictim, UT_SLOW, 0, UT_QUILL_ONLY},
    {"oomancestor", test_oomancestor, UT_SLOW, 0, UT_QUILL_ONLY},
};
UT_REGISTER(pressure_tests);
#endif
