/*
 * Children: SIGCHLD reaped in a handler with WNOHANG, ignored SIGCHLD
 * leaving no zombies, stop and continue seen by waitpid (WUNTRACED,
 * WCONTINUED), SIGCHLD (CLD_STOPPED, CLD_CONTINUED, CLD_KILLED, CLD_EXITED)
 * and ps, a sleep
 * that goes on after a stop, and SIGHUP+SIGCONT for an orphaned group
 * with a stopped member.
 */
#include "sigtest.h"

static void reap_all(int sig)
{
    (void)sig;
    int st;
    while (waitpid(-1, &st, WNOHANG) > 0)
        got++;
}

static void test_sigchld_wnohang(void)
{
    on(SIGCHLD, reap_all, SA_RESTART);
    for (int i = 0; i < 5; i++)
        if (xfork() == 0)
            _exit(i);
    double t0 = now_s();
    while (got < 5 && now_s() - t0 < 5)
        msleep(10);
    CHECK(got == 5, "reaped %d of 5 children in the handler", got);
    CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "children left");
}

/* With SIGCHLD ignored, children leave no zombies: wait finds none. */
static void test_sigchld_ignored(void)
{
    signal(SIGCHLD, SIG_IGN);
    for (int i = 0; i < 3; i++)
        if (xfork() == 0)
            _exit(0);
    int st;
    CHECK(wait(&st) < 0 && errno == ECHILD, "wait found a zombie");
}

static void test_stop_continue(void)
{
    on_info(SIGCHLD, info_handler, SA_RESTART);
    pid_t pid = xfork();
    if (pid == 0) {
        for (;;)
            msleep(10);
    }
    int st;
    kill(pid, SIGSTOP);
    CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
          "stop: status 0x%x", st);
    CHECK(last_info.si_code == CLD_STOPPED && last_info.si_pid == pid, "SIGCHLD code %d",
          last_info.si_code);
    struct procinfo pi[64];
    int n = getprocs(pi, 64);
    char state = '?';
    for (int i = 0; i < n; i++)
        if (pi[i].pid == pid)
            state = pi[i].state;
    CHECK(state == 'T', "ps state %c for a stopped process", state);
    CHECK(waitpid(pid, &st, WNOHANG | WUNTRACED) == 0, "stop reported twice");
    kill(pid, SIGCONT);
    CHECK(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st), "continue: status 0x%x", st);
    for (int i = 0; i < 100 && last_info.si_code != CLD_CONTINUED; i++)
        msleep(10);
    CHECK(last_info.si_code == CLD_CONTINUED && last_info.si_pid == pid,
          "SIGCHLD for the continue: code %d pid %d", last_info.si_code, last_info.si_pid);
    CHECK(waitpid(pid, &st, WNOHANG | WCONTINUED) == 0, "continue reported twice");
    /* without WUNTRACED a stop is not reported, without WCONTINUED no continue */
    kill(pid, SIGSTOP);
    for (int i = 0; i < 100 && last_info.si_code != CLD_STOPPED; i++)
        msleep(10);
    CHECK(waitpid(pid, &st, WNOHANG) == 0, "a stop reported without WUNTRACED");
    kill(pid, SIGCONT);
    CHECK(waitpid(pid, &st, WUNTRACED | WCONTINUED) == pid && WIFCONTINUED(st),
          "the continue after an unreported stop: 0x%x", st);
    kill(pid, SIGTSTP);
    CHECK(waitpid(pid, &st, WUNTRACED) == pid && WSTOPSIG(st) == SIGTSTP, "SIGTSTP: 0x%x", st);
    kill(pid, SIGKILL); /* kills a stopped process too */
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
          "kill stopped: 0x%x", st);
    CHECK(last_info.si_code == CLD_KILLED && last_info.si_pid == pid &&
              last_info.si_status == SIGKILL,
          "SIGCHLD for the kill: code %d pid %d status %d", last_info.si_code, last_info.si_pid,
          last_info.si_status);
    pid = xfork();
    if (pid == 0)
        _exit(3);
    CHECK(WEXITSTATUS(xwait(pid)) == 3, "exit status");
    CHECK(last_info.si_code == CLD_EXITED && last_info.si_pid == pid && last_info.si_status == 3,
          "SIGCHLD for the exit: code %d pid %d status %d", last_info.si_code, last_info.si_pid,
          last_info.si_status);
}

/* A sleep that is stopped and continued goes on for the time that was left. */
static void test_stop_during_sleep(void)
{
    pid_t pid = xfork();
    if (pid == 0) {
        double t0 = now_s();
        struct timespec req = {0, 600000000};
        int r = nanosleep(&req, NULL);
        double t = now_s() - t0;
        _exit(r == 0 && t > 0.55 ? 0 : 1);
    }
    msleep(100);
    kill(pid, SIGSTOP);
    msleep(200);
    kill(pid, SIGCONT);
    int st = xwait(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "sleep after stop/continue: status 0x%x", st);
}

/* An exit that orphans a group with a stopped member sends it SIGHUP and SIGCONT. */
static void test_orphaned_stopped_group(void)
{
    int p[2];
    pipe(p);
    pid_t c = xfork();
    if (c == 0) {
        pid_t g = fork();
        if (g == 0) {
            close(p[0]);
            setpgid(0, 0);
            raise(SIGSTOP);
            for (;;) /* continued, and SIGHUP's default ends it */
                pause();
        }
        close(p[1]);
        int st;
        _exit(waitpid(g, &st, WUNTRACED) == g && WIFSTOPPED(st) ? 0 : 1);
    }
    close(p[1]);
    CHECK(WEXITSTATUS(xwait(c)) == 0, "grandchild did not stop");
    on(SIGALRM, count, 0);
    alarm(3);
    char ch;
    long r = read(p[0], &ch, 1);
    CHECK(r == 0, "the orphaned stopped process is still there (read %ld, errno %d)", r, errno);
}

static const struct sigtest child_tests[] = {
    {"sigchld-wnohang", test_sigchld_wnohang},
    {"sigchld-ignored", test_sigchld_ignored},
    {"stop-continue", test_stop_continue},
    {"stop-during-sleep", test_stop_during_sleep},
    {"orphaned-stopped-group", test_orphaned_stopped_group},
};
SIGTEST_REGISTER(child_tests);
