/*
 * Handlers, masks and actions: a handler runs and the interrupted code goes
 * on unharmed; siginfo for kill; blocking, pending and unblocking; sa_mask,
 * SA_NODEFER and SA_RESETHAND; handlers nested in handlers; a storm of
 * signals against a loop of system calls; the library's signal names.
 */
#include "sigtest.h"

static volatile sig_atomic_t order[4], norder;

static void test_handler_runs(void)
{
    on(SIGUSR1, count, 0);
    volatile int before = 42;
    raise(SIGUSR1);
    CHECK(got == 1, "handler ran %d times", got);
    CHECK(before == 42, "stack of the interrupted code changed");
}

static void test_siginfo_kill(void)
{
    on_info(SIGUSR2, info_handler, 0);
    kill(getpid(), SIGUSR2);
    CHECK(got == SIGUSR2, "handler got %d", got);
    CHECK(last_info.si_signo == SIGUSR2 && last_info.si_code == SI_USER &&
              last_info.si_pid == getpid(),
          "siginfo signo %d code %d pid %d (mine %d)", last_info.si_signo, last_info.si_code,
          last_info.si_pid, getpid());
}

static void test_mask_and_pending(void)
{
    on(SIGUSR1, count, 0);
    sigset_t s, old, pend;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGKILL); /* silently not blocked */
    sigaddset(&s, SIGSTOP);
    sigprocmask(SIG_BLOCK, &s, &old);
    raise(SIGUSR1);
    raise(SIGUSR1); /* one pending instance only */
    CHECK(got == 0, "blocked signal delivered");
    sigpending(&pend);
    CHECK(sigismember(&pend, SIGUSR1), "SIGUSR1 not pending");
    sigprocmask(SIG_BLOCK, NULL, &s);
    CHECK(!sigismember(&s, SIGKILL) && !sigismember(&s, SIGSTOP), "SIGKILL or SIGSTOP blocked");
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK(got == 1, "after unblocking: delivered %d times", got);
    struct sigaction sa = {0};
    sa.sa_handler = count;
    CHECK(sigaction(SIGKILL, &sa, NULL) < 0 && errno == EINVAL, "SIGKILL catchable");
    CHECK(sigaction(SIGSTOP, &sa, NULL) < 0 && errno == EINVAL, "SIGSTOP catchable");
    sa.sa_handler = SIG_IGN;
    CHECK(sigaction(SIGKILL, &sa, NULL) < 0, "SIGKILL ignorable");
    CHECK(sigaction(SIGSTOP, &sa, NULL) < 0 && errno == EINVAL, "SIGSTOP ignorable");
    CHECK(kill(getpid(), 0) == 0 && kill(99999, 0) < 0 && errno == ESRCH, "kill sig 0 probe");
    CHECK(kill(getpid(), 99) < 0 && errno == EINVAL, "kill with a bad signal");
}

static void mask_probe(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    got = sigismember(&cur, sig) * 1 + sigismember(&cur, SIGUSR2) * 2;
}

static void test_action_flags(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = mask_probe;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    CHECK(got == 3, "in the handler: own signal blocked %d, sa_mask applied %d", got & 1,
          (got >> 1) & 1);
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    CHECK(got == 2, "SA_NODEFER: own signal blocked");
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    CHECK(now.sa_handler == SIG_DFL, "SA_RESETHAND: handler still installed");
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGUSR2), "mask not restored");
}

static void nested_inner(int sig)
{
    order[norder++] = sig;
}

static void nested_outer(int sig)
{
    order[norder++] = sig;
    raise(SIGUSR2);
    order[norder++] = sig;
}

static void test_nested(void)
{
    on(SIGUSR1, nested_outer, 0);
    on(SIGUSR2, nested_inner, 0);
    raise(SIGUSR1);
    CHECK(norder == 3 && order[0] == SIGUSR1 && order[1] == SIGUSR2 && order[2] == SIGUSR1,
          "order %d: %d %d %d", norder, order[0], order[1], order[2]);
}

static void test_storm(void)
{
    long before = memfree();
    on(SIGUSR1, count, SA_RESTART);
    pid_t me = getpid(), pid = xfork();
    if (pid == 0) {
        for (int i = 0; i < 3000; i++)
            kill(me, SIGUSR1);
        _exit(0);
    }
    int st;
    long iters = 0;
    /* A tight loop of system calls whose results are checked every time. */
    for (;;) {
        volatile long mark = iters;
        if (getpid() != me)
            fail("getpid changed under signals");
        if (mark != iters)
            fail("local variable changed across a handler");
        iters++;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            break;
        CHECK(r == 0, "waitpid: %d errno %d", r, errno);
    }
    CHECK(WIFEXITED(st), "sender: status 0x%x", st);
    CHECK(got > 0, "no handler ran");
    long after = memfree();
    CHECK(after >= before - 4, "memfree %ld before, %ld after %d handlers", before, after, got);
}

/* The library's names and messages: strsignal, psignal, sig2str/str2sig. */
static void test_names(void)
{
    CHECK(!strcmp(strsignal(SIGSEGV), "Segmentation fault"), "strsignal(SIGSEGV): %s",
          strsignal(SIGSEGV));
    CHECK(!strcmp(strsignal(SIGINT), "Interrupt"), "strsignal(SIGINT): %s", strsignal(SIGINT));
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    int saved = dup(2);
    dup2(p[1], 2);
    psignal(SIGTERM, "sigtest");
    fflush(stderr);
    dup2(saved, 2);
    close(p[1]);
    char buf[64] = {0};
    long n = read(p[0], buf, sizeof(buf) - 1);
    CHECK(n > 0 && !strcmp(buf, "sigtest: Terminated\n"), "psignal wrote \"%s\"", buf);
    char name[SIG2STR_MAX];
    int sig = 0;
    CHECK(sig2str(SIGTSTP, name) == 0 && !strcmp(name, "TSTP"), "sig2str(SIGTSTP): %s", name);
    CHECK(str2sig("SIGUSR2", &sig) == 0 && sig == SIGUSR2, "str2sig(SIGUSR2): %d", sig);
    CHECK(str2sig("cont", &sig) == 0 && sig == SIGCONT, "str2sig(cont): %d", sig);
    CHECK(str2sig("15", &sig) == 0 && sig == SIGTERM, "str2sig(15): %d", sig);
    CHECK(str2sig("NOSUCH", &sig) < 0, "str2sig(NOSUCH) succeeded");
}

static const struct sigtest handler_tests[] = {
    {"handler-runs", test_handler_runs},
    {"siginfo-kill", test_siginfo_kill},
    {"mask-pending", test_mask_and_pending},
    {"action-flags", test_action_flags},
    {"nested", test_nested},
    {"storm", test_storm},
    {"signal-names", test_names},
};
SIGTEST_REGISTER(handler_tests);
