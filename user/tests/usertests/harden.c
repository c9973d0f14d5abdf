/*
 * usertests, hardening: races and information leaks a hostile program can
 * aim at.
 *
 *   killfork     kill(SIGKILL) aimed at the pids a fork is about to hand
 *                out, from another process, while the parent forks in a
 *                loop: an embryo (a process still being built) cannot be
 *                found, and a pid fork has returned can always be killed.
 *   copyout-pad  every structure the kernel copies out (uname, stat, fstat,
 *                lstat, clock_gettime, getprocs, pipe2, getcwd, readlink) is
 *                written whole, padding and the bytes after a string's
 *                terminator included, and nothing past what the call returns.
 *   procname     after exec the name getprocs shows has no bytes of the
 *                older, longer name after its terminator.
 *   setpgid-session  setpgid moves a process only into a group of its own
 *                session: after setsid, no setpgid can take it into its
 *                parent's group (sysfuzz's children rely on this to stay
 *                away from the shell's job).
 */
#include "ut.h"

#if QUILL
#include <quill/kabi.h> /* the kernel's own records, for the raw calls */
#include <stddef.h>

#define POISON 0xa5
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- killfork ------------------------------------------------------------ */

#define KF_ROUNDS 300
#define KF_MAXPROTECT 128

static int kf_protected[KF_MAXPROTECT], kf_nprotected;

/* Every process that exists now (the runner, the shell, init...) is off limits. */
static void kf_snapshot(void)
{
    static struct procinfo ps[KF_MAXPROTECT];
    int n = getprocs(ps, KF_MAXPROTECT);
    CHECK(n > 0, "getprocs: %s", errname(errno));
    for (int i = 0; i < n; i++)
        kf_protected[kf_nprotected++] = ps[i].pid;
}

static bool kf_may_kill(int pid)
{
    if (pid <= 1)
        return false;
    for (int i = 0; i < kf_nprotected; i++)
        if (kf_protected[i] == pid)
            return false;
    return true;
}

static char kf_state(int pid)
{
    static struct procinfo ps[KF_MAXPROTECT];
    int n = getprocs(ps, KF_MAXPROTECT);
    for (int i = 0; i < n; i++)
        if (ps[i].pid == pid)
            return ps[i].state;
    return '-';
}

/*
 * The killer shoots SIGKILL at the next few pids after the newest child it
 * has hit: the pid the forker's fork in progress is handing out, while that
 * process is still being built.  It runs until the forker kills it.
 */
static void kf_killer(void)
{
    int t = getpid();
    for (;;)
        for (int d = 1; d <= 3; d++)
            if (kf_may_kill(t + d) && __sys_kill(t + d, SIGKILL) == 0) {
                t += d;
                break;
            }
}

static void test_killfork(void)
{
    int hold[2];
    kf_snapshot();
    OK(pipe(hold)); /* children block reading it: they live until killed */
    int killer = xfork();
    if (killer == 0) {
        close(hold[0]);
        close(hold[1]);
        kf_killer();
    }
    for (int i = 0; i < KF_ROUNDS; i++) {
        int pid = xfork();
        if (pid == 0) {
            char c;
            read(hold[0], &c, 1);
            _exit(7);
        }
        /* A pid fork returned is found by kill (ESRCH only if the killer got
         * there first and it is a zombie already). */
        long r = __sys_kill(pid, SIGKILL);
        if (r != 0) {
            char state = kf_state(pid);
            if (state != 'Z')
                __sys_kill(pid, SIGKILL);
            CHECK(r == -ESRCH && state == 'Z', "kill(%d) right after fork returned %ld (state %c)",
                  pid, r, state);
        }
        int st;
        CHECK(waitpid(pid, &st, 0) == pid, "waitpid(%d): %s", pid, errname(errno));
        CHECK(killed_by(st, SIGKILL), "child %d: status %#x, not SIGKILL", pid, st);
    }
    kill(killer, SIGKILL);
    CHECK(wait_signal(killer) == SIGKILL, "the killer did not die of SIGKILL");
    close(hold[0]);
    close(hold[1]);
}

/* ---- copyout-pad --------------------------------------------------------- */

/* Bytes after the terminator of a string field must be zero. */
static void check_string_field(const char *what, const char *f, size_t size)
{
    size_t n = strnlen(f, size);
    CHECK(n < size, "%s: no terminator in %zu bytes", what, size);
    for (size_t i = n; i < size; i++)
        CHECK(f[i] == 0, "%s: byte %zu after the terminator is %#x", what, i, (unsigned char)f[i]);
}

static void check_untouched(const char *what, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        CHECK(b[i] == POISON, "%s: byte %zu past the result was written (%#x)", what, i, b[i]);
}

/* No field of a kstat keeps the fill pattern: the kernel wrote all of it. */
static void check_kstat(const char *what, const struct kstat *st)
{
    const unsigned char *b = (const unsigned char *)st;
    for (size_t i = 0; i + 4 <= sizeof(*st); i += 4) {
        bool poisoned =
            b[i] == POISON && b[i + 1] == POISON && b[i + 2] == POISON && b[i + 3] == POISON;
        CHECK(!poisoned, "%s: bytes %zu..%zu of struct stat were not written", what, i, i + 3);
    }
    CHECK(st->st_uid == 0 && st->st_gid == 0, "%s: uid %u gid %u", what, st->st_uid, st->st_gid);
}

static void pad_stat(void)
{
    static struct kstat st;
    static const char *const paths[] = {".", "/", "/bin/sh", "/dev/console", "f", "l"};
    write_file("f", "data", 4);
    OK(symlink("f", "l"));
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        memset(&st, POISON, sizeof(st));
        CHECK(r_stat(paths[i], &st) == 0, "stat %s", paths[i]);
        check_kstat(paths[i], &st);
        memset(&st, POISON, sizeof(st));
        CHECK(r_lstat(paths[i], &st) == 0, "lstat %s", paths[i]);
        check_kstat(paths[i], &st);
    }
    int p[2];
    OK(pipe(p));
    int fds[] = {p[0], p[1], 0};
    for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
        memset(&st, POISON, sizeof(st));
        CHECK(r_fstat(fds[i], &st) == 0, "fstat %d", fds[i]);
        check_kstat("fstat", &st);
    }
    close(p[0]);
    close(p[1]);
}

static void pad_uname(void)
{
    static struct kutsname u;
    memset(&u, POISON, sizeof(u));
    CHECK(r_uname(&u) == 0, "uname failed");
    check_string_field("uname sysname", u.sysname, sizeof(u.sysname));
    check_string_field("uname nodename", u.nodename, sizeof(u.nodename));
    check_string_field("uname release", u.release, sizeof(u.release));
    check_string_field("uname version", u.version, sizeof(u.version));
    check_string_field("uname machine", u.machine, sizeof(u.machine));
}

static void pad_time(void)
{
    static struct ktimespec ts[2];
    for (int clock = 0; clock <= 1; clock++) {
        memset(ts, POISON, sizeof(ts));
        CHECK(__sys_clock_gettime(clock, &ts[0]) == 0, "clock_gettime(%d)", clock);
        CHECK(ts[0].tv_nsec >= 0 && ts[0].tv_nsec < 1000000000L, "tv_nsec %ld", ts[0].tv_nsec);
        CHECK(ts[0].tv_sec >= 0, "tv_sec %ld", ts[0].tv_sec);
        check_untouched("clock_gettime", (unsigned char *)&ts[1], sizeof(ts[1]));
    }
}

static void check_procinfo(const struct procinfo *pi)
{
    const unsigned char *b = (const unsigned char *)pi;
    size_t name_end = offsetof(struct procinfo, name) + sizeof(pi->name);
    size_t gaps[][2] = {
        {offsetof(struct procinfo, state) + 1, offsetof(struct procinfo, name)},
        {name_end, offsetof(struct procinfo, size)},
    };
    for (size_t g = 0; g < ARRAY_SIZE(gaps); g++)
        for (size_t i = gaps[g][0]; i < gaps[g][1]; i++)
            CHECK(b[i] == 0, "getprocs pid %d: padding byte %zu is %#x", pi->pid, i, b[i]);
    check_string_field("getprocs name", pi->name, sizeof(pi->name));
}

static void pad_getprocs(void)
{
    static struct procinfo ps[65];
    memset(ps, POISON, sizeof(ps));
    int n = __sys_getprocs(ps, 64);
    CHECK(n > 0 && n <= 64, "getprocs returned %d", n);
    for (int i = 0; i < n; i++)
        check_procinfo(&ps[i]);
    check_untouched("getprocs", (unsigned char *)&ps[n], (65 - n) * sizeof(ps[0]));
    /* A buffer for one record gets one record and nothing more. */
    memset(ps, POISON, sizeof(ps));
    CHECK(__sys_getprocs(ps, 1) == 1, "getprocs(1)");
    check_procinfo(&ps[0]);
    check_untouched("getprocs(1)", (unsigned char *)&ps[1], sizeof(ps[1]));
}

static void pad_misc(void)
{
    static unsigned char buf[256];
    int fds[3];
    memset(fds, POISON, sizeof(fds));
    CHECK(__sys_pipe2(fds, 0) == 0, "pipe2");
    check_untouched("pipe2", (unsigned char *)&fds[2], sizeof(fds[2]));
    close(fds[0]);
    close(fds[1]);
    memset(buf, POISON, sizeof(buf));
    long n = r_getcwd((char *)buf, sizeof(buf));
    CHECK(n > 0 && (size_t)n <= sizeof(buf), "getcwd returned %ld", n);
    CHECK(buf[n - 1] == 0, "getcwd: the result does not end with its terminator");
    check_untouched("getcwd", buf + n, sizeof(buf) - n);
    OK(symlink("target-name", "ln"));
    memset(buf, POISON, sizeof(buf));
    n = r_readlink("ln", (char *)buf, sizeof(buf));
    CHECK(n == 11 && memcmp(buf, "target-name", 11) == 0, "readlink returned %ld", n);
    check_untouched("readlink", buf + n, sizeof(buf) - n);
}

static void test_copyout_pad(void)
{
    pad_stat();
    pad_uname();
    pad_time();
    pad_getprocs();
    pad_misc();
}

/* ---- procname ------------------------------------------------------------ */

/* Process *arg shows in getprocs as "sleep" (its record checked as well). */
static bool shows_as_sleep(void *arg)
{
    static struct procinfo ps[64];
    int pid = *(int *)arg, n = getprocs(ps, 64);
    for (int i = 0; i < n; i++)
        if (ps[i].pid == pid && strcmp(ps[i].name, "sleep") == 0) {
            check_procinfo(&ps[i]);
            return true;
        }
    return false;
}

static void test_procname(void)
{
    int hold[2];
    OK(pipe(hold));
    int pid = xfork();
    if (pid == 0) {
        /* "usertests" -> "sleep": 4 bytes of the old name would follow. */
        close(hold[0]);
        char *argv[] = {"sleep", "30", NULL};
        execv("/bin/sleep", argv);
        _exit(99);
    }
    close(hold[1]);
    bool seen;
    int status = ut_kill_when(pid, shows_as_sleep, &pid, 10, 5000, &seen);
    close(hold[0]);
    CHECK(killed_by(status, SIGKILL), "the child did not die of SIGKILL (status %#x)", status);
    CHECK(seen, "the child never showed up as \"sleep\" in getprocs");
}
#endif /* QUILL */

/* ---- setpgid-session ------------------------------------------------------ */

static void test_setpgid_session(void)
{
    int parent_pgid = getpgid(0);
    int pid = xfork();
    if (pid == 0) {
        /* Same session: out of the parent's group and back in works. */
        OK(setpgid(0, 0));
        OK(setpgid(0, parent_pgid));
        CHECK(getpgid(0) == parent_pgid, "setpgid into the parent's group did not take");
        /* Not a group leader now, so setsid may make a session. */
        CHECK(setsid() == getpid(), "setsid did not make a session named by the caller");
        EXPECT_ERR(setpgid(0, parent_pgid), EPERM);
        CHECK(getpgid(0) == getpid() && getsid(0) == getpid(),
              "after setsid and a refused setpgid: group %d, session %d (expected %d)", getpgid(0),
              getsid(0), getpid());
        _exit(0);
    }
    wait_ok(pid, "setpgid-session child");
}

static const struct ut_test harden_tests[] = {
    {"setpgid-session", test_setpgid_session, UT_QUICK, 0, UT_ANY},
#if QUILL
    {"killfork", test_killfork, UT_QUICK, 0, UT_QUILL_ONLY},
    {"copyout-pad", test_copyout_pad, UT_QUICK, 0, UT_QUILL_ONLY},
    {"procname", test_procname, UT_QUICK, 0, UT_QUILL_ONLY},
#endif
};
UT_REGISTER(harden_tests);
