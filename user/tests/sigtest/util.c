/*
 * sigtest's scaffolding (declared in sigtest.h): failing a test with a
 * reason, clocks and sleeps, handler installation, fork and wait, and the
 * state handlers record.
 */
#include "sigtest.h"

volatile sig_atomic_t got;
volatile siginfo_t last_info;

void fail(const char *fmt, ...)
{
    va_list ap;
    char buf[200];
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("(%s) ", buf);
    fflush(stdout);
    _exit(1);
}

double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

void msleep(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

void on(int sig, void (*h)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h;
    sa.sa_flags = flags;
    CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction(%d): errno %d", sig, errno);
}

void on_info(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = h;
    sa.sa_flags = flags | SA_SIGINFO;
    CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction(%d): errno %d", sig, errno);
}

pid_t xfork(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0, "fork: errno %d", errno);
    return pid;
}

int xwait(pid_t pid)
{
    int st;
    CHECK(waitpid(pid, &st, 0) == pid, "waitpid(%d): errno %d", pid, errno);
    return st;
}

/* In the child: after `ms` milliseconds send sig to the parent, then exit. */
pid_t signal_parent_later(int ms, int sig)
{
    pid_t parent = getpid(), pid = xfork();
    if (pid == 0) {
        msleep(ms);
        kill(parent, sig);
        _exit(0);
    }
    return pid;
}

void count(int sig)
{
    (void)sig;
    got++;
}

void info_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    last_info = *si;
    got = sig;
}
