/*
 * The console as a terminal: line discipline, terminal modes, job control.
 *
 * Input ring (all indexes grow forever, taken modulo INPUT_SIZE):
 *   [rd, committed)   input readers may take (complete lines when ICANON)
 *   [committed, wr)   the line being edited (echoed, not yet readable)
 *
 * Canonical mode (ICANON): Backspace/DEL erase a character, ^U the line,
 * Enter ends the line, ^D ends input (EOF at the start of a line, else it
 * hands over the line so far), ^L clears the screen and redraws the prompt
 * (the last unfinished line of output) and the line.  Other control characters and the escape
 * sequences of arrow and function keys are not put in the line (they would
 * garble the next command); a line longer than LINE_MAX is refused with a
 * message.  Raw mode (ICANON off) hands every byte over at once.
 *
 * Signals (ISIG): ^C SIGINT, ^\ SIGQUIT, ^Z SIGTSTP to the foreground
 * process group, echoed as ^C, ^\, ^Z; the line being edited is dropped.
 * ^P prints the process list (proc_dump) whenever ISIG is on, in raw mode
 * too (the shell edits its command line in raw mode).
 *
 * Job control: the console belongs to the first session that sets its
 * foreground group (tcsetpgrp), until that session's leader (the shell)
 * exits: then the foreground group gets SIGHUP and the console is free for
 * the next session (init starts a new shell in a new one).  A process of
 * the owning session outside the foreground group that reads gets SIGTTIN
 * (EIO if it ignores or blocks it, or if its group is orphaned); a process
 * of another session that reads while the console has an owner gets EIO
 * (a job its shell left behind must not take the new shell's input).
 *
 * Locks: cons_lock guards everything here; it is taken before proc_lock,
 * but signals are sent after it is released.  console_input runs in
 * interrupt context and never sleeps.
 */
#include "dev/console.h"
#include "dev/uart.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "abi/errno.h"
#include "abi/termios.h"
#include "mm/usercopy.h"
#include "lib/printf.h"

#define INPUT_SIZE 512
#define LINE_MAX 255
#define CTRL(c) ((c) - '@')
#define ESC 0x1b

static struct spinlock cons_lock = SPINLOCK_INIT("console");
static char input[INPUT_SIZE];
static uint64_t rd, committed, wr; /* (cons_lock) */
static struct waitq readers = WAITQ_INIT(readers, "console read");
static int fg_pgrp;       /* (cons_lock) foreground group, 0: none */
static int tty_sid;       /* (cons_lock) owning session, 0: none */
static int esc_state;     /* (cons_lock) 0, 1 after ESC, 2 inside ESC [ */
static bool line_refused; /* (cons_lock) current line hit LINE_MAX */
static char out_tail[80]; /* (cons_lock) output since the last newline */
static int out_tail_len;  /* (cons_lock) (the prompt, for ^L) */
static struct ktermios tio = {
    .c_iflag = ICRNL,
    .c_oflag = OPOST | ONLCR,
    .c_cflag = CS8 | CREAD,
    .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | IEXTEN,
    .c_cc = {[VINTR] = CTRL('C'),
             [VQUIT] = CTRL('\\'),
             [VERASE] = 0x7f,
             [VKILL] = CTRL('U'),
             [VEOF] = CTRL('D'),
             [VMIN] = 1,
             [VSUSP] = CTRL('Z')},
};

/* Echo from interrupt context: spin on the transmitter, never sleep. */
static void echo(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        uart_putc_sync(s[i]);
}

static void echo_str_locked(const char *s)
{
    ASSERT_HELD(&cons_lock);
    if (tio.c_lflag & ECHO)
        while (*s)
            uart_putc_sync(*s++);
}

static void commit_locked(void)
{
    ASSERT_HELD(&cons_lock);
    committed = wr;
    line_refused = false;
    waitq_wake_all(&readers);
}

static void erase_locked(void)
{
    ASSERT_HELD(&cons_lock);
    wr--;
    echo_str_locked("\b \b");
}

/* A signal character: drop the line, echo ^X, and return the signal to send. */
static int isig_char_locked(int c)
{
    ASSERT_HELD(&cons_lock);
    int sig = c == tio.c_cc[VINTR] ? SIGINT : c == tio.c_cc[VQUIT] ? SIGQUIT : SIGTSTP;
    if (!(tio.c_lflag & NOFLSH)) {
        wr = committed;
        line_refused = false;
    }
    char e[5] = {'^', (char)(c + '@'), '\r', '\n', 0};
    echo_str_locked(e);
    return sig;
}

/* Swallow escape sequences (arrow keys: ESC [ A): true if c was part of one. */
static bool escape_locked(int c)
{
    ASSERT_HELD(&cons_lock);
    if (esc_state == 1) {
        esc_state = (c == '[' || c == 'O') ? 2 : 0;
        return true;
    }
    if (esc_state == 2) {
        if (c >= 0x40 && c <= 0x7e)
            esc_state = 0;
        return true;
    }
    if (c == ESC) {
        esc_state = 1;
        return true;
    }
    return false;
}

/* ^L: clear the screen, then show the prompt and the line being edited again. */
static void redraw_locked(void)
{
    ASSERT_HELD(&cons_lock);
    if (!(tio.c_lflag & ECHO))
        return;
    echo("\033[H\033[2J", 7);
    echo(out_tail, out_tail_len);
    for (uint64_t i = committed; i != wr; i++)
        uart_putc_sync(input[i % INPUT_SIZE]);
}

static void canonical_char_locked(int c)
{
    ASSERT_HELD(&cons_lock);
    if (escape_locked(c))
        return;
    if (c == CTRL('L')) {
        redraw_locked();
        return;
    }
    if (c == tio.c_cc[VERASE] || c == '\b') {
        if (wr != committed)
            erase_locked();
        if (wr - committed < LINE_MAX)
            line_refused = false;
    } else if (c == tio.c_cc[VKILL]) {
        while (wr != committed)
            erase_locked();
        line_refused = false;
    } else if (c == tio.c_cc[VEOF]) {
        input[wr++ % INPUT_SIZE] = CTRL('D');
        commit_locked();
    } else if (c == '\n') {
        if (wr - rd >= INPUT_SIZE)
            return; /* readers are far behind: nowhere to put it */
        input[wr++ % INPUT_SIZE] = '\n';
        echo_str_locked("\r\n");
        commit_locked();
    } else if (c >= ' ' || c == '\t') {
        if (wr - committed >= LINE_MAX || wr - rd >= INPUT_SIZE - 1) {
            static const char msg[] = "\r\nconsole: line too long (at most 255 "
                                      "characters): erase or press Enter\r\n";
            if (!line_refused)
                echo(msg, sizeof(msg) - 1);
            line_refused = true;
            return;
        }
        input[wr++ % INPUT_SIZE] = (char)c;
        if (tio.c_lflag & ECHO)
            uart_putc_sync(c);
    }
    /* any other control character is not part of a line */
}

static void raw_char_locked(int c)
{
    ASSERT_HELD(&cons_lock);
    if (wr - rd >= INPUT_SIZE)
        return;
    input[wr++ % INPUT_SIZE] = (char)c;
    if (tio.c_lflag & ECHO)
        uart_putc_sync(c);
    commit_locked();
}

void console_input(int c)
{
    int sig = 0, pgrp = 0;
    bool dump = false;
    spin_lock(&cons_lock);
    if (c == '\r' && (tio.c_iflag & ICRNL))
        c = '\n';
    if ((tio.c_lflag & ISIG) && c &&
        (c == tio.c_cc[VINTR] || c == tio.c_cc[VQUIT] || c == tio.c_cc[VSUSP])) {
        sig = isig_char_locked(c);
        pgrp = fg_pgrp;
        esc_state = 0;
    } else if ((tio.c_lflag & ISIG) && c == CTRL('P')) {
        dump = true; /* the process list (proc_dump), printed outside the lock */
    } else if (tio.c_lflag & ICANON) {
        canonical_char_locked(c);
    } else {
        raw_char_locked(c);
    }
    spin_unlock(&cons_lock);
    if (dump)
        proc_dump();
    if (sig && pgrp)
        proc_kill_pgrp(pgrp, sig);
}

/*
 * A reader outside the foreground group of the console's session is a
 * background job: it gets SIGTTIN (and the read restarts once it is
 * continued in the foreground), or EIO if it ignores or blocks SIGTTIN.
 */
static int console_check_background(struct proc *p)
{
    int pgid = proc_getpgid(0), sid = proc_getsid(0);
    spin_lock(&cons_lock);
    bool background = fg_pgrp && tty_sid == sid && pgid != fg_pgrp;
    bool foreign = tty_sid && tty_sid != sid;
    spin_unlock(&cons_lock);
    if (foreign)
        return -EIO;
    if (!background)
        return 0;
    /* A stop no one could undo (an orphaned group) is not started: EIO. */
    if (sig_ignored_or_blocked(p, SIGTTIN) || proc_pgrp_orphaned(pgid))
        return -EIO;
    proc_kill_pgrp(pgid, SIGTTIN);
    return -ERESTARTSYS;
}

/* Take up to n bytes from [rd, committed): one line at most in canonical mode. */
static size_t take_locked(char *buf, size_t n)
{
    ASSERT_HELD(&cons_lock);
    size_t got = 0;
    bool canon = tio.c_lflag & ICANON;
    while (got < n && rd != committed) {
        char c = input[rd % INPUT_SIZE];
        if (canon && c == CTRL('D')) {
            rd++; /* ends this read: EOF if nothing came before it */
            break;
        }
        rd++;
        buf[got++] = c;
        if (canon && c == '\n')
            break;
    }
    return got;
}

ssize_t console_read(char *buf, size_t n)
{
    struct proc *p = proc_current();
    if (p) {
        int err = console_check_background(p);
        if (err)
            return err;
    }
    spin_lock(&cons_lock);
    while (rd == committed) {
        if (sig_pending()) {
            spin_unlock(&cons_lock);
            return -ERESTARTSYS;
        }
        waitq_sleep(&readers, &cons_lock);
    }
    size_t got = take_locked(buf, n);
    spin_unlock(&cons_lock);
    return (ssize_t)got;
}

static void console_track_output(const char *buf, size_t n);

/* Output: with OPOST|ONLCR a newline goes out as CR LF, as a terminal expects. */
ssize_t console_write(const char *buf, size_t n)
{
    char out[128];
    size_t k = 0;
    bool onlcr = (READ_ONCE(tio.c_oflag) & (OPOST | ONLCR)) == (OPOST | ONLCR);
    for (size_t i = 0; i < n; i++) {
        if (k + 2 > sizeof(out)) {
            uart_write(out, k);
            k = 0;
        }
        if (buf[i] == '\n' && onlcr)
            out[k++] = '\r';
        out[k++] = buf[i];
    }
    if (k)
        uart_write(out, k);
    console_track_output(buf, n);
    return (ssize_t)n;
}

/* Remember the output since the last newline (the prompt), for ^L. */
static void console_track_output(const char *buf, size_t n)
{
    spin_lock(&cons_lock);
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n' || buf[i] == '\r')
            out_tail_len = 0;
        else if (out_tail_len < (int)sizeof(out_tail))
            out_tail[out_tail_len++] = buf[i];
    }
    spin_unlock(&cons_lock);
}

/* ---- terminal control (ioctl) ---- */

static int console_set_modes(int req, uintptr_t uarg)
{
    struct ktermios t;
    if (copy_from_user(&t, uarg, sizeof(t)))
        return -EFAULT;
    spin_lock(&cons_lock);
    if (req == TCSETSF)
        rd = committed = wr;
    bool was_canon = tio.c_lflag & ICANON;
    tio = t;
    if (was_canon && !(t.c_lflag & ICANON))
        commit_locked(); /* the partial line becomes readable */
    esc_state = 0;
    spin_unlock(&cons_lock);
    return 0;
}

/* tcsetpgrp: only from the console's session (which it joins if it has
 * none), to a group of that session.  A background caller gets SIGTTOU
 * unless it ignores or blocks it (as shells do). */
static int console_set_pgrp(struct proc *p, uintptr_t uarg)
{
    int pgrp;
    if (copy_from_user(&pgrp, uarg, sizeof(pgrp)))
        return -EFAULT;
    int sid = proc_getsid(0), pgid = proc_getpgid(0);
    if (pgrp <= 0)
        return -EINVAL;
    if (!proc_pgrp_in_session(pgrp, sid))
        return -EPERM;
    spin_lock(&cons_lock);
    if (tty_sid && tty_sid != sid) {
        spin_unlock(&cons_lock);
        return -ENOTTY;
    }
    bool background = fg_pgrp && pgid != fg_pgrp;
    if (background && !sig_ignored_or_blocked(p, SIGTTOU)) {
        spin_unlock(&cons_lock);
        proc_kill_pgrp(pgid, SIGTTOU);
        return -ERESTARTSYS;
    }
    tty_sid = sid;
    fg_pgrp = pgrp;
    spin_unlock(&cons_lock);
    return 0;
}

void console_session_leader_exit(int sid)
{
    int pgrp = 0;
    spin_lock(&cons_lock);
    if (tty_sid == sid) {
        pgrp = fg_pgrp;
        tty_sid = 0;
        fg_pgrp = 0;
    }
    spin_unlock(&cons_lock);
    if (pgrp)
        proc_kill_pgrp(pgrp, SIGHUP);
}

int console_ioctl(unsigned long req, uintptr_t uarg)
{
    struct proc *p = proc_current();
    struct ktermios t;
    int v;
    switch (req) {
    case TCGETS:
        spin_lock(&cons_lock);
        t = tio;
        spin_unlock(&cons_lock);
        return copy_to_user(uarg, &t, sizeof(t));
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        return console_set_modes((int)req, uarg);
    case TIOCGPGRP:
    case TIOCGSID:
        spin_lock(&cons_lock);
        v = req == TIOCGPGRP ? fg_pgrp : tty_sid;
        spin_unlock(&cons_lock);
        return copy_to_user(uarg, &v, sizeof(v));
    case TIOCSPGRP:
        return console_set_pgrp(p, uarg);
    default:
        return -EINVAL;
    }
}
