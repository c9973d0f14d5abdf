/*
 * Signals across fork and exec: the child inherits handlers and the mask
 * but not pending signals; after exec, caught signals are back to the
 * default, ignored ones stay ignored, the mask is kept and so are pending
 * signals (checked by the program itself, run again as
 * `sigtest --exec-child`).
 */
#include "sigtest.h"

static char self_path[] = "/bin/sigtest";

static void test_fork_exec_rules(void)
{
    on(SIGUSR1, count, 0);
    signal(SIGUSR2, SIG_IGN);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGHUP);
    sigprocmask(SIG_BLOCK, &s, NULL);
    raise(SIGHUP); /* pending in the parent only */
    pid_t pid = xfork();
    if (pid == 0) {
        sigset_t pend, cur;
        sigpending(&pend);
        sigprocmask(SIG_BLOCK, NULL, &cur);
        struct sigaction sa;
        sigaction(SIGUSR1, NULL, &sa);
        if (sigismember(&pend, SIGHUP) || !sigismember(&cur, SIGHUP) || sa.sa_handler != count)
            _exit(1);
        raise(SIGHUP); /* blocked: pending across the exec */
        char *argv[] = {self_path, "--exec-child", NULL};
        execv(self_path, argv);
        _exit(2);
    }
    int st = xwait(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child after fork/exec: status 0x%x", st);
    signal(SIGHUP, SIG_IGN); /* drop the pending one */
}

/* Run after exec by test_fork_exec_rules: caught -> default, ignored and mask kept. */
int sigtest_exec_child(void)
{
    struct sigaction a1, a2;
    sigset_t cur;
    sigaction(SIGUSR1, NULL, &a1);
    sigaction(SIGUSR2, NULL, &a2);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    if (a1.sa_handler != SIG_DFL)
        return 3;
    if (a2.sa_handler != SIG_IGN)
        return 4;
    if (!sigismember(&cur, SIGHUP))
        return 5;
    sigset_t pend;
    sigpending(&pend);
    if (!sigismember(&pend, SIGHUP))
        return 6;
    signal(SIGHUP, SIG_IGN); /* drop it */
    return 0;
}

static const struct sigtest exec_tests[] = {
    {"fork-exec-rules", test_fork_exec_rules},
};
SIGTEST_REGISTER(exec_tests);
