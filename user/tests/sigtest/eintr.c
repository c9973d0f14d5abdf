/*
 * Signals and blocking calls: a handler interrupts a pipe read or write,
 * wait, nanosleep/sleep and a console read with EINTR, or SA_RESTART goes
 * on with the call (never nanosleep, pause or sigsuspend, which return
 * EINTR, nanosleep with the time left); a call goes on when no handler runs
 * (ignored, blocked, stop and continue); pause, sigsuspend, alarm and an
 * interval timer; an uncaught fatal signal ends a process blocked in any
 * call at once.
 */
#include "sigtest.h"

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
    /* nanosleep is never restarted after a handler (SA_RESTART or not); it
     * reports what is left */
    for (int restart = 0; restart < 2; restart++) {
        got = 0;
        on(SIGALRM, count, restart ? SA_RESTART : 0);
        set_timer_ms(200);
        struct timespec req = {2, 0}, rem = {0, 0};
        double t0 = now_s();
        int r = nanosleep(&req, &rem);
        double slept = now_s() - t0, left = rem.tv_sec + rem.tv_nsec / 1e9;
        CHECK(r < 0 && errno == EINTR && got == 1, "nanosleep (SA_RESTART %d): %d errno %d",
              restart, r, errno);
        CHECK(slept < 1.0 && left > 1.0 && left < 1.95, "slept %.2f s, %.2f s left", slept, left);
    }
    /* sleep() returns the seconds left, rounded to the nearest */
    got = 0;
    alarm(1);
    unsigned left = sleep(5);
    CHECK(left == 4 && got == 1, "sleep(5) interrupted after 1 s returned %u", left);
}

static volatile sig_atomic_t got_usr1;
static void count_usr1(int sig)
{
    (void)sig;
    got_usr1++;
}

/*
 * A console read: EINTR after a handler without SA_RESTART; restarted after
 * one with SA_RESTART (SIGALRM at 100 ms), so it goes on until a second
 * signal whose handler has no SA_RESTART (SIGUSR1 at 400 ms) ends it.
 */
static void test_eintr_console_read(void)
{
    char c;
    CHECK(isatty(0), "stdin is not the console");
    on(SIGALRM, count, 0);
    set_timer_ms(100);
    long r = read(0, &c, 1);
    CHECK(r < 0 && errno == EINTR && got == 1, "console read: %ld errno %d", r, errno);
    got = 0;
    on(SIGALRM, count, SA_RESTART);
    on(SIGUSR1, count_usr1, 0);
    pid_t pid = signal_parent_later(400, SIGUSR1);
    set_timer_ms(100);
    double t0 = now_s();
    r = read(0, &c, 1);
    double t = now_s() - t0;
    CHECK(r < 0 && errno == EINTR, "console read: %ld errno %d", r, errno);
    CHECK(got == 1 && got_usr1 == 1 && t > 0.3,
          "SA_RESTART console read ended after %.2f s (%d SIGALRM, %d SIGUSR1)", t, got, got_usr1);
    xwait(pid);
}

/*
 * No handler runs (the signal is ignored, or blocked, or the process is
 * stopped and continued): a blocked pipe read, wait4 and console read go on
 * as if nothing happened.
 */
static void test_restart_without_handler(void)
{
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = xfork();
        if (kids[i] == 0) {
            signal(SIGUSR1, SIG_IGN);
            sigset_t b;
            sigemptyset(&b);
            sigaddset(&b, SIGUSR2);
            sigprocmask(SIG_BLOCK, &b, NULL);
            char c;
            int st;
            if (i == 0)
                _exit(read(p[0], &c, 1) == 1 ? 0 : 1);
            if (i == 1) {
                pid_t g = xfork();
                if (g == 0) {
                    read(p[0], &c, 1);
                    _exit(7);
                }
                _exit(waitpid(g, &st, 0) == g && WEXITSTATUS(st) == 7 ? 0 : 1);
            }
            /* the console: ended by SIGTERM (no handler), never by EINTR */
            long r = read(0, &c, 1);
            _exit(r < 0 && errno == EINTR ? 1 : 2);
        }
    }
    msleep(100);
    for (int i = 0; i < 3; i++) {
        int st;
        kill(kids[i], SIGUSR1); /* ignored */
        kill(kids[i], SIGURG);  /* ignored by default */
        kill(kids[i], SIGUSR2); /* blocked */
        kill(kids[i], SIGSTOP);
        CHECK(waitpid(kids[i], &st, WUNTRACED) == kids[i] && WIFSTOPPED(st), "child %d: 0x%x", i,
              st);
        kill(kids[i], SIGCONT);
    }
    msleep(100);
    for (int i = 0; i < 3; i++) {
        int st;
        CHECK(waitpid(kids[i], &st, WNOHANG) == 0, "child %d: its call ended (0x%x)", i, st);
    }
    write(p[1], "ab", 2);
    kill(kids[2], SIGTERM);
    for (int i = 0; i < 2; i++) {
        int st = xwait(kids[i]);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d: status 0x%x", i, st);
    }
    int st = xwait(kids[2]);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "console reader: status 0x%x", st);
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
    /* sigsuspend is never restarted, even after an SA_RESTART handler */
    got = 0;
    on(SIGUSR1, count, SA_RESTART);
    pid = signal_parent_later(100, SIGUSR1);
    CHECK(sigsuspend(&wait_mask) < 0 && errno == EINTR && got == 1, "SA_RESTART sigsuspend");
    xwait(pid);
    /* setitimer with an interval fires again and again */
    got = 0;
    struct itimerval it = {{0, 20000}, {0, 20000}}, off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
    while (got < 5)
        ;
    setitimer(ITIMER_REAL, &off, NULL);
}

/* An uncaught fatal signal ends a process blocked in any call at once: a
 * pipe read, sleep, pause, wait4, a console read, a pipe write. */
static void test_fatal_while_blocked(void)
{
    int p[2], q[2];
    pipe(p);
    pipe(q);
    enum { NKIDS = 6 };
    pid_t kids[NKIDS];
    for (int i = 0; i < NKIDS; i++) {
        kids[i] = xfork();
        if (kids[i] == 0) {
            char c;
            if (i == 0) {
                read(p[0], &c, 1);
            } else if (i == 1) {
                sleep(100);
            } else if (i == 2) {
                pause();
            } else if (i == 3) {
                if (xfork() == 0) { /* a child that outlives the wait */
                    close(p[1]);
                    read(p[0], &c, 1); /* end of file once the test is over */
                    _exit(0);
                }
                wait(NULL);
            } else if (i == 4) {
                read(0, &c, 1); /* the console */
            } else {
                char buf[4096];
                memset(buf, 'w', sizeof(buf));
                for (;;) /* fills the pipe, then blocks */
                    write(q[1], buf, sizeof(buf));
            }
            _exit(0);
        }
    }
    msleep(200);
    double t0 = now_s();
    for (int i = 0; i < NKIDS; i++)
        kill(kids[i], SIGTERM);
    for (int i = 0; i < NKIDS; i++) {
        int st = xwait(kids[i]);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "child %d: status 0x%x", i, st);
    }
    CHECK(now_s() - t0 < 2, "took %.1f s", now_s() - t0);
}

static const struct sigtest eintr_tests[] = {
    {"eintr-pipe-read", test_eintr_pipe_read},
    {"eintr-pipe-write", test_eintr_pipe_write},
    {"eintr-wait", test_eintr_wait},
    {"eintr-nanosleep", test_eintr_nanosleep},
    {"eintr-console-read", test_eintr_console_read},
    {"pause-sigsuspend-alarm", test_pause_sigsuspend_alarm},
    {"restart-without-handler", test_restart_without_handler},
    {"fatal-while-blocked", test_fatal_while_blocked},
};
SIGTEST_REGISTER(eintr_tests);
