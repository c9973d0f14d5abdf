/*
 * usertests, processes: fork, exit and wait, zombies and orphans, kill,
 * preemption, the process limit, ids, sleeping and clocks, uname, getprocs.
 */
#include "ut.h"

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

static const struct ut_test proc_tests[] = {
    {"fork", test_fork, UT_QUICK, 0, UT_ANY},
    {"forkconc", test_forkconc, UT_QUICK, 0, UT_ANY},
    {"exitcode", test_exitcode, UT_QUICK, 0, UT_ANY},
    {"waitpid", test_waitpid, UT_QUICK, 0, UT_ANY},
    {"zombie", test_zombie, UT_QUICK, 0, UT_ANY},
    {"orphan", test_orphan, UT_QUICK, 0, UT_ANY},
    {"killsleep", test_killsleep, UT_QUICK, 0, UT_ANY},
    {"killspin", test_killspin, UT_QUICK, 0, UT_ANY},
    {"killerr", test_killerr, UT_QUICK, 0, UT_ANY},
    {"preempt", test_preempt, UT_QUICK, 0, UT_ANY},
    {"proclimit", test_proclimit, UT_QUICK, 0, UT_ANY},
    {"getpid", test_getpid, UT_QUICK, 0, UT_ANY},
    {"sleep", test_sleep, UT_QUICK, 0, UT_ANY},
    {"uname", test_uname, UT_QUICK, 0, UT_ANY},
    {"getprocs", test_getprocs, UT_QUICK, 0, UT_QUILL_ONLY},
};
UT_REGISTER(proc_tests);
