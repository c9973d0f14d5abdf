/*
 * Signals and blocking calls: a handler interrupts a pipe read or write,
 * wait, nanosleep/sleep and a console read with EINTR, or SA_RESTART goes
 * on with the call; pause, sigsuspend, alarm and an interval timer; an
 * uncaught fatal signal ends a process blocked in any call at once.
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

static const struct sigtest eintr_tests[] = {
    {"eintr-pipe-read", test_eintr_pipe_read},
    {"eintr-pipe-write", test_eintr_pipe_write},
    {"eintr-wait", test_eintr_wait},
    {"eintr-nanosleep", test_eintr_nanosleep},
    {"eintr-console-read", test_eintr_console_read},
    {"pause-sigsuspend-alarm", test_pause_sigsuspend_alarm},
    {"fatal-while-blocked", test_fatal_while_blocked},
};
SIGTEST_REGISTER(eintr_tests);
