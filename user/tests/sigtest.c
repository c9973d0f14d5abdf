/*
 * sigtest: the in-guest test of signals, process groups and job control
 * (docs/signals.md).  Each test runs in its own child process, so a test that
 * goes wrong (or dies of a signal it should have caught) fails alone:
 *
 *     sigtest            run every test; "sigtest NAME: OK" / "FAILED (why)"
 *     sigtest NAME...    run only those
 *     sigtest --bench    time a signal to oneself against a bare system call
 *
 * The last line is "sigtest: ALL PASSED" or "sigtest: N FAILED"; the exit
 * status is 0 only if every test passed.  Whole run: a few seconds.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <quill/syscall.h>
#include "abi/procinfo.h"

#define KERNEL_TEXT 0xffffffc080200000UL

static char self_path[] = "/bin/sigtest";
static volatile int *volatile bad_ptr = (int *)16;

/* ---- scaffolding ---- */

static void fail(const char *fmt, ...)
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

#define CHECK(c, ...)                                                                              \
    do {                                                                                           \
        if (!(c))                                                                                  \
            fail(__VA_ARGS__);                                                                     \
    } while (0)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void msleep(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static void on(int sig, void (*h)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h;
    sa.sa_flags = flags;
    CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction(%d): errno %d", sig, errno);
}

static void on_info(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = h;
    sa.sa_flags = flags | SA_SIGINFO;
    CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction(%d): errno %d", sig, errno);
}

static pid_t xfork(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0, "fork: errno %d", errno);
    return pid;
}

static int xwait(pid_t pid)
{
    int st;
    CHECK(waitpid(pid, &st, 0) == pid, "waitpid(%d): errno %d", pid, errno);
    return st;
}

/* In the child: after `ms` milliseconds send sig to the parent, then exit. */
static pid_t signal_parent_later(int ms, int sig)
{
    pid_t parent = getpid(), pid = xfork();
    if (pid == 0) {
        msleep(ms);
        kill(parent, sig);
        _exit(0);
    }
    return pid;
}

static volatile sig_atomic_t got, got2, order[4], norder;
static volatile siginfo_t last_info;
static void count(int sig)
{
    (void)sig;
    got++;
}

/* ---- handlers, frames, masks ---- */

static void test_handler_runs(void)
{
    on(SIGUSR1, count, 0);
    volatile int before = 42;
    raise(SIGUSR1);
    CHECK(got == 1, "handler ran %d times", got);
    CHECK(before == 42, "stack of the interrupted code changed");
}

static void info_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    last_info = *si;
    got = sig;
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

static sigjmp_buf jb;
static void segv_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    last_info = *si;
    siglongjmp(jb, sig);
}

static void test_segv_longjmp(void)
{
    on_info(SIGSEGV, segv_handler, 0);
    volatile int *bad = (int *)0x12345678;
    int r = sigsetjmp(jb, 1);
    if (r == 0) {
        *bad = 1;
        fail("store to an unmapped address did not fault");
    }
    CHECK(r == SIGSEGV, "longjmp value %d", r);
    CHECK(last_info.si_code == SEGV_MAPERR, "si_code %d", last_info.si_code);
    CHECK(last_info.si_addr == (void *)bad, "si_addr %p, expected %p", last_info.si_addr, bad);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGSEGV), "siglongjmp left SIGSEGV blocked");
    /* And again: the handler is still installed and the mask was restored. */
    if (sigsetjmp(jb, 1) == 0)
        *bad = 2;
    CHECK(last_info.si_addr == (void *)bad, "second fault not caught");
}

/* SIGILL and SIGTRAP: the handler skips the instruction through the context. */
static void skip_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    last_info = *si;
    got = sig;
    uc->uc_mcontext.pc += 4;
}

static void test_fault_fixup_return(void)
{
    on_info(SIGILL, skip_handler, 0);
    on_info(SIGTRAP, skip_handler, 0);
    uintptr_t pc;
    __asm__ volatile("auipc %0, 0\n .word 0x00000000" : "=r"(pc)); /* illegal (all zeros) */
    CHECK(got == SIGILL, "no SIGILL (%d)", got);
    CHECK(last_info.si_code == ILL_ILLOPC && last_info.si_addr == (void *)(pc + 4),
          "SIGILL code %d addr %p (pc %p)", last_info.si_code, last_info.si_addr, (void *)(pc + 4));
    got = 0;
    __asm__ volatile(".word 0x00100073"); /* ebreak */
    CHECK(got == SIGTRAP && last_info.si_code == TRAP_BRKPT, "SIGTRAP: %d code %d", got,
          last_info.si_code);
}

static void test_fault_status(void)
{
    pid_t pid = xfork();
    if (pid == 0) {
        *bad_ptr = 1;
        _exit(0);
    }
    int st = xwait(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status 0x%x", st);
    pid = xfork();
    if (pid == 0) {
        __asm__ volatile(".word 0x00000000");
        _exit(0);
    }
    st = xwait(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL, "status 0x%x", st);
    pid = xfork();
    if (pid == 0) {
        /* a blocked SIGSEGV cannot hold a fault back: the process dies */
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSEGV);
        sigprocmask(SIG_BLOCK, &s, NULL);
        *bad_ptr = 1;
        _exit(0);
    }
    st = xwait(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "blocked: status 0x%x", st);
    pid = xfork();
    if (pid == 0)
        abort();
    st = xwait(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "abort: status 0x%x", st);
}

/* The FP registers of the interrupted code survive a handler that uses them. */
static void fp_clobber(int sig)
{
    (void)sig;
    __asm__ volatile("fmv.d.x ft0, zero\n fmv.d.x ft1, zero\n fmv.d.x fa0, zero" ::
                         : "ft0", "ft1", "fa0");
    got = 1;
}

static void test_fp_saved(void)
{
    on(SIGALRM, fp_clobber, 0);
    unsigned long v = 0x400921fb54442d18UL, out; /* pi */
    struct itimerval it = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    __asm__ volatile("fmv.d.x ft0, %1\n"
                     "1: lw t0, 0(%2)\n"
                     "beqz t0, 1b\n"
                     "fmv.x.d %0, ft0"
                     : "=r"(out)
                     : "r"(v), "r"(&got)
                     : "t0", "ft0", "memory");
    CHECK(out == v, "ft0 was 0x%lx after the handler, expected 0x%lx", out, v);
}

static void test_mask_and_pending(void)
{
    on(SIGUSR1, count, 0);
    sigset_t s, old, pend;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGKILL); /* silently not blocked */
    sigprocmask(SIG_BLOCK, &s, &old);
    raise(SIGUSR1);
    raise(SIGUSR1); /* one pending instance only */
    CHECK(got == 0, "blocked signal delivered");
    sigpending(&pend);
    CHECK(sigismember(&pend, SIGUSR1), "SIGUSR1 not pending");
    sigprocmask(SIG_BLOCK, NULL, &s);
    CHECK(!sigismember(&s, SIGKILL), "SIGKILL was blocked");
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK(got == 1, "after unblocking: delivered %d times", got);
    struct sigaction sa = {0};
    sa.sa_handler = count;
    CHECK(sigaction(SIGKILL, &sa, NULL) < 0 && errno == EINVAL, "SIGKILL catchable");
    CHECK(sigaction(SIGSTOP, &sa, NULL) < 0 && errno == EINVAL, "SIGSTOP catchable");
    sa.sa_handler = SIG_IGN;
    CHECK(sigaction(SIGKILL, &sa, NULL) < 0, "SIGKILL ignorable");
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

/* ---- forged frames ---- */

static void forge_handler(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ucv;
    switch (got2) {
    case 0:
        uc->uc_flags = 0xdead;
        break; /* bad magic */
    case 1:
        uc->uc_mcontext.pc = KERNEL_TEXT;
        break; /* into the kernel */
    case 2:
        uc->uc_sigmask = ~0UL;
        break; /* block everything */
    case 3:
        uc->uc_mcontext.fcsr = ~0UL;
        break; /* undefined fcsr bits */
    }
}

static void test_sigreturn_forged(void)
{
    for (int i = 0; i < 4; i++) {
        pid_t pid = xfork();
        if (pid == 0) {
            got2 = i;
            on_info(SIGUSR1, forge_handler, 0);
            raise(SIGUSR1);
            /* cases 2 and 3 come back: SIGKILL/SIGSTOP still unblocked */
            sigset_t cur;
            sigprocmask(SIG_BLOCK, NULL, &cur);
            if (sigismember(&cur, SIGKILL) || sigismember(&cur, SIGSTOP))
                _exit(3);
            unsigned long fcsr;
            __asm__ volatile("frcsr %0" : "=r"(fcsr));
            _exit(fcsr > 0xff ? 4 : 0);
        }
        int st = xwait(pid);
        if (i < 2)
            CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "forged frame %d: status 0x%x", i,
                  st);
        else
            CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "forged frame %d: status 0x%x", i, st);
    }
    /* rt_sigreturn with garbage at sp, without any signal. */
    pid_t pid = xfork();
    if (pid == 0) {
        rt_sigreturn();
        _exit(0);
    }
    int st = xwait(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "bare sigreturn: status 0x%x", st);
}

/* ---- a storm of signals ---- */

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

/* ---- interrupted system calls ---- */

static void set_timer_ms(int ms)
{
    struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

/* Does a blocking call fail with EINTR (restart=0) or go on (restart=1)? */
static void check_pipe_read(int restart)
{
    int p[2];
    char c;
    CHECK(pipe(p) == 0, "pipe");
    on(SIGALRM, count, restart ? SA_RESTART : 0);
    pid_t pid = xfork();
    if (pid == 0) {
        msleep(400);
        write(p[1], "x", 1);
        _exit(0);
    }
    set_timer_ms(100);
    long r = read(p[0], &c, 1);
    if (restart)
        CHECK(r == 1 && got == 1, "SA_RESTART read: %ld errno %d, %d handlers", r, errno, got);
    else
        CHECK(r < 0 && errno == EINTR && got == 1, "read: %ld errno %d", r, errno);
    xwait(pid);
    got = 0;
}

static void test_eintr_pipe_read(void)
{
    check_pipe_read(0);
    check_pipe_read(1);
}

static void test_eintr_pipe_write(void)
{
    for (int restart = 0; restart < 2; restart++) {
        int p[2];
        char buf[1024];
        memset(buf, 'a', sizeof(buf));
        CHECK(pipe(p) == 0, "pipe");
        on(SIGALRM, count, restart ? SA_RESTART : 0);
        pid_t pid = xfork();
        if (pid == 0) {
            close(p[1]);
            msleep(400);
            while (read(p[0], buf, sizeof(buf)) > 0)
                ;
            _exit(0);
        }
        close(p[0]);
        for (int i = 0; i < 4; i++) /* fill the 4 KiB pipe */
            write(p[1], buf, sizeof(buf));
        got = 0;
        set_timer_ms(100);
        long r = write(p[1], buf, 1);
        if (restart)
            CHECK(r == 1 && got == 1, "SA_RESTART write: %ld errno %d", r, errno);
        else
            CHECK(r < 0 && errno == EINTR && got == 1, "write: %ld errno %d", r, errno);
        close(p[1]);
        xwait(pid);
    }
}

static void test_eintr_wait(void)
{
    for (int restart = 0; restart < 2; restart++) {
        on(SIGALRM, count, restart ? SA_RESTART : 0);
        got = 0;
        pid_t pid = xfork();
        if (pid == 0) {
            msleep(400);
            _exit(7);
        }
        set_timer_ms(100);
        int st;
        pid_t r = waitpid(pid, &st, 0);
        if (restart) {
            CHECK(r == pid && WEXITSTATUS(st) == 7 && got == 1, "SA_RESTART wait: %d errno %d", r,
                  errno);
        } else {
            CHECK(r < 0 && errno == EINTR && got == 1, "wait: %d errno %d", r, errno);
            xwait(pid);
        }
    }
}

static void test_eintr_nanosleep(void)
{
    /* nanosleep is never restarted after a handler; it reports what is left */
    on(SIGALRM, count, SA_RESTART);
    set_timer_ms(200);
    struct timespec req = {2, 0}, rem = {0, 0};
    double t0 = now_s();
    int r = nanosleep(&req, &rem);
    double slept = now_s() - t0, left = rem.tv_sec + rem.tv_nsec / 1e9;
    CHECK(r < 0 && errno == EINTR && got == 1, "nanosleep: %d errno %d", r, errno);
    CHECK(slept < 1.0 && left > 1.0 && left < 1.95, "slept %.2f s, %.2f s left", slept, left);
    got = 0;
    alarm(1);
    CHECK(sleep(5) >= 3 && got == 1, "sleep did not return the seconds left");
}

static void test_eintr_console_read(void)
{
    char c;
    on(SIGALRM, count, 0);
    set_timer_ms(100);
    long r = read(0, &c, 1);
    CHECK(r < 0 && errno == EINTR && got == 1, "console read: %ld errno %d", r, errno);
}

static void test_pause_sigsuspend_alarm(void)
{
    on(SIGALRM, count, SA_RESTART);
    CHECK(alarm(1) == 0, "no alarm was pending");
    unsigned left = alarm(1);
    CHECK(left == 1, "alarm returned %u", left);
    double t0 = now_s();
    CHECK(pause() < 0 && errno == EINTR && got == 1, "pause: errno %d got %d", errno, got);
    CHECK(now_s() - t0 > 0.5, "alarm came too early");
    /* sigsuspend: SIGUSR1 blocked outside, let through only while suspended */
    got = 0;
    on(SIGUSR1, count, 0);
    sigset_t block, wait_mask, cur;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    pid_t pid = signal_parent_later(100, SIGUSR1);
    sigemptyset(&wait_mask);
    CHECK(sigsuspend(&wait_mask) < 0 && errno == EINTR && got == 1, "sigsuspend");
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(sigismember(&cur, SIGUSR1), "sigsuspend did not restore the mask");
    xwait(pid);
    /* setitimer with an interval fires again and again */
    got = 0;
    struct itimerval it = {{0, 20000}, {0, 20000}}, off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
    while (got < 5)
        ;
    setitimer(ITIMER_REAL, &off, NULL);
}

/* An uncaught fatal signal ends a process blocked in any call at once. */
static void test_fatal_while_blocked(void)
{
    int p[2];
    pipe(p);
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = xfork();
        if (kids[i] == 0) {
            char c;
            if (i == 0)
                read(p[0], &c, 1);
            else if (i == 1)
                sleep(100);
            else
                pause();
            _exit(0);
        }
    }
    msleep(100);
    double t0 = now_s();
    for (int i = 0; i < 3; i++)
        kill(kids[i], SIGTERM);
    for (int i = 0; i < 3; i++) {
        int st = xwait(kids[i]);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "child %d: status 0x%x", i, st);
    }
    CHECK(now_s() - t0 < 2, "took %.1f s", now_s() - t0);
}

/* ---- children: SIGCHLD, stop and continue ---- */

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
    kill(pid, SIGTSTP);
    CHECK(waitpid(pid, &st, WUNTRACED) == pid && WSTOPSIG(st) == SIGTSTP, "SIGTSTP: 0x%x", st);
    kill(pid, SIGKILL); /* kills a stopped process too */
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
          "kill stopped: 0x%x", st);
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

/* ---- pipes ---- */

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

/* The target spins in user mode (no system calls), on another hart if there is one. */
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
    int st = 0;
    for (int i = 0; i < 200 && waitpid(pid, &st, WNOHANG) == 0; i++) {
        kill(pid, SIGUSR1);
        msleep(20);
    }
    if (waitpid(pid, &st, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        xwait(pid);
        fail("spinning child did not see 20 signals in %.1f s", now_s() - t0);
    }
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
}

/* ---- fork and exec ---- */

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
        char *argv[] = {self_path, "--exec-child", NULL};
        execv(self_path, argv);
        _exit(2);
    }
    int st = xwait(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child after fork/exec: status 0x%x", st);
    signal(SIGHUP, SIG_IGN); /* drop the pending one */
}

/* Run after exec by test_fork_exec_rules: caught -> default, ignored and mask kept. */
static int exec_child(void)
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
    return 0;
}

/* ---- runner ---- */

struct test {
    const char *name;
    void (*fn)(void);
};

static const struct test tests[] = {
    {"handler-runs", test_handler_runs},
    {"siginfo-kill", test_siginfo_kill},
    {"segv-siginfo-longjmp", test_segv_longjmp},
    {"fault-handler-returns", test_fault_fixup_return},
    {"fault-status", test_fault_status},
    {"fp-state-saved", test_fp_saved},
    {"mask-pending", test_mask_and_pending},
    {"action-flags", test_action_flags},
    {"nested", test_nested},
    {"sigreturn-forged", test_sigreturn_forged},
    {"storm", test_storm},
    {"eintr-pipe-read", test_eintr_pipe_read},
    {"eintr-pipe-write", test_eintr_pipe_write},
    {"eintr-wait", test_eintr_wait},
    {"eintr-nanosleep", test_eintr_nanosleep},
    {"eintr-console-read", test_eintr_console_read},
    {"pause-sigsuspend-alarm", test_pause_sigsuspend_alarm},
    {"fatal-while-blocked", test_fatal_while_blocked},
    {"sigchld-wnohang", test_sigchld_wnohang},
    {"sigchld-ignored", test_sigchld_ignored},
    {"stop-continue", test_stop_continue},
    {"stop-during-sleep", test_stop_during_sleep},
    {"orphaned-stopped-group", test_orphaned_stopped_group},
    {"sigpipe", test_sigpipe},
    {"kill-group", test_kill_group},
    {"kill-all", test_kill_all},
    {"cross-hart", test_cross_hart},
    {"fork-exec-rules", test_fork_exec_rules},
};

static bool selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return true;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

static int run_one(const struct test *t)
{
    printf("sigtest %s: ", t->name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        t->fn();
        _exit(0);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid) {
        printf("FAILED (fork/wait: errno %d)\n", errno);
        return 1;
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        printf("OK\n");
        return 0;
    }
    if (WIFSIGNALED(st))
        printf("FAILED (killed by %s)\n", strsignal(WTERMSIG(st)));
    else
        printf("FAILED\n");
    return 1;
}

/* sigtest --bench: the cost of a signal delivered to oneself (kill, frame,
 * handler, sigreturn) next to a bare system call. */
static int bench(void)
{
    enum { N = 20000 };
    on(SIGUSR1, count, 0);
    pid_t me = getpid();
    double t0 = now_s();
    for (int i = 0; i < N; i++)
        getppid();
    double t1 = now_s();
    for (int i = 0; i < N; i++)
        kill(me, SIGUSR1);
    double t2 = now_s();
    printf("system call (getppid): %.2f us\n", (t1 - t0) * 1e6 / N);
    printf("signal to self (kill + handler + sigreturn): %.2f us, %d handled\n",
           (t2 - t1) * 1e6 / N, got);
    return got == N ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--exec-child") == 0)
        return exec_child();
    if (argc == 2 && strcmp(argv[1], "--bench") == 0)
        return bench();
    setvbuf(stdout, NULL, _IONBF, 0);
    int failed = 0;
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
        if (selected(tests[i].name, argc, argv))
            failed += run_one(&tests[i]);
    if (failed)
        printf("sigtest: %d FAILED\n", failed);
    else
        printf("sigtest: ALL PASSED\n");
    return failed != 0;
}
