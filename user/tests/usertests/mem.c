/*
 * usertests, memory: copy-on-write fork, sbrk growing and shrinking, running
 * out of memory (the hog is killed; the system recovers), mprotect splitting
 * a region and merging the pieces again, deep recursion and
 * stack overflow.
 */
#include "ut.h"

static unsigned char cow_data[16384] = {1};

static void test_cow(void)
{
    unsigned char *heap = malloc(MiB);
    CHECK(heap, "malloc(1 MiB) failed");
    pattern(heap, MiB, 0, 1);
    pattern(cow_data, sizeof(cow_data), 0, 2);
    int a[2], b[2];
    OK(pipe(a));
    OK(pipe(b));
    char c;
    int pid = xfork();
    if (pid == 0) {
        CHECK(pattern_diff(heap, MiB, 0, 1) < 0, "child: heap differs after fork");
        CHECK(pattern_diff(cow_data, sizeof(cow_data), 0, 2) < 0, "child: data differs after fork");
        pattern(heap, MiB, 0, 3);
        pattern(cow_data, sizeof(cow_data), 0, 4);
        xwrite(b[1], "c", 1);
        xread(a[0], &c, 1);
        CHECK(pattern_diff(heap, MiB, 0, 3) < 0, "child: parent's write reached the child's heap");
        CHECK(pattern_diff(cow_data, sizeof(cow_data), 0, 4) < 0,
              "child: parent's write reached the child");
        _exit(0);
    }
    xread(b[0], &c, 1);
    CHECK(pattern_diff(heap, MiB, 0, 1) < 0, "child's write reached the parent's heap");
    CHECK(pattern_diff(cow_data, sizeof(cow_data), 0, 2) < 0,
          "child's write reached the parent's data");
    pattern(heap, MiB, 0, 5);
    pattern(cow_data, sizeof(cow_data), 0, 6);
    xwrite(a[1], "p", 1);
    wait_ok(pid, "child");
    CHECK(pattern_diff(heap, MiB, 0, 5) < 0, "parent's heap changed");
    CHECK(pattern_diff(cow_data, sizeof(cow_data), 0, 6) < 0, "parent's data changed");
    free(heap);
}

static void test_sbrk(void)
{
    char *b0 = sbrk(0);
    char *p = sbrk(MiB);
    CHECK(p == b0, "sbrk(1 MiB) returned %p, break was %p", (void *)p, (void *)b0);
    CHECK(sbrk(0) == b0 + MiB, "break did not move by 1 MiB");
    for (long i = 0; i < MiB; i++)
        CHECK(p[i] == 0, "new heap byte %ld is %d, not 0", i, p[i]);
    pattern((unsigned char *)p, MiB, 0, 11);
    int pid = xfork();
    if (pid == 0)
        _exit(pattern_diff((unsigned char *)p, MiB, 0, 11) < 0 ? 0 : 1);
    CHECK(wait_exit(pid) == 0, "child's copy of the heap differs");
    CHECK(sbrk(-MiB) == b0 + MiB, "sbrk(-1 MiB) did not return the old break");
    CHECK(sbrk(0) == b0, "break not back after shrinking");

    /* The released pages are gone... */
    volatile char *gone = (char *)(((uintptr_t)b0 + PAGE - 1) & ~(PAGE - 1)) + PAGE;
    if ((pid = xfork()) == 0) {
        *gone = 1;
        _exit(0);
    }
    int sig = wait_signal(pid);
    CHECK(sig == SIGSEGV, "store above the shrunk break: signal %d", sig);
    /* ...and come back zeroed, not with the old contents. */
    p = sbrk(MiB);
    CHECK(p == b0, "regrow returned %p", (void *)p);
    for (long i = (long)(((uintptr_t)b0 + PAGE - 1) & ~(PAGE - 1)) - (long)(uintptr_t)b0; i < MiB;
         i++)
        CHECK(p[i] == 0, "regrown heap byte %ld is %d, not 0", i, p[i]);
    CHECK(sbrk(-MiB) == b0 + MiB, "second shrink");

    /* Not below the program's data (Linux's brk ignores that silently), not absurdly large. */
    if (QUILL) {
        long below = (char *)sbrk(0) - (char *)cow_data + PAGE;
        EXPECT_ERR2(sbrk(-below), ENOMEM, EINVAL);
        CHECK(sbrk(0) == b0, "failed shrink moved the break");
    }
    EXPECT_ERR(sbrk(1L << 40), ENOMEM);
    CHECK(sbrk(0) == b0, "failed growth moved the break");

    /* Small steps. */
    for (int i = 0; i < 1000; i++) {
        char *q = sbrk(13);
        CHECK(q == b0 + 13 * i, "sbrk(13) #%d returned %p", i, (void *)q);
        memset(q, i & 0xff, 13);
    }
    for (int i = 0; i < 1000; i++)
        CHECK(b0[13 * i] == (char)(i & 0xff) && b0[13 * i + 12] == (char)(i & 0xff), "step %d", i);
    CHECK(sbrk(-13000) == b0 + 13000 && sbrk(0) == b0, "shrink after small steps");
}

/*
 * Grow the heap, touching every page, until memory runs out; after each chunk
 * the bytes grown so far go to fd.  Where sbrk refuses (Linux with RLIMIT_DATA)
 * the function returns; on Quill sbrk only reserves, so the touch that finds
 * no free frame ends the process (SIGKILL, "out of memory" on the console).
 */
static void heap_exhaust(int fd)
{
    long total = 0;
    for (long chunk = 4 * MiB; chunk >= (long)PAGE;) {
        char *p = sbrk(chunk);
        if (p == (char *)-1) {
            CHECK(errno == ENOMEM, "sbrk(%ld) failed with %s", chunk, errname(errno));
            chunk /= 2;
            continue;
        }
        for (long i = 0; i < chunk; i += PAGE)
            p[i] = 1;
        total += chunk;
        xwrite(fd, &total, sizeof(total));
    }
}

/* A memory hog runs out of memory; the system goes on.  *grown: what it got. */
static void oom_once(long *grown)
{
    int p[2];
    OK(pipe(p));
    int pid = xfork();
    if (pid == 0) {
        close(p[0]);
#if !QUILL
        struct rlimit rl = {256 * MiB, 256 * MiB};
        OK(setrlimit(RLIMIT_DATA, &rl));
#endif
        heap_exhaust(p[1]);
        _exit(0);
    }
    close(p[1]);
    long v;
    *grown = 0;
    while (read(p[0], &v, sizeof(v)) == sizeof(v))
        *grown = v;
    close(p[0]);
    if (QUILL)
        CHECK(wait_signal(pid) == SIGKILL, "memory hog: not killed by SIGKILL");
    else
        wait_ok(pid, "memory hog");
    CHECK(*grown >= 16 * MiB, "memory ran out after only %ld KiB", *grown / KiB);
    int f = xfork();
    if (f == 0)
        _exit(9);
    CHECK(wait_exit(f) == 9, "fork after the hog is gone");
}

static void test_oom(void)
{
    long grown;
    oom_once(&grown);
    /* The system still works: exec needs memory. */
    char pidstr[16];
    int pid = xfork();
    if (pid == 0) {
        snprintf(pidstr, sizeof(pidstr), "%d", getpid());
        char *argv[] = {self_path, "--exec-pid", pidstr, 0};
        execv(self_path, argv);
        fail("execv after OOM: %s", errname(errno));
    }
    CHECK(wait_exit(pid) == 42, "exec after OOM");
}

static void test_oomrepeat(void)
{
    long first, again;
    oom_once(&first);
    for (int i = 0; i < 3; i++) {
        oom_once(&again);
        CHECK(again >= first - 256 * KiB, "round %d got %ld KiB, the first %ld KiB: memory leaks",
              i + 2, again / KiB, first / KiB);
    }
}

static long deep(int n)
{
    volatile char buf[4000];
    buf[0] = (char)n;
    buf[sizeof(buf) - 1] = 1;
    if (n == 0)
        return 0;
    return deep(n - 1) + buf[sizeof(buf) - 1];
}

static void test_stack(void)
{
    long r = deep(1000); /* about 4 MiB of stack */
    CHECK(r == 1000, "deep recursion returned %ld", r);
}

static void test_stackoverflow(void)
{
    long r = deep(1 << 20); /* 4 GiB: must hit the stack limit */
    fail("recursion through 4 GiB of stack returned %ld", r);
}

#if QUILL
/* The regions of this process that overlap [lo, hi). */
static int regions_in(unsigned long lo, unsigned long hi)
{
    static struct vmregion r[256];
    int n = vmregions(0, r, 256), in = 0;
    CHECK(n > 0 && n <= 256, "vmregions: %d", n);
    for (int i = 0; i < n; i++)
        in += r[i].start < hi && lo < r[i].end;
    return in;
}

/* mprotect splits a region and merges the pieces again once they are alike. */
static void test_mprotectmerge(void)
{
    char *p = xmmap(0, 6 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned long lo = (unsigned long)p, hi = lo + 6 * PAGE;
    pattern((unsigned char *)p, 6 * PAGE, 0, 9);
    CHECK(regions_in(lo, hi) == 1, "a new mapping is %d regions", regions_in(lo, hi));
    OK(mprotect(p + 2 * PAGE, 2 * PAGE, PROT_READ));
    CHECK(regions_in(lo, hi) == 3, "after mprotect of the middle: %d regions", regions_in(lo, hi));
    OK(mprotect(p + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE));
    CHECK(regions_in(lo, hi) == 3, "after putting one page back: %d regions", regions_in(lo, hi));
    OK(mprotect(p + 3 * PAGE, PAGE, PROT_READ | PROT_WRITE));
    CHECK(regions_in(lo, hi) == 1, "after putting all back: %d regions, not 1", regions_in(lo, hi));
    CHECK(pattern_diff((unsigned char *)p, 6 * PAGE, 0, 9) < 0, "data changed by mprotect");
    p[3 * PAGE] = 1; /* writable again */
    OK(munmap(p, 6 * PAGE));
    CHECK(regions_in(lo, hi) == 0, "after munmap: %d regions", regions_in(lo, hi));
}
#endif

static const struct ut_test mem_tests[] = {
    {"cow", test_cow, UT_QUICK, 0, UT_ANY},
    {"sbrk", test_sbrk, UT_QUICK, 0, UT_ANY},
    {"oom", test_oom, UT_QUICK, 0, UT_ANY},
    {"stack", test_stack, UT_QUICK, 0, UT_ANY},
    {"stackoverflow", test_stackoverflow, UT_QUICK, SIGSEGV, UT_ANY},
    {"oomrepeat", test_oomrepeat, UT_SLOW, 0, UT_ANY},
#if QUILL
    {"mprotectmerge", test_mprotectmerge, UT_QUICK, 0, UT_QUILL_ONLY},
#endif
};
UT_REGISTER(mem_tests);
