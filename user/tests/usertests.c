/*
 * usertests: the kernel tested from user space, through its system calls.
 *
 *   usertests [-q] [-l] [name ...]
 *
 * Each test is a function run in a child process inside its own scratch
 * directory (WORK/<name>); the child's exit status is the verdict: 0 passes,
 * anything else fails, except that a test listed with a signal must die by that
 * signal (the fault tests).  fail() says why.  -q runs the quick tests only, the
 * default runs quick and slow, names run just those; -l lists the tests.  At the
 * end the free-frame count (memfree) must be back where it started: a leak of
 * even one page fails the run.  Output, one line per test:
 *
 *   test NAME: OK
 *   test NAME: FAILED (reason)
 *   ...
 *   ALL TESTS PASSED            (exit 0)   or   SOME TESTS FAILED (exit 1)
 *
 * The program also builds on a Linux host (see ut.h) to debug the tests.
 * docs/usertests.md lists what each test checks.
 */
#include "ut.h"

static char self_path[PATH_MAX]; /* this program, to exec it */
static char workdir[256];

/* ---- addresses that must not work -------------------------------------------- */

/* An address nothing is mapped at: far above the heap, far below the stack. */
static char *unmapped_addr(void)
{
    uintptr_t brk = (uintptr_t)sbrk(0);
    return (char *)(((brk + PAGE - 1) & ~(PAGE - 1)) + 256 * MiB);
}

/*
 * Grow the heap to a page boundary plus one page and return the end: the bytes
 * below it are mapped, the page at it is not.  Nothing may grow the heap again
 * while the caller relies on that (no malloc in between).
 */
static char *region_end(void)
{
    uintptr_t cur = (uintptr_t)sbrk(0);
    uintptr_t top = (cur + PAGE - 1) & ~(PAGE - 1);
    if (sbrk(top - cur + PAGE) == (void *)-1)
        fail("sbrk for a test region: %s", errname(errno));
    return (char *)top + PAGE;
}

/* ====================================================================== processes */

static void test_fork(void)
{
    int parent = getpid();
    for (int i = 0; i < 100; i++) {
        int pid = xfork();
        if (pid == 0) {
            if (getppid() != parent)
                _exit(200);
            _exit(getpid() == parent ? 201 : i);
        }
        CHECK(pid > 0 && pid != parent, "fork returned %d in the parent", pid);
        int s = wait_exit(pid);
        CHECK(s == i, "child %d exited %d (200: wrong getppid, 201: same pid as parent)", i, s);
    }
}

/* Several processes fork and wait at the same time. */
static void test_forkconc(void)
{
    int pids[4];
    for (int w = 0; w < 4; w++) {
        if ((pids[w] = xfork()) == 0) {
            for (int i = 0; i < 25; i++) {
                int pid = xfork();
                if (pid == 0)
                    _exit((w * 25 + i) & 0xff);
                CHECK(wait_exit(pid) == ((w * 25 + i) & 0xff), "worker %d: wrong status", w);
            }
            _exit(0);
        }
    }
    for (int w = 0; w < 4; w++)
        wait_ok(pids[w], "fork worker");
    EXPECT_ERR(wait(0), ECHILD);
}

static void test_exitcode(void)
{
    static const int codes[] = {0, 1, 42, 255, 256, -1};
    static const int seen[] = {0, 1, 42, 255, 0, 255};
    for (int i = 0; i < 6; i++) {
        int pid = xfork();
        if (pid == 0)
            exit(codes[i]);
        int s = wait_exit(pid);
        CHECK(s == seen[i], "exit(%d) gave status %d, expected %d", codes[i], s, seen[i]);
    }
    int pid = xfork();
    if (pid == 0)
        _exit(3);
    CHECK(wait(0) == pid, "wait(NULL) did not return the child's pid");
}

static void test_waitpid(void)
{
    int pids[3], p[2], st;
    for (int i = 0; i < 3; i++)
        if ((pids[i] = xfork()) == 0)
            _exit(10 + i);
    CHECK(waitpid(pids[1], &st, 0) == pids[1], "waitpid(middle child) failed");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 11, "middle child: status %#x", st);
    for (int k = 0; k < 2; k++) {
        int r = wait(&st);
        CHECK(r == pids[0] || r == pids[2], "wait returned %d", r);
        CHECK(WEXITSTATUS(st) == (r == pids[0] ? 10 : 12), "status %#x for %d", st, r);
    }
    EXPECT_ERR(wait(&st), ECHILD);
    EXPECT_ERR(waitpid(getppid(), &st, 0), ECHILD);
    EXPECT_ERR(waitpid(1 << 30, &st, 0), ECHILD);

    /* A grandchild is not a child; WNOHANG returns 0 while a child runs. */
    OK(pipe(p));
    int child = xfork();
    if (child == 0) {
        close(p[1]);
        int g = xfork();
        char c;
        if (g == 0)
            _exit(read(p[0], &c, 1) == 0 ? 0 : 1);
        _exit(read(p[0], &c, 1) == 0 && wait_exit(g) == 0 ? 5 : 6);
    }
    close(p[0]);
    for (int i = 0; i < 3; i++) {
        CHECK(waitpid(child, &st, WNOHANG) == 0, "WNOHANG did not return 0 for a running child");
        msleep(20);
    }
    EXPECT_ERR(waitpid(child + 1, &st, WNOHANG), ECHILD);
    close(p[1]);
    CHECK(wait_exit(child) == 5, "child saw the wrong EOF/grandchild status");
}

static void test_zombie(void)
{
    int pids[5];
    for (int i = 0; i < 5; i++)
        if ((pids[i] = xfork()) == 0)
            _exit(70 + i);
    msleep(200); /* all of them are zombies now */
#if QUILL
    struct procinfo ps[128];
    int n = getprocs(ps, 128);
    CHECK(n > 0, "getprocs: %s", errname(errno));
    for (int i = 0; i < 5; i++) {
        int found = 0;
        for (int k = 0; k < n; k++)
            if (ps[k].pid == pids[i]) {
                found = 1;
                CHECK(ps[k].state == 'Z', "exited child %d in state %c", pids[i], ps[k].state);
            }
        CHECK(found, "zombie %d missing from getprocs", pids[i]);
    }
#endif
    for (int i = 4; i >= 0; i--)
        CHECK(wait_exit(pids[i]) == 70 + i, "zombie %d lost its status", i);
}

static void test_orphan(void)
{
    int p[2];
    OK(pipe(p));
    int child = xfork();
    if (child == 0) {
        int me = getpid();
        if (xfork() == 0) {
            close(p[0]);
            int pp = 0;
            for (int i = 0; i < 1000 && (pp = getppid()) == me; i++)
                msleep(10);
            OK(chdir("/")); /* let the runner remove the test directory at once */
            xwrite(p[1], &pp, sizeof(pp));
            _exit(0);
        }
        _exit(0);
    }
    close(p[1]);
    wait_ok(child, "orphan's parent");
    int pp;
    xread(p[0], &pp, sizeof(pp));
    CHECK(pp != child, "orphan still has its dead parent %d after 10 s", child);
    if (QUILL)
        CHECK(pp == 1, "orphan's new parent is %d, expected init (1)", pp);
    char c;
    CHECK(read(p[0], &c, 1) == 0, "no EOF after the orphan exited");
    EXPECT_ERR(wait(0), ECHILD);
}

static void test_killsleep(void)
{
    int p[2];
    OK(pipe(p));
    int pid = xfork();
    if (pid == 0) {
        xwrite(p[1], "r", 1);
        sleep(100);
        _exit(1);
    }
    char c;
    xread(p[0], &c, 1);
    msleep(50);
    long t0 = now_ns();
    OK(kill(pid, SIGKILL));
    int sig = wait_signal(pid);
    CHECK(sig == SIGKILL, "sleeping child died by signal %d, expected SIGKILL", sig);
    CHECK(now_ns() - t0 < 10000000000L, "a sleeping child took over 10 s to die");

    /* A child blocked reading a pipe. */
    pid = xfork();
    if (pid == 0) {
        close(p[1]);
        _exit(read(p[0], &c, 1) >= 0 ? 2 : 3);
    }
    msleep(100);
    OK(kill(pid, SIGTERM));
    sig = wait_signal(pid);
    CHECK(sig == SIGTERM, "pipe reader died by signal %d, expected SIGTERM", sig);
}

static void test_killspin(void)
{
    int pid = xfork();
    if (pid == 0) {
        volatile unsigned long x = 0;
        for (;;)
            x++;
    }
    msleep(100);
    long t0 = now_ns();
    OK(kill(pid, SIGKILL));
    int sig = wait_signal(pid);
    CHECK(sig == SIGKILL, "spinning child died by signal %d", sig);
    CHECK(now_ns() - t0 < 10000000000L, "a spinning child took over 10 s to die");
}

static void test_killerr(void)
{
    EXPECT_ERR(kill(1 << 30, SIGKILL), ESRCH);
    int p[2];
    OK(pipe(p));
    int pid = xfork();
    if (pid == 0) {
        char c;
        close(p[1]);
        _exit(read(p[0], &c, 1) == 0 ? 0 : 1);
    }
    EXPECT_ERR(kill(pid, 1000), EINVAL);
    EXPECT_ERR(kill(pid, -1 - SIGKILL), EINVAL);
    close(p[1]);
    wait_ok(pid, "child sent an invalid signal");
}

/* N > harts children spin to a common deadline; every one must get CPU time. */
static void test_preempt(void)
{
    enum { N = 8 };
    int start[2], res[2], pids[N];
    OK(pipe(start));
    OK(pipe(res));
    for (int i = 0; i < N; i++) {
        if ((pids[i] = xfork()) == 0) {
            long deadline, count = 0;
            close(start[1]);
            xread(start[0], &deadline, sizeof(deadline));
            while (now_ns() < deadline) {
                for (volatile int k = 0; k < 20000; k++)
                    ;
                count++;
            }
            xwrite(res[1], &count, sizeof(count));
            _exit(0);
        }
    }
    close(start[0]);
    close(res[1]);
    long deadline = now_ns() + 2000000000L;
    for (int i = 0; i < N; i++)
        xwrite(start[1], &deadline, sizeof(deadline));
    for (int i = 0; i < N; i++) {
        long count;
        xread(res[0], &count, sizeof(count));
        CHECK(count > 0, "a spinner got no CPU time in 2 s (%d spinners)", N);
    }
    for (int i = 0; i < N; i++)
        wait_ok(pids[i], "spinner");
}

/* Fork until the process limit; everything recovers when the children exit. */
static int fill_procs(int *err)
{
    enum { MAX = QUILL ? 1000 : 200 };
    static int pids[MAX];
    int p[2], n = 0;
    OK(pipe(p));
    *err = 0;
    while (n < MAX) {
        fflush(stdout);
        int pid = fork();
        if (pid < 0) {
            *err = errno;
            break;
        }
        if (pid == 0) {
            char c;
            close(p[1]);
            _exit(read(p[0], &c, 1) == 0 ? 0 : 1);
        }
        pids[n++] = pid;
    }
    close(p[1]);
    close(p[0]);
    for (int i = 0; i < n; i++)
        wait_ok(pids[i], "process-limit child");
    return n;
}

static void test_proclimit(void)
{
    int err, err2;
    int n = fill_procs(&err);
    if (QUILL) {
        CHECK(err != 0, "%d forks and no limit", n);
        CHECK(err == EAGAIN || err == ENOMEM, "fork at the limit failed with %s", errname(err));
        CHECK(n >= 20, "only %d processes could be forked", n);
    }
    int pid = xfork();
    if (pid == 0)
        _exit(9);
    CHECK(wait_exit(pid) == 9, "fork after the limit");
    int n2 = fill_procs(&err2);
    CHECK(n2 == n, "first fill forked %d processes, the second %d: process slots leak", n, n2);
}

static void test_getpid(void)
{
    int me = getpid(), parent = getppid(), p[2];
    CHECK(me > 0 && getpid() == me, "getpid unstable");
    CHECK(parent > 0 && parent != me, "getppid = %d, getpid = %d", parent, me);
    OK(pipe(p));
    int pid = xfork();
    if (pid == 0) {
        int ids[2] = {getpid(), getppid()};
        xwrite(p[1], ids, sizeof(ids));
        _exit(0);
    }
    int ids[2];
    xread(p[0], ids, sizeof(ids));
    wait_ok(pid, "child");
    CHECK(ids[0] == pid, "child's getpid %d, fork returned %d", ids[0], pid);
    CHECK(ids[1] == me, "child's getppid %d, parent is %d", ids[1], me);
    for (int i = 0; i < 100; i++)
        CHECK(sched_yield() == 0, "sched_yield failed");
}

static void test_sleep(void)
{
    long t0 = now_ns();
    msleep(200);
    long dt = now_ns() - t0;
    CHECK(dt >= 200000000L, "nanosleep(200 ms) slept %ld ns", dt);
    CHECK(dt < 10000000000L, "nanosleep(200 ms) slept %ld ns", dt);
    t0 = now_ns();
    CHECK(sleep(1) == 0, "sleep(1) returned non-zero");
    dt = now_ns() - t0;
    CHECK(dt >= 1000000000L && dt < 20000000000L, "sleep(1) slept %ld ns", dt);
    struct timespec ts = {0, 0};
    OK(nanosleep(&ts, 0));
    ts.tv_nsec = 1000000000L;
    EXPECT_ERR(nanosleep(&ts, 0), EINVAL);
    ts.tv_sec = -1;
    ts.tv_nsec = 0;
    EXPECT_ERR(nanosleep(&ts, 0), EINVAL);

    long prev = now_ns();
    for (int i = 0; i < 1000; i++) {
        long t = now_ns();
        CHECK(t >= prev, "CLOCK_MONOTONIC went back by %ld ns", prev - t);
        prev = t;
    }
    OK(clock_gettime(CLOCK_REALTIME, &ts));
    CHECK(ts.tv_sec > 1577836800L, "CLOCK_REALTIME says %ld (before 2020)", (long)ts.tv_sec);
    CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L, "tv_nsec %ld", (long)ts.tv_nsec);
    EXPECT_ERR(clock_gettime(12345, &ts), EINVAL);
}

static void test_uname(void)
{
#if !QUILL || __has_include(<sys/utsname.h>)
    struct utsname u;
    OK(uname(&u));
    const char *sys = u.sysname, *node = u.nodename, *machine = u.machine;
#else
    static struct kutsname u;
    CHECK(r_uname(&u) == 0, "uname failed");
    const char *sys = u.sysname, *node = u.nodename, *machine = u.machine;
#endif
    CHECK(strcmp(sys, QUILL ? "Quill" : "Linux") == 0, "sysname \"%s\"", sys);
    CHECK(node[0] != 0, "empty nodename");
    if (QUILL)
        CHECK(strcmp(machine, "riscv64") == 0, "machine \"%s\"", machine);
}

static void test_getprocs(void)
{
#if QUILL
    struct procinfo ps[128];
    int n = getprocs(ps, 128);
    CHECK(n >= 3 && n <= 128, "getprocs returned %d", n);
    int self = 0, init = 0;
    for (int i = 0; i < n; i++) {
        if (ps[i].pid == 1)
            init = 1;
        if (ps[i].pid != getpid())
            continue;
        self = 1;
        CHECK(ps[i].ppid == getppid(), "own ppid %d, getppid %d", ps[i].ppid, getppid());
        CHECK(ps[i].state == 'R', "own state %c, expected R", ps[i].state);
        CHECK(strcmp(ps[i].name, "usertests") == 0, "own name \"%s\"", ps[i].name);
        CHECK(ps[i].size > 0, "own size 0");
    }
    CHECK(self && init, "getprocs lists self: %d, init: %d", self, init);
#endif
}

/* ======================================================================== memory */

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
        CHECK(pattern_diff(cow_data, sizeof(cow_data), 0, 4) < 0, "child: parent's write reached the child");
        _exit(0);
    }
    xread(b[0], &c, 1);
    CHECK(pattern_diff(heap, MiB, 0, 1) < 0, "child's write reached the parent's heap");
    CHECK(pattern_diff(cow_data, sizeof(cow_data), 0, 2) < 0, "child's write reached the parent's data");
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
    for (long i = (long)(((uintptr_t)b0 + PAGE - 1) & ~(PAGE - 1)) - (long)(uintptr_t)b0; i < MiB; i++)
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

/* Grow the heap until sbrk fails (touching every page); returns the bytes grown. */
static long heap_exhaust(void)
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
    }
    return total;
}

static void oom_once(long *grown)
{
    int p[2];
    OK(pipe(p));
    int pid = xfork();
    if (pid == 0) {
#if !QUILL
        struct rlimit rl = {256 * MiB, 256 * MiB};
        OK(setrlimit(RLIMIT_DATA, &rl));
#endif
        char *b0 = sbrk(0);
        long total = heap_exhaust();
        if (QUILL) {
            int f = fork();
            if (f == 0)
                _exit(0);
            CHECK(f < 0, "fork succeeded with memory exhausted (child %d)", f);
            CHECK(errno == ENOMEM || errno == EAGAIN, "fork failed with %s", errname(errno));
        }
        CHECK(sbrk(-total) == b0 + total && sbrk(0) == b0, "shrinking back");
        int f = xfork();
        if (f == 0)
            _exit(9);
        CHECK(wait_exit(f) == 9, "fork after releasing memory");
        xwrite(p[1], &total, sizeof(total));
        _exit(0);
    }
    close(p[1]);
    wait_ok(pid, "memory hog");
    xread(p[0], grown, sizeof(*grown));
    close(p[0]);
    CHECK(*grown >= 16 * MiB, "memory ran out after only %ld KiB", *grown / KiB);
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

/* ========================================================================= faults */

static void test_fault_load(void)
{
    volatile long *p = (volatile long *)unmapped_addr();
    long v = *p;
    fail("load from unmapped %p gave %ld", (void *)p, v);
}

static void test_fault_store(void)
{
    *(volatile long *)unmapped_addr() = 1;
    fail("store to an unmapped address succeeded");
}

static void test_fault_text(void)
{
    volatile unsigned char *p = (volatile unsigned char *)(uintptr_t)&test_fault_text;
    *p = *p;
    fail("store to the program's own text succeeded");
}

static void test_fault_kread(void)
{
    long v = *(volatile long *)KERNEL_ADDR;
    fail("user load from kernel memory gave %#lx", v);
}

static void test_fault_kwrite(void)
{
    *(volatile long *)KERNEL_ADDR = 0;
    fail("user store to kernel memory succeeded");
}

static void test_fault_jump(void)
{
    void (*f)(void) = (void (*)(void))(uintptr_t)unmapped_addr();
    f();
    fail("jump to an unmapped address returned");
}

static void test_fault_kjump(void)
{
    void (*f)(void) = (void (*)(void))(uintptr_t)KERNEL_ADDR;
    f();
    fail("jump into the kernel returned");
}

static void test_fault_illegal(void)
{
#if QUILL
    __asm__ volatile(".4byte 0");
#else
    __builtin_trap();
#endif
    fail("an illegal instruction executed");
}

static void test_fault_priv(void)
{
#if QUILL
    unsigned long x;
    __asm__ volatile("csrr %0, sstatus" : "=r"(x));
    fail("csrr sstatus in user mode gave %#lx", x);
#endif
}

static void test_fault_misalign(void)
{
#if QUILL
    static unsigned int words[4] __attribute__((aligned(16)));
    uintptr_t a = (uintptr_t)words + 2;
    int v;
    __asm__ volatile("lr.w %0, (%1)" : "=r"(v) : "r"(a) : "memory");
    fail("misaligned lr.w succeeded (%d)", v);
#endif
}

/* A fault kills the faulting process only. */
static void test_fault_alone(void)
{
    int p[2];
    OK(pipe(p));
    int sib = xfork();
    if (sib == 0) {
        char c;
        close(p[1]);
        _exit(read(p[0], &c, 1) == 1 && c == 'x' ? 7 : 8);
    }
    int pid = xfork();
    if (pid == 0) {
        *(volatile int *)unmapped_addr() = 1;
        _exit(0);
    }
    CHECK(wait_signal(pid) == SIGSEGV, "faulting child: wrong signal");
    xwrite(p[1], "x", 1);
    CHECK(wait_exit(sib) == 7, "the faulting child's sibling was disturbed");
}

/* =========================================================================== exec */

/* Modes of this program when it is the target of an exec test. */
static int exec_mode(int argc, char **argv)
{
    extern char **environ;
    const char *mode = argv[1];
    if (strcmp(mode, "--exec-echo") == 0) {
        int nenv = 0;
        for (char **e = environ; e && *e; e++)
            nenv++;
        printf("argc=%d argv0=%s\n", argc, argv[0]);
        for (int i = 2; i < argc; i++)
            printf("[%s]\n", argv[i]);
        printf("UT_ENV=%s nenv=%d\n", getenv("UT_ENV") ? getenv("UT_ENV") : "(none)", nenv);
        fflush(stdout);
        return 42;
    }
    if (strcmp(mode, "--exec-pid") == 0 && argc == 3)
        return atoi(argv[2]) == getpid() ? 42 : 1;
    if (strcmp(mode, "--exec-fds") == 0 && argc == 4) {
        char buf[16] = {0};
        if (read(atoi(argv[2]), buf, sizeof(buf)) != 8 || strcmp(buf, "hello fd") != 0)
            return 2;
        if (read(atoi(argv[3]), buf, sizeof(buf)) != -1 || errno != EBADF)
            return 3; /* O_CLOEXEC descriptor survived exec */
        return 42;
    }
    return 99; /* --exec-fail: an exec that must not have succeeded */
}

static void test_exec(void)
{
    static char longarg[3001];
    for (int i = 0; i < 3000; i++)
        longarg[i] = 'a' + i % 26;
    char *argv[] = {self_path, "--exec-echo", "a", "", "b c", longarg, 0};
    char *envp[] = {"UT_ENV=hello", "OTHER=1", 0};
    int p[2];
    OK(pipe(p));
    int pid = xfork();
    if (pid == 0) {
        OK(dup2(p[1], 1));
        close(p[0]);
        close(p[1]);
        execve(self_path, argv, envp);
        fail("execve(%s): %s", self_path, errname(errno));
    }
    close(p[1]);
    static char out[8192], want[8192];
    long n = 0, r;
    while (n < (long)sizeof(out) - 1 && (r = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
        n += r;
    out[n] = 0;
    CHECK(wait_exit(pid) == 42, "exec'd program did not exit 42");
    snprintf(want, sizeof(want), "argc=6 argv0=%s\n[a]\n[]\n[b c]\n[%s]\nUT_ENV=hello nenv=2\n",
             self_path, longarg);
    CHECK(strcmp(out, want) == 0, "exec'd program printed \"%.80s\"...", out);
}

static void test_execmany(void)
{
    for (int i = 0; i < 20; i++) {
        int pid = xfork();
        if (pid == 0) {
            char pidstr[16];
            snprintf(pidstr, sizeof(pidstr), "%d", getpid());
            char *argv[] = {self_path, "--exec-pid", pidstr, 0};
            execv(self_path, argv);
            fail("execv: %s", errname(errno));
        }
        CHECK(wait_exit(pid) == 42, "exec #%d: pid changed or exec failed", i);
    }
}

static void test_execfd(void)
{
    write_file("f", "hello fd", 8);
    int pid = xfork();
    if (pid == 0) {
        int fd = xopen("f", O_RDONLY);
        int fd2 = xopen("f", O_RDONLY | O_CLOEXEC);
        char a[16], b[16];
        snprintf(a, sizeof(a), "%d", fd);
        snprintf(b, sizeof(b), "%d", fd2);
        char *argv[] = {self_path, "--exec-fds", a, b, 0};
        execv(self_path, argv);
        fail("execv: %s", errname(errno));
    }
    int s = wait_exit(pid);
    CHECK(s != 2, "an inherited descriptor did not survive exec");
    CHECK(s != 3, "an O_CLOEXEC descriptor survived exec");
    CHECK(s == 42, "exec'd program exited %d", s);
    OK(unlink("f"));
}

static void exec_expect(const char *path, int e1, int e2)
{
    char *argv[] = {(char *)path, "--exec-fail", 0};
    int r = execv(path, argv);
    int e = errno;
    CHECK(r == -1 && (e == e1 || e == e2), "exec of %s: %s, expected %s", path, errname(e), errname(e1));
}

static void test_execerr(void)
{
    static unsigned char hdr[4096];
    int fd = xopen(self_path, O_RDONLY);
    xread(fd, hdr, sizeof(hdr));
    close(fd);
    CHECK(memcmp(hdr, "\177ELF", 4) == 0, "%s is not ELF", self_path);

    write_file("text", "this is not a program\n", 22);
    write_file("empty", "", 0);
    write_file("short", hdr, 40); /* the ELF header cut short */
    unsigned char bad[4096];
    memcpy(bad, hdr, sizeof(bad));
    bad[18] = QUILL ? 0x3e : 0xf3; /* e_machine: x86-64 on Quill, RISC-V elsewhere */
    write_file("machine", bad, sizeof(bad));
    memcpy(bad, hdr, sizeof(bad));
    memset(bad + 32, 0x7f, 8); /* e_phoff far beyond the file */
    write_file("phoff", bad, sizeof(bad));
    memcpy(bad, hdr, sizeof(bad));
    bad[56] = bad[57] = 0xff; /* e_phnum 65535 */
    write_file("phnum", bad, sizeof(bad));

    int keep = 12345;
    exec_expect("text", ENOEXEC, ENOEXEC);
    exec_expect("empty", ENOEXEC, ENOEXEC);
    exec_expect("short", ENOEXEC, ENOEXEC);
    exec_expect("machine", ENOEXEC, ENOEXEC);
    exec_expect("phoff", ENOEXEC, QUILL ? ENOEXEC : EIO);
    exec_expect("phnum", ENOEXEC, ENOEXEC);
    exec_expect("missing", ENOENT, ENOENT);
    exec_expect("text/x", ENOTDIR, ENOTDIR);
    exec_expect(".", EACCES, EISDIR);
    CHECK(keep == 12345, "memory changed by failed execs");
}

static void test_e2big(void)
{
    char *one = malloc(256 * KiB + 1);
    CHECK(one, "malloc");
    memset(one, 'x', 256 * KiB);
    one[256 * KiB] = 0;
    char *argv1[] = {self_path, "--exec-fail", one, 0};
    EXPECT_ERR(execv(self_path, argv1), E2BIG);
    char *envp[] = {one, 0};
    char *argv2[] = {self_path, "--exec-fail", 0};
    EXPECT_ERR(execve(self_path, argv2, envp), E2BIG);
    free(one);

    enum { N = 1000000 };
    char **many = malloc((N + 3) * sizeof(char *));
    CHECK(many, "malloc");
    many[0] = self_path;
    many[1] = "--exec-fail";
    for (int i = 2; i < N + 2; i++)
        many[i] = "x";
    many[N + 2] = 0;
    EXPECT_ERR(execv(self_path, many), E2BIG);
    free(many);
    test_execmany(); /* and exec still works */
}

/* ==================================================================== bad pointers */

static void test_badptr_rw(void)
{
    char *bad[] = {unmapped_addr(), KERNEL_ADDR};
    char data[100], back[100];
    pattern((unsigned char *)data, 100, 0, 3);
    write_file("f", data, 100);
    int fd = xopen("f", O_RDWR), p[2];
    OK(pipe(p));
    for (int i = 0; i < 2; i++) {
        OK(lseek(fd, 0, SEEK_SET));
        EXPECT_RAW(r_read(fd, bad[i], 10), EFAULT);
        OK(lseek(fd, 0, SEEK_SET));
        EXPECT_RAW(r_write(fd, bad[i], 10), EFAULT);
        EXPECT_RAW(r_pread(fd, bad[i], 10, 0), EFAULT);
        EXPECT_RAW(r_pwrite(fd, bad[i], 10, 0), EFAULT);
        if (QUILL) /* Linux extends the file before it faults */
            EXPECT_RAW(r_pwrite(fd, bad[i], 10, 200), EFAULT);
        EXPECT_RAW(r_write(p[1], bad[i], 10), EFAULT);
        xwrite(p[1], "0123456789", 10);
        EXPECT_RAW(r_read(p[0], bad[i], 10), EFAULT);
        EXPECT_RAW(r_write(1, bad[i], 10), EFAULT); /* the console */
    }
    if (QUILL) { /* ranges that wrap around or run into the kernel half */
        char *ok = malloc(64);
        unsigned long wrap = 0UL - (uintptr_t)ok + PAGE;
        unsigned long into = (uintptr_t)KERNEL_ADDR - (uintptr_t)ok + PAGE;
        EXPECT_RAW(r_read(fd, ok, wrap), EFAULT);
        EXPECT_RAW(r_write(fd, ok, wrap), EFAULT);
        EXPECT_RAW(r_read(fd, ok, into), EFAULT);
        EXPECT_RAW(r_write(fd, ok, into), EFAULT);
        EXPECT_RAW(r_pread(fd, ok, into, 0), EFAULT);
        EXPECT_RAW(r_pwrite(fd, ok, into, 0), EFAULT);
        free(ok);
    }
    struct stat st;
    OK(fstat(fd, &st));
    CHECK(st.st_size == 100, "file size %ld after failed writes", (long)st.st_size);
    CHECK(pread(fd, back, 100, 0) == 100 && memcmp(back, data, 100) == 0, "file changed");
    close(fd);
    OK(unlink("f"));
}

static void test_badptr_path(void)
{
    write_file("f", "x", 1);
    OK(symlink("f", "s"));
    static char stbuf[512] __attribute__((aligned(16)));
    char *end = region_end(), *bad[3] = {unmapped_addr(), KERNEL_ADDR, end - 16};
    memset(end - 16, 'a', 16); /* a path with no NUL before unmapped memory */
    for (int i = 0; i < 3; i++) {
        char *b = bad[i];
        EXPECT_RAW(r_open(b, O_RDONLY), EFAULT);
        EXPECT_RAW(r_open(b, O_CREAT | O_WRONLY), EFAULT);
        EXPECT_RAW(r_stat(b, stbuf), EFAULT);
        EXPECT_RAW(r_lstat(b, stbuf), EFAULT);
        EXPECT_RAW(r_mkdir(b), EFAULT);
        EXPECT_RAW(r_unlink(b), EFAULT);
        EXPECT_RAW(r_rmdir(b), EFAULT);
        EXPECT_RAW(r_link("f", b), EFAULT);
        EXPECT_RAW(r_link(b, "g"), EFAULT);
        EXPECT_RAW(r_symlink(b, "g"), EFAULT);
        EXPECT_RAW(r_symlink("f", b), EFAULT);
        EXPECT_RAW(r_readlink(b, stbuf, 64), EFAULT);
        EXPECT_RAW(r_rename(b, "g"), EFAULT);
        EXPECT_RAW(r_rename("f", b), EFAULT);
        EXPECT_RAW(r_chdir(b), EFAULT);
        if (i < 2) {
            EXPECT_RAW(r_readlink("s", b, 64), EFAULT);
            EXPECT_RAW(r_stat("f", b), EFAULT);
            EXPECT_RAW(r_lstat("s", b), EFAULT);
        }
    }
    CHECK(exists("f") && exists("s") && !exists("g"), "bad-pointer calls changed the directory");
    CHECK(dir_count(".") == 2, "bad-pointer calls created something");
    OK(unlink("s"));
    OK(unlink("f"));
}

static void test_badptr_misc(void)
{
    char *bad[] = {unmapped_addr(), KERNEL_ADDR};
    int lowest = OK(dup(0));
    OK(close(lowest));
    int dfd = xopen(".", O_RDONLY);
    for (int i = 0; i < 2; i++) {
        char *b = bad[i];
        EXPECT_RAW(r_pipe((int *)b), EFAULT);
        int pid = xfork();
        if (pid == 0)
            _exit(5);
        msleep(50);
        int st = 0;
        EXPECT_RAW(r_wait(pid, (int *)b), EFAULT);
        long r = r_wait(pid, &st); /* the child may or may not have been reaped */
        CHECK(r == -ECHILD || (r == pid && WEXITSTATUS(st) == 5), "wait after EFAULT: %ld %#x", r, st);
        EXPECT_RAW(r_getcwd(b, 100), EFAULT);
        EXPECT_RAW(r_fstat(dfd, b), EFAULT);
        EXPECT_RAW(r_getdents(dfd, b, 4096), EFAULT);
        EXPECT_RAW(r_nanosleep(b, 0), EFAULT);
        EXPECT_RAW(r_clock_monotonic(b), EFAULT);
        EXPECT_RAW(r_uname(b), EFAULT);
#if QUILL
        EXPECT_RAW(r_getprocs(b, 10), EFAULT);
#endif
    }
    /* fds[0] mapped, fds[1] not. */
    EXPECT_RAW(r_pipe((int *)(region_end() - sizeof(int))), EFAULT);
    close(dfd);
    int again = OK(dup(0));
    CHECK(again == lowest, "failed pipe() calls leaked descriptors (lowest free %d, was %d)", again, lowest);
    close(again);
}

static void test_badptr_exec(void)
{
    char *argv[] = {self_path, "--exec-fail", 0}, *envp[] = {0};
    for (int i = 0; i < 2; i++) {
        char *b = i ? KERNEL_ADDR : unmapped_addr();
        char *badarg[] = {self_path, b, 0};
        EXPECT_RAW(r_execve(b, argv, envp), EFAULT);
        EXPECT_RAW(r_execve(self_path, (char **)b, envp), EFAULT);
        EXPECT_RAW(r_execve(self_path, badarg, envp), EFAULT);
        EXPECT_RAW(r_execve(self_path, argv, (char **)b), EFAULT);
        EXPECT_RAW(r_execve(self_path, argv, badarg + 1), EFAULT);
    }
    char *end = region_end();
    memset(end - 16, 'a', 16);
    EXPECT_RAW(r_execve(end - 16, argv, envp), EFAULT);
    /* An argv array that runs into unmapped memory without its NULL. */
    end = region_end();
    char **av = (char **)end - 2;
    av[0] = self_path;
    av[1] = "--exec-fail";
    EXPECT_RAW(r_execve(self_path, av, envp), EFAULT);
}

/* ========================================================================== files */

static void test_bigfile(void)
{
    const long size = 5 * MiB + 1234; /* past 12 direct + 1024 indirect blocks */
    static unsigned char buf[8192];
    int fd = xopen("big", O_CREAT | O_RDWR | O_TRUNC);
    for (long pos = 0; pos < size; pos += sizeof(buf)) {
        long n = size - pos < (long)sizeof(buf) ? size - pos : (long)sizeof(buf);
        pattern(buf, n, pos, 7);
        xwrite(fd, buf, n);
    }
    struct stat st;
    OK(fstat(fd, &st));
    CHECK(st.st_size == size, "size %ld, wrote %ld", (long)st.st_size, size);
    CHECK(st.st_blocks >= size / 512, "st_blocks %ld for %ld bytes", (long)st.st_blocks, size);
    OK(lseek(fd, 0, SEEK_SET));
    long pos = 0, r;
    while ((r = read(fd, buf, 3000)) > 0) {
        long d = pattern_diff(buf, r, pos, 7);
        CHECK(d < 0, "byte %ld reads back wrong", pos + d);
        pos += r;
    }
    CHECK(r == 0 && pos == size, "read back %ld of %ld bytes (last read %ld)", pos, size, r);
    static const long at[] = {0, 12 * 4096 - 3, 1036 * 4096 - 5, 5 * MiB + 1224};
    for (int i = 0; i < 4; i++) {
        CHECK(pread(fd, buf, 10, at[i]) == 10, "pread at %ld", at[i]);
        CHECK(pattern_diff(buf, 10, at[i], 7) < 0, "pread at %ld reads wrong data", at[i]);
    }
    pattern(buf, 5000, 0, 9);
    CHECK(pwrite(fd, buf, 5000, 2 * MiB + 100) == 5000, "pwrite");
    CHECK(pread(fd, buf, 5200, 2 * MiB) == 5200, "pread");
    CHECK(pattern_diff(buf, 100, 2 * MiB, 7) < 0 && pattern_diff(buf + 100, 5000, 0, 9) < 0 &&
              pattern_diff(buf + 5100, 100, 2 * MiB + 5100, 7) < 0,
          "overwrite in the middle went wrong");
    OK(ftruncate(fd, 100000));
    OK(fstat(fd, &st));
    CHECK(st.st_size == 100000, "size %ld after ftruncate", (long)st.st_size);
    CHECK(pread(fd, buf, 10, 200000) == 0, "read past the truncated end");
    CHECK(pread(fd, buf, 100, 99950) == 50 && pattern_diff(buf, 50, 99950, 7) < 0, "truncated tail");
    close(fd);
    OK(unlink("big"));
}

static void test_sparse(void)
{
    int fd = xopen("s", O_CREAT | O_RDWR | O_TRUNC);
    CHECK(lseek(fd, 3 * MiB, SEEK_SET) == 3 * MiB, "lseek past the end");
    xwrite(fd, "end", 3);
    struct stat st;
    OK(fstat(fd, &st));
    CHECK(st.st_size == 3 * MiB + 3, "size %ld", (long)st.st_size);
    CHECK(st.st_blocks <= 64, "a 3 MiB hole uses %ld sectors", (long)st.st_blocks);
    static char buf[4096], zero[4096];
    for (long off = 0; off < 3 * MiB; off += 768 * KiB)
        CHECK(pread(fd, buf, 4096, off) == 4096 && memcmp(buf, zero, 4096) == 0, "hole at %ld", off);
    CHECK(pread(fd, buf, 10, 3 * MiB - 1) == 4 && memcmp(buf, "\0end", 4) == 0, "data after the hole");
    close(fd);
    OK(unlink("s"));
}

static void test_manyfiles(void)
{
    enum { N = 300 };
    static char seen[N];
    char name[16], buf[16];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "f%03d", i);
        write_file(name, name, 5);
    }
    DIR *d = opendir(".");
    CHECK(d, "opendir: %s", errname(errno));
    struct dirent *e;
    int dots = 0;
    while ((e = readdir(d)) != 0) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            dots++;
            continue;
        }
        int i = atoi(e->d_name + 1);
        CHECK(e->d_name[0] == 'f' && i >= 0 && i < N && !seen[i], "readdir: odd or repeated %s", e->d_name);
        seen[i] = 1;
    }
    closedir(d);
    CHECK(dots == 2, "readdir returned %d of . and ..", dots);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "f%03d", i);
        CHECK(seen[i], "readdir missed %s", name);
        CHECK(read_file(name, buf, sizeof(buf)) == 5 && !strcmp(buf, name), "%s content", name);
        OK(unlink(name));
    }
    CHECK(dir_count(".") == 0, "directory not empty after unlinking everything");
}

static void test_dirs(void)
{
    struct stat st, st2;
    OK(mkdir("a", 0755));
    EXPECT_ERR(mkdir("a", 0755), EEXIST);
    OK(mkdir("a/b", 0755));
    write_file("a/b/f", "f", 1);
    OK(stat("a", &st));
    CHECK(S_ISDIR(st.st_mode) && st.st_nlink == 3, "a: mode %o nlink %ld", st.st_mode, (long)st.st_nlink);
    OK(stat("a/b/..", &st2));
    CHECK(st2.st_ino == st.st_ino, "a/b/.. is not a");
    OK(stat(".", &st));
    OK(stat("a/..", &st2));
    CHECK(st2.st_ino == st.st_ino, "a/.. is not .");
    EXPECT_ERR2(rmdir("a"), ENOTEMPTY, EEXIST);
    EXPECT_ERR(rmdir("a/b/f"), ENOTDIR);
    EXPECT_ERR2(unlink("a"), EISDIR, EPERM);
    EXPECT_ERR(open("a", O_WRONLY), EISDIR);
    EXPECT_ERR(open("a", O_RDWR), EISDIR);
    EXPECT_ERR(open("nope", O_RDONLY), ENOENT);
    EXPECT_ERR(open("nope/x", O_CREAT | O_WRONLY, 0644), ENOENT);
    EXPECT_ERR(open("", O_RDONLY), ENOENT);
    EXPECT_ERR(open("a/b/f/x", O_RDONLY), ENOTDIR);
    EXPECT_ERR(mkdir("a/b/f/x", 0755), ENOTDIR);
    EXPECT_ERR(chdir("a/b/f"), ENOTDIR);
    EXPECT_ERR(open("a/b/f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    EXPECT_ERR(open("a/b/f", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);

    char name[NAME_LIMIT + 2];
    memset(name, 'n', NAME_LIMIT + 1);
    name[NAME_LIMIT + 1] = 0;
    EXPECT_ERR(open(name, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
    EXPECT_ERR(mkdir(name, 0755), ENAMETOOLONG);
    EXPECT_ERR(stat(name, &st), ENAMETOOLONG);
    name[NAME_LIMIT] = 0;
    write_file(name, "longest", 7);
    OK(unlink(name));

    OK(unlink("a/b/f"));
    OK(rmdir("a/b"));
    OK(stat("a", &st));
    CHECK(st.st_nlink == 2, "a has nlink %ld after rmdir of its only subdirectory", (long)st.st_nlink);
    OK(rmdir("a"));
    EXPECT_ERR(stat("a", &st), ENOENT);
}

static void test_cwd(void)
{
    char start[1024], buf[1100], want[1100];
    CHECK(getcwd(start, sizeof(start)), "getcwd: %s", errname(errno));
    CHECK(start[0] == '/' && strstr(start, "/cwd"), "getcwd says %s", start);
    OK(mkdir("c1", 0755));
    OK(mkdir("c1/c2", 0755));
    OK(chdir("c1/c2"));
    snprintf(want, sizeof(want), "%s/c1/c2", start);
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, want), "getcwd in c1/c2: %s", buf);
    write_file("f", "x", 1);
    OK(chdir("../.."));
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, start), "getcwd after ../..: %s", buf);
    CHECK(exists("c1/c2/f"), "relative create went elsewhere");
    CHECK(getcwd(buf, 2) == 0 && errno == ERANGE, "getcwd into 2 bytes: %s", errname(errno));
    EXPECT_ERR(chdir("nope"), ENOENT);
    OK(chdir("/"));
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, "/"), "getcwd at the root: %s", buf);
    OK(chdir(start));
    OK(chdir("c1"));
    int pid = xfork();
    if (pid == 0) { /* inherits the cwd; its chdir is its own */
        snprintf(want, sizeof(want), "%s/c1", start);
        CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, want), "child's cwd %s", buf);
        OK(chdir("/"));
        _exit(0);
    }
    wait_ok(pid, "child");
    CHECK(exists("c2/f"), "the child's chdir moved the parent");
    OK(chdir(".."));
    OK(unlink("c1/c2/f"));
    OK(rmdir("c1/c2"));
    OK(rmdir("c1"));
}

static void test_links(void)
{
    struct stat a, b;
    char buf[32];
    write_file("a", "hello", 5);
    OK(link("a", "b"));
    OK(stat("a", &a));
    OK(stat("b", &b));
    CHECK(a.st_ino == b.st_ino && a.st_nlink == 2, "link: ino %ld/%ld nlink %ld", (long)a.st_ino,
          (long)b.st_ino, (long)a.st_nlink);
    OK(unlink("a"));
    CHECK(read_file("b", buf, sizeof(buf)) == 5 && !strcmp(buf, "hello"), "content lost with a link");
    OK(stat("b", &b));
    CHECK(b.st_nlink == 1, "nlink %ld after unlink", (long)b.st_nlink);
    EXPECT_ERR(link("b", "b"), EEXIST);
    EXPECT_ERR(link("nope", "c"), ENOENT);
    OK(mkdir("d", 0755));
    EXPECT_ERR2(link("d", "e"), EPERM, EISDIR);
    OK(link("b", "c"));
    int fd = xopen("c", O_WRONLY | O_APPEND);
    xwrite(fd, " world", 6);
    close(fd);
    CHECK(read_file("b", buf, sizeof(buf)) == 11 && !strcmp(buf, "hello world"), "write via a link");
    char name[16];
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "l%d", i);
        OK(link("b", name));
    }
    OK(stat("c", &b));
    CHECK(b.st_nlink == 22, "nlink %ld, expected 22", (long)b.st_nlink);
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "l%d", i);
        OK(unlink(name));
    }
    OK(unlink("b"));
    OK(unlink("c"));
    OK(rmdir("d"));
}

static void test_rename(void)
{
    struct stat st, st2;
    char buf[8];
    write_file("a", "A", 1);
    OK(rename("a", "b"));
    CHECK(!exists("a") && read_file("b", buf, 8) == 1 && buf[0] == 'A', "rename a b");
    write_file("c", "C", 1);
    OK(rename("b", "c"));
    CHECK(!exists("b") && read_file("c", buf, 8) == 1 && buf[0] == 'A', "rename over a file");
    OK(rename("c", "c"));
    CHECK(exists("c"), "rename to itself removed it");
    OK(mkdir("d", 0755));
    OK(rename("c", "d/c"));
    OK(mkdir("e", 0755));
    OK(rename("d", "e/d"));
    CHECK(exists("e/d/c") && !exists("d"), "moving a directory");
    OK(stat("e", &st));
    OK(stat("e/d/..", &st2));
    CHECK(st.st_ino == st2.st_ino, "a moved directory's .. is stale");
    CHECK(st.st_nlink == 3, "new parent nlink %ld", (long)st.st_nlink);
    OK(stat(".", &st));
    CHECK(st.st_nlink == 3, "old parent nlink %ld", (long)st.st_nlink);
    EXPECT_ERR(rename("e", "e/d/x"), EINVAL);
    EXPECT_ERR(rename("nope", "x"), ENOENT);
    write_file("f", "F", 1);
    EXPECT_ERR(rename("f", "e"), EISDIR);
    OK(mkdir("g", 0755));
    EXPECT_ERR(rename("g", "f"), ENOTDIR);
    EXPECT_ERR2(rename("g", "e"), ENOTEMPTY, EEXIST);
    OK(mkdir("h", 0755));
    OK(rename("g", "h"));
    CHECK(!exists("g") && exists("h"), "rename over an empty directory");
    OK(link("f", "f2"));
    OK(rename("f", "f2")); /* two names of one file: nothing happens */
    CHECK(exists("f") && exists("f2"), "rename between links of one file removed a name");
    OK(unlink("f"));
    OK(unlink("f2"));
    OK(rmdir("h"));
    OK(unlink("e/d/c"));
    OK(rmdir("e/d"));
    OK(rmdir("e"));
}

static void test_symlinks(void)
{
    char buf[64];
    struct stat st;
    write_file("t", "target", 6);
    OK(symlink("t", "l"));
    CHECK(readlink("l", buf, sizeof(buf)) == 1 && buf[0] == 't', "readlink l");
    OK(stat("l", &st));
    CHECK(S_ISREG(st.st_mode) && st.st_size == 6, "stat follows the link");
    OK(lstat("l", &st));
    CHECK(S_ISLNK(st.st_mode) && st.st_size == 1, "lstat of a link");
    CHECK(read_file("l", buf, sizeof(buf)) == 6 && !strcmp(buf, "target"), "open through a link");
    OK(symlink("abcdef", "long"));
    CHECK(readlink("long", buf, 3) == 3 && !memcmp(buf, "abc", 3), "readlink into a short buffer");
    OK(symlink("nope", "dangle"));
    EXPECT_ERR(open("dangle", O_RDONLY), ENOENT);
    OK(lstat("dangle", &st));
    OK(symlink("loop2", "loop1"));
    OK(symlink("loop1", "loop2"));
    EXPECT_ERR(open("loop1", O_RDONLY), ELOOP);
    EXPECT_ERR(stat("loop1", &st), ELOOP);
    EXPECT_ERR(readlink("t", buf, sizeof(buf)), EINVAL);
    EXPECT_ERR(symlink("x", "t"), EEXIST);
    OK(mkdir("d", 0755));
    write_file("d/x", "in d", 4);
    OK(symlink("x", "d/lx")); /* relative to the link's own directory */
    CHECK(read_file("d/lx", buf, sizeof(buf)) == 4 && !strcmp(buf, "in d"), "relative link in a subdir");
    OK(symlink("d", "ld"));
    CHECK(read_file("ld/x", buf, sizeof(buf)) == 4, "path through a link to a directory");
    char abs[PATH_MAX];
    CHECK(getcwd(abs, sizeof(abs) - 3), "getcwd");
    strcat(abs, "/t");
    OK(symlink(abs, "abs"));
    CHECK(read_file("abs", buf, sizeof(buf)) == 6, "absolute link");
    OK(unlink("l"));
    CHECK(exists("t"), "unlink of a link removed its target");
    static const char *names[] = {"t", "long", "dangle", "loop1", "loop2", "d/x", "d/lx", "ld", "abs"};
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        OK(unlink(names[i]));
    OK(rmdir("d"));
}

static void test_truncate(void)
{
    static unsigned char buf[20000], zero[20000];
    pattern(buf, 10000, 0, 1);
    write_file("f", buf, 10000);
    int fd = xopen("f", O_WRONLY | O_TRUNC);
    struct stat st;
    OK(fstat(fd, &st));
    CHECK(st.st_size == 0, "O_TRUNC left %ld bytes", (long)st.st_size);
    close(fd);
    write_file("f", buf, 10000);
    fd = xopen("f", O_RDWR);
    OK(ftruncate(fd, 5000));
    OK(ftruncate(fd, 20000));
    CHECK(pread(fd, buf, 20000, 0) == 20000, "pread");
    CHECK(pattern_diff(buf, 5000, 0, 1) < 0, "data below the cut changed");
    CHECK(memcmp(buf + 5000, zero, 15000) == 0, "regrown bytes are not zero");
    OK(ftruncate(fd, 0));
    OK(fstat(fd, &st));
    CHECK(st.st_size == 0, "ftruncate(0): size %ld", (long)st.st_size);
    close(fd);
    fd = xopen("f", O_RDONLY);
    EXPECT_ERR2(ftruncate(fd, 10), EBADF, EINVAL);
    close(fd);
    OK(unlink("f"));
}

/* Two processes append records through separate descriptors: none is lost. */
static void test_append(void)
{
    enum { N = 200 };
    write_file("log", "", 0);
    int pids[2];
    for (int w = 0; w < 2; w++) {
        if ((pids[w] = xfork()) == 0) {
            int fd = xopen("log", O_WRONLY | O_APPEND);
            char rec[16];
            for (int i = 0; i < N; i++) {
                snprintf(rec, sizeof(rec), "%c%08d\n", 'A' + w, i);
                xwrite(fd, rec, 10);
            }
            _exit(0);
        }
    }
    wait_ok(pids[0], "appender");
    wait_ok(pids[1], "appender");
    static char buf[2 * N * 10 + 1];
    CHECK(read_file("log", buf, sizeof(buf)) == 2 * N * 10, "log has %ld bytes", (long)strlen(buf));
    int next[2] = {0, 0};
    for (int r = 0; r < 2 * N; r++) {
        char *rec = buf + 10 * r;
        int w = rec[0] - 'A';
        CHECK((w == 0 || w == 1) && rec[9] == '\n' && atoi(rec + 1) == next[w], "record %d mangled", r);
        next[w]++;
    }
    int fd = xopen("log", O_RDWR | O_APPEND);
    OK(lseek(fd, 0, SEEK_SET));
    xwrite(fd, "z", 1);
    CHECK(lseek(fd, 0, SEEK_CUR) == 2 * N * 10 + 1, "O_APPEND write did not go to the end");
    close(fd);
    OK(unlink("log"));
}

static void test_lseek(void)
{
    char buf[100];
    pattern((unsigned char *)buf, 100, 0, 4);
    write_file("f", buf, 100);
    int fd = xopen("f", O_RDONLY), p[2];
    CHECK(lseek(fd, 0, SEEK_END) == 100, "SEEK_END");
    CHECK(lseek(fd, -10, SEEK_END) == 90, "SEEK_END - 10");
    CHECK(read(fd, buf, 100) == 10 && pattern_diff((unsigned char *)buf, 10, 90, 4) < 0, "read at 90");
    CHECK(lseek(fd, 5, SEEK_CUR) == 105, "SEEK_CUR past the end");
    CHECK(read(fd, buf, 10) == 0, "read past the end");
    EXPECT_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    EXPECT_ERR(lseek(fd, 0, 99), EINVAL);
    CHECK(lseek(fd, 0, SEEK_CUR) == 105, "a failed lseek moved the offset");
    OK(pipe(p));
    EXPECT_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
    close(fd);
    EXPECT_ERR(lseek(fd, 0, SEEK_SET), EBADF);
    OK(unlink("f"));
}

static void test_unlinkopen(void)
{
    static unsigned char buf[10000];
    pattern(buf, sizeof(buf), 0, 5);
    write_file("f", buf, sizeof(buf));
    int fd = xopen("f", O_RDWR);
    OK(unlink("f"));
    struct stat st;
    EXPECT_ERR(stat("f", &st), ENOENT);
    OK(fstat(fd, &st));
    CHECK(st.st_nlink == 0 && st.st_size == 10000, "unlinked open file: nlink %ld size %ld",
          (long)st.st_nlink, (long)st.st_size);
    write_file("f", "new", 3); /* a new file with the old name */
    memset(buf, 0, sizeof(buf));
    CHECK(read(fd, buf, sizeof(buf)) == 10000 && pattern_diff(buf, 10000, 0, 5) < 0, "old data");
    xwrite(fd, "more", 4);
    int pid = xfork();
    if (pid == 0) {
        char c[4];
        CHECK(pread(fd, c, 4, 10000) == 4 && !memcmp(c, "more", 4), "child reads the unlinked file");
        _exit(0);
    }
    wait_ok(pid, "child");
    close(fd);
    CHECK(read_file("f", (char *)buf, 16) == 3, "new file disturbed");
    OK(unlink("f"));
}

static void test_sharedoffset(void)
{
    int fd = xopen("f", O_CREAT | O_RDWR | O_TRUNC), to_c[2], to_p[2];
    OK(pipe(to_c));
    OK(pipe(to_p));
    char tok, rec[4];
    int pid = xfork();
    if (pid == 0) {
        for (int i = 0; i < 20; i++) {
            xread(to_c[0], &tok, 1);
            snprintf(rec, sizeof(rec), "C%02d", i);
            xwrite(fd, rec, 3);
            xwrite(to_p[1], "t", 1);
        }
        OK(lseek(fd, 0, SEEK_SET));
        _exit(0);
    }
    for (int i = 0; i < 20; i++) {
        snprintf(rec, sizeof(rec), "P%02d", i);
        xwrite(fd, rec, 3);
        xwrite(to_c[1], "t", 1);
        xread(to_p[0], &tok, 1);
    }
    wait_ok(pid, "child");
    CHECK(lseek(fd, 0, SEEK_CUR) == 0, "the child's lseek did not move the shared offset");
    static char buf[200], want[200];
    for (int i = 0; i < 20; i++)
        snprintf(want + 6 * i, 7, "P%02dC%02d", i, i);
    CHECK(read(fd, buf, sizeof(buf)) == 120 && !memcmp(buf, want, 120), "interleaved writes: %.30s", buf);
    close(fd);
    OK(unlink("f"));
}

static void test_dup(void)
{
    char buf[8];
    int fd = xopen("f", O_CREAT | O_RDWR | O_TRUNC);
    int d = OK(dup(fd));
    CHECK(d == fd + 1, "dup returned %d, lowest free was %d", d, fd + 1);
    xwrite(fd, "ab", 2);
    xwrite(d, "cd", 2);
    close(fd);
    OK(lseek(d, 0, SEEK_SET));
    CHECK(read(d, buf, 8) == 4 && !memcmp(buf, "abcd", 4), "dup'd descriptors do not share the offset");
    CHECK(dup2(d, 20) == 20 && dup2(d, 20) == 20 && dup2(d, d) == d, "dup2");
    CHECK(pread(20, buf, 4, 0) == 4 && !memcmp(buf, "abcd", 4), "read via dup2's copy");
    write_file("g", "gg", 2);
    int g = xopen("g", O_RDWR);
    CHECK(dup2(d, g) == g, "dup2 onto an open descriptor");
    xwrite(g, "ef", 2);
    CHECK(read_file("g", buf, 8) == 2 && !strcmp(buf, "gg"), "dup2 did not replace the old file");
    CHECK(read_file("f", buf, 8) == 6 && !strcmp(buf, "abcdef"), "write via dup2'd descriptor");
    close(g);
    close(20);
    EXPECT_ERR(dup(99), EBADF);
    EXPECT_ERR(dup2(99, 5), EBADF);
    EXPECT_ERR(dup2(d, -1), EBADF);
    EXPECT_ERR(dup2(d, 100000), EBADF);
    EXPECT_ERR(close(99), EBADF);
    EXPECT_ERR(close(-1), EBADF);
    EXPECT_ERR(read(99, buf, 1), EBADF);
    EXPECT_ERR(write(99, buf, 1), EBADF);
    close(d);
    EXPECT_ERR(write(d, "x", 1), EBADF);
    int r = xopen("f", O_RDONLY), w = xopen("f", O_WRONLY);
    EXPECT_ERR(write(r, "x", 1), EBADF);
    EXPECT_ERR(read(w, buf, 1), EBADF);
    close(r);
    close(w);
    OK(unlink("f"));
    OK(unlink("g"));
}

static void test_lowestfd(void)
{
    write_file("f", "x", 1);
    int a = xopen("f", O_RDONLY), b = xopen("f", O_RDONLY), c = xopen("f", O_RDONLY);
    CHECK(b == a + 1 && c == b + 1, "open returned %d %d %d", a, b, c);
    close(b);
    CHECK(xopen("f", O_RDONLY) == b, "open did not reuse the lowest free descriptor");
    close(a);
    CHECK(xopen("f", O_RDONLY) == a, "open did not reuse the lowest free descriptor");
    close(0);
    CHECK(xopen("f", O_RDONLY) == 0, "open did not return 0 after close(0)");
    OK(unlink("f"));
}

static void test_manyfds(void)
{
    enum { MAX = 2000 };
    static int fds[MAX];
    write_file("f", "many", 4);
    int first = OK(dup(0)), n = 0;
    close(first);
    for (; n < MAX; n++) {
        int fd = open("f", O_RDONLY);
        if (fd < 0) {
            CHECK(n >= 200, "open #%d failed: %s", n, errname(errno));
            CHECK(errno == EMFILE || errno == ENFILE, "descriptor limit: %s", errname(errno));
            break;
        }
        CHECK(n == 0 ? fd == first : fd > fds[n - 1], "open #%d returned %d", n, fd);
        fds[n] = fd;
    }
    CHECK(fds[n - 1] >= 255, "only %d descriptors per process", fds[n - 1] + 1);
    char buf[4];
    CHECK(pread(fds[n - 1], buf, 4, 0) == 4 && !memcmp(buf, "many", 4), "read via the last");
    for (int i = 0; i < n; i++)
        OK(close(fds[i]));
    CHECK(xopen("f", O_RDONLY) == first, "descriptors not all freed");
    OK(unlink("f"));
}

/* Processes race create/unlink/link/rename/mkdir/rmdir on shared names. */
static void fs_race(int iters)
{
    enum { W = 4, NAMES = 8 };
    int pids[W];
    for (int w = 0; w < W; w++) {
        if ((pids[w] = xfork()) != 0)
            continue;
        unsigned seed = 12345 + w * 777;
        char a[8], b[8];
        for (int i = 0; i < iters; i++) {
            seed = seed * 1103515245 + 12345;
            int op = (seed >> 8) % 7;
            snprintf(a, sizeof(a), "n%u", (seed >> 12) % NAMES);
            snprintf(b, sizeof(b), "n%u", (seed >> 20) % NAMES);
            long r = 0;
            int fd;
            struct stat st;
            switch (op) {
            case 0:
                fd = open(a, O_CREAT | O_WRONLY, 0644);
                CHECK(fd >= 0, "create %s: %s", a, errname(errno));
                xwrite(fd, "data", 4);
                close(fd);
                break;
            case 1: r = unlink(a); break;
            case 2: r = link(a, b); break;
            case 3: r = rename(a, b); break;
            case 4: r = mkdir(a[1] < '4' ? "d0" : "d1", 0755); break;
            case 5: r = rmdir(a[1] < '4' ? "d0" : "d1"); break;
            case 6:
                r = stat(a, &st);
                CHECK(r < 0 || (S_ISREG(st.st_mode) && (st.st_size == 0 || st.st_size == 4)),
                      "stat %s: mode %o size %ld", a, st.st_mode, (long)st.st_size);
                break;
            }
            CHECK(r == 0 || errno == ENOENT || errno == EEXIST, "op %d on %s %s: %s", op, a, b,
                  errname(errno));
        }
        _exit(0);
    }
    for (int w = 0; w < W; w++)
        wait_ok(pids[w], "racer");
    /* Consistent end state: regular files with intact data, nlink = names. */
    struct stat st[NAMES];
    int present[NAMES];
    char name[8], buf[8];
    for (int i = 0; i < NAMES; i++) {
        snprintf(name, sizeof(name), "n%d", i);
        present[i] = lstat(name, &st[i]) == 0;
        if (!present[i])
            continue;
        CHECK(S_ISREG(st[i].st_mode), "%s is not a regular file", name);
        long n = read_file(name, buf, sizeof(buf));
        CHECK((n == 0 && st[i].st_size == 0) || (n == 4 && !strcmp(buf, "data")), "%s content", name);
    }
    for (int i = 0; i < NAMES; i++) {
        if (!present[i])
            continue;
        long names = 0;
        for (int k = 0; k < NAMES; k++)
            names += present[k] && st[k].st_ino == st[i].st_ino;
        CHECK((long)st[i].st_nlink == names, "n%d: nlink %ld but %ld names", i, (long)st[i].st_nlink, names);
    }
    for (int i = 0; i < NAMES; i++) {
        snprintf(name, sizeof(name), "n%d", i);
        if (present[i])
            OK(unlink(name));
    }
    if (exists("d0"))
        OK(rmdir("d0"));
    if (exists("d1"))
        OK(rmdir("d1"));
    CHECK(dir_count(".") == 0, "leftovers after the race");
}

static void test_fsrace(void) { fs_race(300); }
static void test_fsrace_long(void) { fs_race(3000); }

/* Racing O_CREAT|O_EXCL: exactly one process creates the file each round. */
static void test_excl(void)
{
    for (int round = 0; round < 20; round++) {
        int p[2], pids[4], created = 0;
        OK(pipe(p));
        for (int w = 0; w < 4; w++) {
            if ((pids[w] = xfork()) == 0) {
                char c;
                close(p[1]);
                if (read(p[0], &c, 1) != 0)
                    _exit(3);
                int fd = open("x", O_CREAT | O_EXCL | O_WRONLY, 0644);
                if (fd >= 0)
                    _exit(1);
                _exit(errno == EEXIST ? 0 : 2);
            }
        }
        close(p[0]);
        close(p[1]); /* go */
        for (int w = 0; w < 4; w++) {
            int s = wait_exit(pids[w]);
            CHECK(s <= 1, "round %d: racer exit %d", round, s);
            created += s;
        }
        CHECK(created == 1, "round %d: %d processes created the same file", round, created);
        OK(unlink("x"));
    }
}

/* Processes create, check and remove their own files in one shared directory. */
static void test_concdirs(void)
{
    int pids[4];
    for (int w = 0; w < 4; w++) {
        if ((pids[w] = xfork()) != 0)
            continue;
        char name[16], buf[16];
        for (int i = 0; i < 50; i++) {
            snprintf(name, sizeof(name), "w%d_%d", w, i);
            write_file(name, name, strlen(name));
        }
        for (int i = 0; i < 50; i++) {
            snprintf(name, sizeof(name), "w%d_%d", w, i);
            CHECK(read_file(name, buf, sizeof(buf)) == (long)strlen(name) && !strcmp(buf, name),
                  "%s has the wrong content", name);
            OK(unlink(name));
        }
        _exit(0);
    }
    for (int w = 0; w < 4; w++)
        wait_ok(pids[w], "directory worker");
    CHECK(dir_count(".") == 0, "leftover files");
}

/* Write until the disk is full; the space comes back after unlink. */
static long fill_disk(void)
{
    static unsigned char buf[64 * 1024];
    memset(buf, 0xab, sizeof(buf));
    int fd = xopen("fill", O_CREAT | O_WRONLY | O_TRUNC);
    long total = 0, r;
    while ((r = write(fd, buf, sizeof(buf))) == (long)sizeof(buf))
        total += r;
    if (r > 0) { /* a short write; the next one must fail */
        total += r;
        r = write(fd, buf, sizeof(buf));
    }
    CHECK(r == -1 && errno == ENOSPC, "write on a full disk: %ld (%s)", r, errname(errno));
    struct stat st;
    OK(fstat(fd, &st));
    CHECK(st.st_size == total, "size %ld, wrote %ld", (long)st.st_size, total);
    close(fd);
    return total;
}

static void test_diskfull(void)
{
    long first = fill_disk();
    CHECK(first > 8 * MiB, "the disk filled after %ld KiB", first / KiB);
    char buf[8];
    CHECK(read_file("fill", buf, sizeof(buf)) == 7, "cannot read a file on a full disk");
    OK(unlink("fill"));
    long again = fill_disk();
    CHECK(again == first, "first fill %ld bytes, second %ld: blocks leak", first, again);
    OK(unlink("fill"));
}

/* Create empty files until the inodes run out; freed inodes are reused. */
static int fill_inodes(int *ndirs, int start)
{
    char name[32];
    int n = start;
    for (;; n++) {
        if (n % 200 == 0 && n / 200 >= *ndirs) {
            snprintf(name, sizeof(name), "d%d", n / 200);
            if (mkdir(name, 0755) != 0) {
                CHECK(errno == ENOSPC, "mkdir %s: %s", name, errname(errno));
                return n;
            }
            (*ndirs)++;
        }
        snprintf(name, sizeof(name), "d%d/f%d", n / 200, n);
        int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) {
            CHECK(errno == ENOSPC, "create %s: %s", name, errname(errno));
            return n;
        }
        close(fd);
    }
}

static void test_inodes(void)
{
    int ndirs = 0;
    char name[32];
    int n = fill_inodes(&ndirs, 0);
    CHECK(n > 500, "inodes ran out after %d files", n);
    int freed = 0;
    for (int i = 0; i < n; i += 2, freed++) {
        snprintf(name, sizeof(name), "d%d/f%d", i / 200, i);
        OK(unlink(name));
    }
    /* Refill with new names in the existing directories. */
    int made = 0;
    for (;; made++) {
        snprintf(name, sizeof(name), "d%d/g%d", made % ndirs, made);
        int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) {
            CHECK(errno == ENOSPC, "create %s: %s", name, errname(errno));
            break;
        }
        close(fd);
    }
    CHECK(made == freed, "freed %d inodes but could create %d files", freed, made);
    for (int i = 1; i < n; i += 2) {
        snprintf(name, sizeof(name), "d%d/f%d", i / 200, i);
        OK(unlink(name));
    }
    for (int i = 0; i < made; i++) {
        snprintf(name, sizeof(name), "d%d/g%d", i % ndirs, i);
        OK(unlink(name));
    }
    for (int d = 0; d < ndirs; d++) {
        snprintf(name, sizeof(name), "d%d", d);
        OK(rmdir(name));
    }
}

/* ========================================================================== pipes */

static void test_pipe(void)
{
    int lowest = OK(dup(0)), p[2];
    close(lowest);
    OK(pipe(p));
    CHECK(p[0] == lowest && p[1] == lowest + 1, "pipe gave %d %d, lowest free %d", p[0], p[1], lowest);
    EXPECT_ERR(write(p[0], "x", 1), EBADF);
    EXPECT_ERR(read(p[1], p, 1), EBADF);
    int pid = xfork();
    if (pid == 0) {
        unsigned char buf[1000];
        close(p[0]);
        for (int i = 0; i < 5; i++) {
            pattern(buf, 1000, 1000 * i, 2);
            xwrite(p[1], buf, 1000);
        }
        _exit(0);
    }
    close(p[1]);
    unsigned char buf[700];
    long total = 0, r;
    while ((r = read(p[0], buf, sizeof(buf))) > 0) {
        CHECK(pattern_diff(buf, r, total, 2) < 0, "pipe data wrong at %ld", total);
        total += r;
    }
    CHECK(r == 0 && total == 5000, "read %ld bytes then %ld", total, r);
    wait_ok(pid, "writer");
    close(p[0]);
}

/* EOF only once every write end is closed, the child's copy included. */
static void test_pipeeof(void)
{
    int p[2], go[2];
    char c;
    OK(pipe(p));
    OK(pipe(go));
    int pid = xfork();
    if (pid == 0) {
        close(p[0]);
        xwrite(p[1], "x", 1);
        xread(go[0], &c, 1);
        msleep(200);
        xwrite(p[1], "y", 1);
        _exit(0);
    }
    close(p[1]);
    CHECK(read(p[0], &c, 1) == 1 && c == 'x', "first byte");
    xwrite(go[1], "g", 1);
    CHECK(read(p[0], &c, 1) == 1 && c == 'y', "EOF while the child still held a write end");
    CHECK(read(p[0], &c, 1) == 0, "no EOF after the last writer exited");
    CHECK(read(p[0], &c, 1) == 0, "EOF is not sticky");
    wait_ok(pid, "child");
}

static void test_pipeepipe(void)
{
    int p[2];
    char c;
    signal(SIGPIPE, SIG_IGN);
    OK(pipe(p));
    close(p[0]);
    EXPECT_ERR(write(p[1], "x", 1), EPIPE);
    close(p[1]);

    OK(pipe(p));
    int pid = xfork();
    if (pid == 0) { /* blocks in a big write; the reader goes away */
        long n = 1 << 20;
        char *big = calloc(1, n);
        CHECK(big, "malloc");
        close(p[0]);
        long r = write(p[1], big, n);
        if (r > 0 && r < n)
            r = write(p[1], big, n);
        _exit(r == -1 && errno == EPIPE ? 0 : 1);
    }
    close(p[1]);
    CHECK(read(p[0], &c, 1) == 1, "read");
    msleep(100);
    close(p[0]);
    CHECK(wait_exit(pid) == 0, "a writer blocked on a full pipe did not get EPIPE when the reader left");
}

static void test_pipebig(void)
{
    enum { N = 1 << 20 };
    int p[2];
    OK(pipe(p));
    int pid = xfork();
    if (pid == 0) {
        unsigned char *buf = malloc(N);
        CHECK(buf, "malloc");
        pattern(buf, N, 0, 8);
        close(p[0]);
        long r = write(p[1], buf, N);
        CHECK(r == N, "1 MiB write to a pipe returned %ld", r);
        _exit(0);
    }
    close(p[1]);
    static unsigned char buf[1000];
    long total = 0, r;
    while ((r = read(p[0], buf, sizeof(buf))) > 0) {
        CHECK(pattern_diff(buf, r, total, 8) < 0, "pipe data wrong at %ld", total);
        total += r;
    }
    CHECK(total == N, "read %ld of %d bytes", total, N);
    wait_ok(pid, "writer");
}

static void test_pipeblock(void)
{
    int p[2], go[2];
    char c;
    OK(pipe(p));
    OK(pipe(go));
    long t0 = now_ns();
    int pid = xfork();
    if (pid == 0) {
        msleep(300);
        xwrite(p[1], "late", 4);
        xread(go[0], &c, 1); /* keep the write end open */
        _exit(0);
    }
    close(p[1]);
    char buf[100];
    long r = read(p[0], buf, sizeof(buf)); /* blocks, then returns what is there */
    long dt = now_ns() - t0;
    CHECK(r == 4 && !memcmp(buf, "late", 4), "read returned %ld", r);
    CHECK(dt >= 300000000L, "read returned after %ld ns, before the data was written", dt);
    xwrite(go[1], "g", 1);
    wait_ok(pid, "writer");
}

static void test_pipemany(void)
{
    int lowest = OK(dup(0)), p[2];
    close(lowest);
    char c;
    for (int i = 0; i < 500; i++) {
        OK(pipe(p));
        xwrite(p[1], "z", 1);
        CHECK(read(p[0], &c, 1) == 1 && c == 'z', "pipe %d", i);
        close(p[0]);
        close(p[1]);
    }
    static int fds[200];
    for (int i = 0; i < 100; i++)
        OK(pipe(fds + 2 * i));
    for (int i = 0; i < 200; i++)
        OK(close(fds[i]));
    int again = OK(dup(0));
    CHECK(again == lowest, "pipes leaked descriptors");
    close(again);
}

/* Several pipe pairs stream 4 MiB each at the same time. */
static void test_pipestress(void)
{
    enum { PAIRS = 4, N = 4 << 20 };
    int pids[2 * PAIRS];
    for (int k = 0; k < PAIRS; k++) {
        int p[2];
        OK(pipe(p));
        if ((pids[2 * k] = xfork()) == 0) {
            static unsigned char buf[4096];
            close(p[0]);
            for (long pos = 0; pos < N; pos += sizeof(buf)) {
                pattern(buf, sizeof(buf), pos, k);
                xwrite(p[1], buf, sizeof(buf));
            }
            _exit(0);
        }
        if ((pids[2 * k + 1] = xfork()) == 0) {
            static unsigned char buf[3000];
            close(p[1]);
            long total = 0, r;
            while ((r = read(p[0], buf, sizeof(buf))) > 0) {
                CHECK(pattern_diff(buf, r, total, k) < 0, "pair %d: wrong data at %ld", k, total);
                total += r;
            }
            CHECK(total == N, "pair %d: %ld bytes", k, total);
            _exit(0);
        }
        close(p[0]);
        close(p[1]);
    }
    for (int i = 0; i < 2 * PAIRS; i++)
        wait_ok(pids[i], "pipe streamer");
}

/* ========================================================================= runner */

enum { QUICK = 0, SLOW = 1 };
enum { ANY = 0, QONLY = 1 }; /* QONLY: means nothing on a Linux host */

static const struct test {
    const char *name;
    void (*fn)(void);
    int slow;
    int sig; /* the signal that must end the test, or 0: it must exit 0 */
    int where;
} tests[] = {
    {"fork", test_fork, QUICK, 0, ANY},
    {"forkconc", test_forkconc, QUICK, 0, ANY},
    {"exitcode", test_exitcode, QUICK, 0, ANY},
    {"waitpid", test_waitpid, QUICK, 0, ANY},
    {"zombie", test_zombie, QUICK, 0, ANY},
    {"orphan", test_orphan, QUICK, 0, ANY},
    {"killsleep", test_killsleep, QUICK, 0, ANY},
    {"killspin", test_killspin, QUICK, 0, ANY},
    {"killerr", test_killerr, QUICK, 0, ANY},
    {"preempt", test_preempt, QUICK, 0, ANY},
    {"proclimit", test_proclimit, QUICK, 0, ANY},
    {"getpid", test_getpid, QUICK, 0, ANY},
    {"sleep", test_sleep, QUICK, 0, ANY},
    {"uname", test_uname, QUICK, 0, ANY},
    {"getprocs", test_getprocs, QUICK, 0, QONLY},
    {"cow", test_cow, QUICK, 0, ANY},
    {"sbrk", test_sbrk, QUICK, 0, ANY},
    {"oom", test_oom, QUICK, 0, ANY},
    {"stack", test_stack, QUICK, 0, ANY},
    {"stackoverflow", test_stackoverflow, QUICK, SIGSEGV, ANY},
    {"fault-load", test_fault_load, QUICK, SIGSEGV, ANY},
    {"fault-store", test_fault_store, QUICK, SIGSEGV, ANY},
    {"fault-text", test_fault_text, QUICK, SIGSEGV, ANY},
    {"fault-kread", test_fault_kread, QUICK, SIGSEGV, ANY},
    {"fault-kwrite", test_fault_kwrite, QUICK, SIGSEGV, ANY},
    {"fault-jump", test_fault_jump, QUICK, SIGSEGV, ANY},
    {"fault-kjump", test_fault_kjump, QUICK, SIGSEGV, ANY},
    {"fault-illegal", test_fault_illegal, QUICK, SIGILL, ANY},
    {"fault-priv", test_fault_priv, QUICK, SIGILL, QONLY},
    {"fault-misalign", test_fault_misalign, QUICK, SIGBUS, QONLY},
    {"fault-alone", test_fault_alone, QUICK, 0, ANY},
    {"exec", test_exec, QUICK, 0, ANY},
    {"execmany", test_execmany, QUICK, 0, ANY},
    {"execfd", test_execfd, QUICK, 0, ANY},
    {"execerr", test_execerr, QUICK, 0, ANY},
    {"e2big", test_e2big, QUICK, 0, ANY},
    {"badptr-rw", test_badptr_rw, QUICK, 0, ANY},
    {"badptr-path", test_badptr_path, QUICK, 0, ANY},
    {"badptr-misc", test_badptr_misc, QUICK, 0, ANY},
    {"badptr-exec", test_badptr_exec, QUICK, 0, ANY},
    {"bigfile", test_bigfile, QUICK, 0, ANY},
    {"sparse", test_sparse, QUICK, 0, ANY},
    {"manyfiles", test_manyfiles, QUICK, 0, ANY},
    {"dirs", test_dirs, QUICK, 0, ANY},
    {"cwd", test_cwd, QUICK, 0, ANY},
    {"links", test_links, QUICK, 0, ANY},
    {"rename", test_rename, QUICK, 0, ANY},
    {"symlinks", test_symlinks, QUICK, 0, ANY},
    {"truncate", test_truncate, QUICK, 0, ANY},
    {"append", test_append, QUICK, 0, ANY},
    {"lseek", test_lseek, QUICK, 0, ANY},
    {"unlinkopen", test_unlinkopen, QUICK, 0, ANY},
    {"sharedoffset", test_sharedoffset, QUICK, 0, ANY},
    {"dup", test_dup, QUICK, 0, ANY},
    {"lowestfd", test_lowestfd, QUICK, 0, ANY},
    {"manyfds", test_manyfds, QUICK, 0, ANY},
    {"fsrace", test_fsrace, QUICK, 0, ANY},
    {"excl", test_excl, QUICK, 0, ANY},
    {"concdirs", test_concdirs, QUICK, 0, ANY},
    {"pipe", test_pipe, QUICK, 0, ANY},
    {"pipeeof", test_pipeeof, QUICK, 0, ANY},
    {"pipeepipe", test_pipeepipe, QUICK, 0, ANY},
    {"pipebig", test_pipebig, QUICK, 0, ANY},
    {"pipeblock", test_pipeblock, QUICK, 0, ANY},
    {"pipemany", test_pipemany, QUICK, 0, ANY},
    {"fsrace-long", test_fsrace_long, SLOW, 0, ANY},
    {"pipestress", test_pipestress, SLOW, 0, ANY},
    {"oomrepeat", test_oomrepeat, SLOW, 0, ANY},
    {"diskfull", test_diskfull, SLOW, 0, QONLY},
    {"inodes", test_inodes, SLOW, 0, QONLY},
};
#define NTESTS ((int)(sizeof(tests) / sizeof(tests[0])))

static int reason_fd = -1;

/* Why the last test failed, from the reason file: its lines joined by "; ". */
static void read_reason(char *out, size_t cap)
{
    long n = pread(reason_fd, out, cap - 1, 0);
    n = n < 0 ? 0 : n;
    while (n > 0 && out[n - 1] == '\n')
        n--;
    out[n] = 0;
    for (long i = 0; i < n; i++) {
        if (out[i] == '\n' && n + 1 < (long)cap) {
            memmove(out + i + 2, out + i + 1, n - i);
            out[i] = ';';
            out[i + 1] = ' ';
            n++;
        }
    }
}

/*
 * Wait for a test child, killing it after timeout_s.  Returns 0 and its status,
 * or -1 (errno) if waitpid failed; *late is set on a timeout.
 */
static int wait_test(int pid, int timeout_s, int *st, int *late)
{
    long deadline = now_ns() + timeout_s * 1000000000L;
    int r;
    *late = 0;
    for (long step = 1; (r = waitpid(pid, st, WNOHANG)) == 0; step = step < 50 ? step * 2 : 50) {
        if (now_ns() > deadline) {
            *late = 1;
            kill(pid, SIGKILL);
            r = waitpid(pid, st, 0);
            break;
        }
        struct timespec ts = {0, step * 1000000L};
        nanosleep(&ts, 0);
    }
    return r == pid ? 0 : -1;
}

/* Run one test; print its line; return 1 if it passed. */
static int run_test(const struct test *t)
{
    char dir[PATH_MAX], verdict[400] = "", reason[360];
    if (!QUILL && t->where == QONLY) {
        printf("test %s: OK (skipped: Quill only)\n", t->name);
        fflush(stdout);
        return 1;
    }
    snprintf(dir, sizeof(dir), "%s/%s", workdir, t->name);
    if (ftruncate(reason_fd, 0) != 0 || mkdir(dir, 0755) != 0) {
        printf("test %s: FAILED (cannot set up %s: %s)\n", t->name, dir, errname(errno));
        return 0;
    }
    fflush(stdout);
    int pid = fork();
    if (pid < 0) {
        printf("test %s: FAILED (fork: %s)\n", t->name, errname(errno));
        return 0;
    }
    if (pid == 0) {
        ut_test = t->name;
        ut_reason_fd = reason_fd;
        if (chdir(dir) != 0)
            fail("chdir %s: %s", dir, errname(errno));
        t->fn();
        fflush(stdout);
        _exit(0);
    }
    int late, st = 0;
    int werr = wait_test(pid, t->slow ? 900 : 240, &st, &late) ? errno : 0;
    read_reason(reason, sizeof(reason));
    if (werr)
        snprintf(verdict, sizeof(verdict), "waitpid: %s", errname(werr));
    else if (late)
        snprintf(verdict, sizeof(verdict), "timed out after %d s", t->slow ? 900 : 240);
    else if (WIFSIGNALED(st) && WTERMSIG(st) != t->sig)
        snprintf(verdict, sizeof(verdict), "killed by signal %d%s%s", WTERMSIG(st),
                 t->sig ? ", expected that signal to be " : "", t->sig ? (t->sig == SIGSEGV ? "SIGSEGV" : t->sig == SIGILL ? "SIGILL" : "SIGBUS") : "");
    else if (WIFEXITED(st) && t->sig && !reason[0])
        snprintf(verdict, sizeof(verdict), "exited %d, expected signal %d", WEXITSTATUS(st), t->sig);
    else if (WIFEXITED(st) && WEXITSTATUS(st) == 99 && !reason[0])
        snprintf(verdict, sizeof(verdict), "an execve that should have failed succeeded");
    else if (WIFEXITED(st) && (WEXITSTATUS(st) != 0 || t->sig))
        snprintf(verdict, sizeof(verdict), "%s", reason[0] ? reason : "exited non-zero");
    if (verdict[0] && reason[0] && strcmp(verdict, reason) != 0 && strlen(verdict) < 200)
        snprintf(verdict + strlen(verdict), sizeof(verdict) - strlen(verdict), ": %s", reason);
    char bad[PATH_MAX];
    if (rmtree(dir, bad, sizeof(bad)) != 0 && !verdict[0])
        snprintf(verdict, sizeof(verdict), "cleanup: cannot remove %.200s: %s", bad, errname(errno));
    if (verdict[0])
        printf("test %s: FAILED (%s)\n", t->name, verdict);
    else
        printf("test %s: OK\n", t->name);
    fflush(stdout);
    return !verdict[0];
}

static long free_frames(void)
{
#if QUILL
    return memfree();
#else
    return -1;
#endif
}

/*
 * Before the first free-frame count: touch what the runner itself will use
 * (stack, heap, stdio, a DIR), and create and free once each kind of kernel
 * object the tests use (processes, exec, files, directories, links, pipes), so
 * that one-time allocations on first use are not counted as leaks.
 */
static void warm_up(void)
{
    volatile char stack[64 * 1024];
    for (size_t i = 0; i < sizeof(stack); i += 512)
        stack[i] = 0;
    char bad[PATH_MAX], dir[300], c = 'w';
    snprintf(dir, sizeof(dir), "%s/warm", workdir);
    int p[2], pids[8], st, late;
    if (mkdir(dir, 0755) == 0 && pipe(p) == 0) {
        for (int i = 0; i < 8; i++) {
            if ((pids[i] = fork()) == 0) {
                char path[PATH_MAX], pidstr[16];
                snprintf(path, sizeof(path), "%s/f%d", dir, i);
                int fd = open(path, O_CREAT | O_RDWR, 0644);
                if (fd >= 0 && write(fd, &c, 1) == 1 && read(p[0], &c, 1) == 1 && write(p[1], &c, 1) == 1)
                    symlink(path, strcat(path, "l"));
                snprintf(pidstr, sizeof(pidstr), "%d", getpid());
                char *argv[] = {self_path, "--exec-pid", pidstr, 0};
                execv(self_path, argv);
                _exit(1);
            }
        }
        if (write(p[1], &c, 1) != 1)
            printf("usertests: warm-up: pipe write failed\n");
        for (int i = 0; i < 8; i++)
            if (pids[i] > 0)
                wait_test(pids[i], 30, &st, &late);
        close(p[0]);
        close(p[1]);
    }
    if (rmtree(dir, bad, sizeof(bad)) != 0)
        printf("usertests: cannot use %s: %s\n", workdir, errname(errno));
    /* Fill the process table once: the kernel keeps what it grows to (one frame seen). */
    enum { MAX = QUILL ? 1000 : 200 };
    static int many[MAX];
    int n = 0;
    if (pipe(p) != 0)
        return;
    while (n < MAX && (many[n] = fork()) > 0)
        n++;
    if (n < MAX && many[n] == 0) {
        close(p[1]);
        _exit(read(p[0], &c, 1) == 0 ? 0 : 1);
    }
    close(p[0]);
    close(p[1]);
    for (int i = 0; i < n; i++)
        waitpid(many[i], &st, 0);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strncmp(argv[1], "--exec-", 7) == 0)
        return exec_mode(argc, argv);
    int quick = 0, list = 0, first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (!strcmp(argv[first], "-q"))
            quick = 1;
        else if (!strcmp(argv[first], "-l"))
            list = 1;
        else {
            fprintf(stderr, "usage: usertests [-q] [-l] [name ...]\n");
            return 2;
        }
    }
    static char selected[NTESTS];
    for (int i = 0; i < NTESTS; i++)
        selected[i] = first == argc && (!quick || !tests[i].slow);
    for (int a = first; a < argc; a++) {
        int found = 0;
        for (int i = 0; i < NTESTS; i++)
            if (!strcmp(argv[a], tests[i].name))
                selected[i] = found = 1;
        if (!found) {
            fprintf(stderr, "usertests: no test named %s (usertests -l lists them)\n", argv[a]);
            return 2;
        }
    }
    if (list) {
        for (int i = 0; i < NTESTS; i++)
            printf("%-16s %s\n", tests[i].name, tests[i].slow ? "slow" : "quick");
        return 0;
    }
#if QUILL
    snprintf(self_path, sizeof(self_path), "%s", SELF_PATH);
    snprintf(workdir, sizeof(workdir), "/usertests.%d", getpid());
#else
    long r = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
    self_path[r > 0 ? r : 0] = 0;
    snprintf(workdir, sizeof(workdir), "/tmp/usertests.%d", getpid());
#endif
    char reason_path[PATH_MAX];
    snprintf(reason_path, sizeof(reason_path), "%s/.reason", workdir);
    if (mkdir(workdir, 0755) != 0 ||
        (reason_fd = open(reason_path, O_CREAT | O_RDWR | O_APPEND | O_TRUNC, 0644)) < 0) {
        printf("usertests: cannot create %s: %s\n", workdir, errname(errno));
        return 1;
    }
    printf("usertests starting (%s)\n", first < argc ? "selected tests" : quick ? "quick tests" : "all tests");
    fflush(stdout);
    warm_up();

    long before = free_frames();
    int failed = 0;
    for (int i = 0; i < NTESTS; i++)
        if (selected[i])
            failed += !run_test(&tests[i]);

    if (before >= 0) {
        /* Let init reap the orphans; exited processes free their memory. */
        long after = before;
        for (int i = 0; i < 5; i++) {
            sleep(1);
            if ((after = free_frames()) == before)
                break;
        }
        printf("free frames: %ld before the tests, %ld after\n", before, after);
        if (after != before) {
            printf("test memfree: FAILED (%ld pages %s)\n", before - after > 0 ? before - after : after - before,
                   before > after ? "leaked" : "more free than at the start");
            failed++;
        }
    }
    close(reason_fd);
    unlink(reason_path);
    if (rmdir(workdir) != 0) {
        printf("usertests: cannot remove %s: %s\n", workdir, errname(errno));
        failed++;
    }
    printf(failed ? "SOME TESTS FAILED\n" : "ALL TESTS PASSED\n");
    fflush(stdout);
    return failed ? 1 : 0;
}
