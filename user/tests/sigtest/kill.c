/*
 * Whom a signal reaches: SIGPIPE for a write to a pipe without readers;
 * kill to a process group (killpg, kill(0), setpgid, setsid), to every process
 * (-1), and to a process spinning in user mode on another hart.
 */
#include "sigtest.h"
#include <quill/sysinfo.h>

static void test_sigpipe(void)
{
    int p[2];
    pipe(p);
    close(p[0]);
    pid_t pid = xfork();
    if (pid == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    int st = xwait(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "writer: status 0x%x", st);
    signal(SIGPIPE, SIG_IGN);
    CHECK(write(p[1], "x", 1) < 0 && errno == EPIPE, "ignored SIGPIPE: errno %d", errno);
    on(SIGPIPE, count, 0);
    CHECK(write(p[1], "x", 1) < 0 && errno == EPIPE && got == 1, "caught SIGPIPE");
}

/* ---- groups, -1, other harts ---- */

static void test_kill_group(void)
{
    pid_t leader = xfork();
    if (leader == 0) {
        setpgid(0, 0);
        for (;;)
            pause();
    }
    setpgid(leader, leader);
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = xfork();
        if (kids[i] == 0) {
            setpgid(0, leader);
            for (;;)
                pause();
        }
        setpgid(kids[i], leader);
    }
    CHECK(getpgid(kids[1]) == leader, "getpgid %d, expected %d", getpgid(kids[1]), leader);
    CHECK(getpgid(0) != leader, "the test joined the group");
    CHECK(getsid(0) == getsid(leader), "a child changed session");
    CHECK(setpgid(kids[0], 424242) < 0 && errno == EPERM, "joined a group that does not exist");
    msleep(50);
    CHECK(killpg(leader, SIGTERM) == 0, "killpg: errno %d", errno);
    int st = xwait(leader);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "leader: 0x%x", st);
    for (int i = 0; i < 2; i++) {
        st = xwait(kids[i]);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "member %d: 0x%x", i, st);
    }
    CHECK(kill(-leader, SIGTERM) < 0 && errno == ESRCH, "empty group still found");
    /* kill(0, sig): the caller's own group, the caller included */
    pid_t lead2 = xfork();
    if (lead2 == 0) {
        setpgid(0, 0);
        on(SIGTERM, count, 0);
        pid_t m[2];
        for (int i = 0; i < 2; i++) {
            m[i] = xfork();
            if (m[i] == 0) {
                signal(SIGTERM, SIG_DFL);
                for (;;)
                    pause();
            }
        }
        msleep(50);
        if (kill(0, SIGTERM) < 0 || got != 1)
            _exit(1);
        for (int i = 0; i < 2; i++) {
            int s2 = xwait(m[i]);
            if (!WIFSIGNALED(s2) || WTERMSIG(s2) != SIGTERM)
                _exit(2);
        }
        _exit(0);
    }
    st = xwait(lead2);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "kill(0): status 0x%x", st);
    /* setsid: a new session; not allowed for a group leader */
    pid_t pid = xfork();
    if (pid == 0)
        _exit(setsid() == getpid() && getsid(0) == getpid() && getpgid(0) == getpid() ? 0 : 1);
    CHECK(WEXITSTATUS(xwait(pid)) == 0, "setsid");
}

static void urg_handler(int sig)
{
    (void)sig;
    _exit(0);
}

static void test_kill_all(void)
{
    /* kill(-1) reaches every process but init and the caller: SIGURG, which
     * every other process ignores by default, with a handler in our children. */
    on(SIGURG, urg_handler, 0);
    on(SIGUSR1, count, 0);
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = xfork();
        if (kids[i] == 0) {
            for (;;)
                pause();
        }
    }
    msleep(50);
    CHECK(kill(-1, 0) == 0, "kill(-1, 0)");
    CHECK(kill(-1, SIGURG) == 0, "kill(-1): errno %d", errno);
    for (int i = 0; i < 3; i++) {
        int st = xwait(kids[i]);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d: 0x%x", i, st);
    }
    CHECK(kill(1, SIGKILL) < 0 && errno == EPERM, "SIGKILL to init allowed");
}

/* Is pid running (R) on a hart other than the caller's, just now? */
static int running_elsewhere(pid_t pid)
{
    struct procinfo pi[64];
    int n = getprocs(pi, 64), mine = -1, its = -1;
    for (int i = 0; i < n; i++) {
        if (pi[i].pid == getpid())
            mine = pi[i].cpu;
        if (pi[i].pid == pid && pi[i].state == 'R')
            its = pi[i].cpu;
    }
    return its >= 0 && its != mine;
}

/* The target spins in user mode (no system calls), on another hart if there
 * is one: there it is signalled while it runs (checked in the process list),
 * and sees each signal at its next trap (a timer tick at the latest). */
static void test_cross_hart(void)
{
    int p[2];
    pipe(p);
    pid_t pid = xfork();
    if (pid == 0) {
        on(SIGUSR1, count, 0);
        write(p[1], "r", 1);
        while (got < 20)
            ;
        _exit(0);
    }
    char c;
    read(p[0], &c, 1);
    double t0 = now_s();
    int st = 0, elsewhere = 0;
    for (int i = 0; i < 200 && waitpid(pid, &st, WNOHANG) == 0; i++) {
        elsewhere += running_elsewhere(pid);
        kill(pid, SIGUSR1);
        msleep(20);
    }
    if (waitpid(pid, &st, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        xwait(pid);
        fail("spinning child did not see 20 signals in %.1f s", now_s() - t0);
    }
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
    struct ksysinfo si;
    CHECK(sysinfo(&si) == 0, "sysinfo: errno %d", errno);
    CHECK(si.ncpu < 2 || elsewhere > 0, "the target never ran on another hart while signalled");
}

static const struct sigtest kill_tests[] = {
    {"sigpipe", test_sigpipe},
    {"kill-group", test_kill_group},
    {"kill-all", test_kill_all},
    {"cross-hart", test_cross_hart},
};
SIGTEST_REGISTER(kill_tests);
