/*
 * The console as a terminal, from a program's side: isatty and the modes
 * (tcgetattr/tcsetattr with ICANON, ECHO, ISIG), the foreground group
 * (tcgetpgrp: sigtest runs in the foreground), and job control: a
 * background process that reads the console is stopped by SIGTTIN (EIO if
 * it ignores or blocks it, or if its group is orphaned), and one that takes the terminal
 * (tcsetpgrp) is stopped by SIGTTOU unless it ignores it.  Every test leaves the terminal as it
 * found it (the modes and the foreground group).
 */
#include "sigtest.h"
#include <termios.h>

static void test_tty_modes(void)
{
    CHECK(isatty(0), "stdin is not the console");
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    CHECK(!isatty(p[0]) && errno == ENOTTY, "a pipe is a terminal (errno %d)", errno);
    struct termios saved, t, now;
    CHECK(tcgetattr(0, &saved) == 0, "tcgetattr: errno %d", errno);
    CHECK((saved.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG),
          "the shell left lflag 0x%x (not canonical, echoing, signalling)", saved.c_lflag);
    CHECK(saved.c_cc[VINTR] == 3 && saved.c_cc[VQUIT] == 0x1c && saved.c_cc[VSUSP] == 0x1a &&
              saved.c_cc[VEOF] == 4,
          "control characters %d %d %d %d", saved.c_cc[VINTR], saved.c_cc[VQUIT], saved.c_cc[VSUSP],
          saved.c_cc[VEOF]);
    t = saved;
    t.c_lflag &= ~(ICANON | ECHO | ISIG);
    CHECK(tcsetattr(0, TCSANOW, &t) == 0, "tcsetattr: errno %d", errno);
    tcgetattr(0, &now);
    bool raw_ok = (now.c_lflag & (ICANON | ECHO | ISIG)) == 0;
    CHECK(tcsetattr(0, TCSANOW, &saved) == 0, "tcsetattr back: errno %d", errno);
    CHECK(raw_ok, "modes not taken: lflag 0x%x", now.c_lflag);
    tcgetattr(0, &now);
    CHECK(now.c_lflag == saved.c_lflag, "modes not put back: lflag 0x%x", now.c_lflag);
    CHECK(tcgetattr(p[0], &t) < 0 && errno == ENOTTY, "tcgetattr on a pipe: errno %d", errno);
}

static void test_tty_foreground(void)
{
    CHECK(tcgetpgrp(0) == getpgrp(), "foreground group %d, sigtest's %d", tcgetpgrp(0), getpgrp());
    CHECK(tcgetsid(0) == getsid(0), "terminal's session %d, sigtest's %d", tcgetsid(0), getsid(0));
    /* neither a group that does not exist nor one of another session can
     * be made the foreground */
    pid_t me = getpgrp();
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    pid_t pid = xfork();
    if (pid == 0) {
        close(p[0]);
        setsid();
        write(p[1], "s", 1);
        pause();
        _exit(0);
    }
    close(p[1]);
    char c;
    CHECK(read(p[0], &c, 1) == 1, "the child did not start a session");
    int r1 = tcsetpgrp(0, 424242), e1 = errno;
    int r2 = tcsetpgrp(0, pid), e2 = errno;
    kill(pid, SIGKILL);
    xwait(pid);
    signal(SIGTTOU, SIG_IGN);
    pid_t fg = tcgetpgrp(0);
    tcsetpgrp(0, me); /* should there have been a bug */
    CHECK(r1 < 0 && e1 == EPERM, "tcsetpgrp to no group: %d errno %d", r1, e1);
    CHECK(r2 < 0 && e2 == EPERM, "tcsetpgrp to another session's group: %d errno %d", r2, e2);
    CHECK(fg == me, "the foreground group moved to %d", fg);
}

/* A child in a group of its own (a background job of this session). */
static pid_t background_child(void)
{
    pid_t pid = xfork();
    if (pid == 0)
        setpgid(0, 0);
    else
        setpgid(pid, pid);
    return pid;
}

static void test_tty_background_read(void)
{
    pid_t pid = background_child();
    if (pid == 0) {
        char c;
        read(0, &c, 1);
        _exit(1);
    }
    int st;
    CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTIN,
          "background reader: status 0x%x", st);
    kill(pid, SIGKILL);
    xwait(pid);
    for (int how = 0; how < 2; how++) {
        pid = background_child();
        if (pid == 0) {
            if (how == 0) {
                signal(SIGTTIN, SIG_IGN);
            } else {
                sigset_t b;
                sigemptyset(&b);
                sigaddset(&b, SIGTTIN);
                sigprocmask(SIG_BLOCK, &b, NULL);
            }
            char c;
            _exit(read(0, &c, 1) < 0 && errno == EIO ? 0 : 1);
        }
        st = xwait(pid);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "SIGTTIN %s: status 0x%x",
              how ? "blocked" : "ignored", st);
    }
}

/* A reader in an orphaned group (its parent gone, and init is outside the
 * session: nobody could continue it) is not stopped: EIO. */
static void test_tty_orphan_read(void)
{
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    pid_t c = xfork();
    if (c == 0) {
        pid_t me = getpid();
        if (xfork() == 0) {
            setpgid(0, 0);
            while (getppid() == me)
                msleep(10); /* until c has exited */
            char ch, res;
            long r = read(0, &ch, 1);
            res = r < 0 && errno == EIO ? 'E' : 'x';
            write(p[1], &res, 1);
            _exit(0);
        }
        _exit(0);
    }
    close(p[1]);
    xwait(c);
    on(SIGALRM, count, 0);
    alarm(5);
    char res = 0;
    long r = read(p[0], &res, 1);
    alarm(0);
    CHECK(r == 1 && res == 'E', "orphaned reader: read %ld, result %c (errno %d)", r,
          res ? res : '-', errno);
}

static void test_tty_background_tcsetpgrp(void)
{
    pid_t me = getpgrp();
    pid_t pid = background_child();
    if (pid == 0) {
        tcsetpgrp(0, getpgrp());
        _exit(1);
    }
    int st;
    CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTOU,
          "background tcsetpgrp: status 0x%x", st);
    kill(pid, SIGKILL);
    xwait(pid);
    CHECK(tcgetpgrp(0) == me, "the stopped child took the terminal");
    /* one that ignores SIGTTOU (a shell) may take it, and here gives it back */
    pid = background_child();
    if (pid == 0) {
        signal(SIGTTOU, SIG_IGN);
        int ok = tcsetpgrp(0, getpgrp()) == 0 && tcgetpgrp(0) == getpgrp();
        ok &= tcsetpgrp(0, me) == 0;
        _exit(ok ? 0 : 1);
    }
    st = xwait(pid);
    signal(SIGTTOU, SIG_IGN); /* this test's process may be in the background now */
    pid_t fg = tcgetpgrp(0);
    tcsetpgrp(0, me);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "tcsetpgrp with SIGTTOU ignored: 0x%x", st);
    CHECK(fg == me, "foreground group %d after the child gave it back, expected %d", fg, me);
}

static const struct sigtest tty_tests[] = {
    {"tty-modes", test_tty_modes},
    {"tty-foreground", test_tty_foreground},
    {"tty-background-read", test_tty_background_read},
    {"tty-orphan-read", test_tty_orphan_read},
    {"tty-background-tcsetpgrp", test_tty_background_tcsetpgrp},
};
SIGTEST_REGISTER(tty_tests);
