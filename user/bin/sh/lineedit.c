/*
 * Reading command lines.
 *
 * From a terminal (an interactive shell) the shell edits the line itself:
 * it puts the console in raw mode (no ICANON, no ECHO; ISIG stays, so ^C,
 * ^\ and ^Z still make signals, and ^P still prints the process list),
 * prints the prompt, echoes and edits, and puts the saved modes back as
 * soon as Enter is read, before the command runs.  The keys:
 *
 *   printable       insert at the cursor
 *   Backspace ^H    erase before the cursor      Delete, ^D   erase under it
 *   Left ^B         Right ^F                     Home ^A      End ^E
 *   ^U              erase from the line's start to the cursor
 *   ^K              erase from the cursor to the end            ^W  the word before
 *   Up Down         the previous / next line of the history (history.c)
 *   Tab             complete a command or a file name (complete.c)
 *   ^L              clear the screen, draw the prompt and the line again
 *   ^D              on an empty line: end of input
 *   ^C              (SIGINT, caught here) drop the line, prompt again
 *
 * A line longer than EDIT_MAX is refused with a message (the keys typed
 * past it are dropped until some are erased).  The cursor is moved with
 * the ANSI sequences ESC [ n D and ESC [ K; a line wider than the terminal
 * wraps, and redrawing it then goes wrong (the console has no width).
 *
 * Otherwise (a script, `sh < file`) read_line reads one byte at a time on
 * purpose: a child that reads the same input (e.g. `sh < script` running
 * `cat`) must find it exactly where the shell stopped, so the shell may not
 * read ahead.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "sh.h"

#define EDIT_MAX 255 /* the console's own line limit */
#define EDIT_MAX_STR "255"
#define CTRL(c) ((c) - '@')
#define PROMPT "$ "

/* Keys that arrive as escape sequences, numbered past the bytes. */
enum { K_UP = 256, K_DOWN, K_LEFT, K_RIGHT, K_HOME, K_END, K_DELETE, K_OTHER, K_EOF, K_INTR };

struct edit {
    char *buf; /* the line, NUL-terminated */
    int size;  /* most bytes it may hold, the NUL not counted */
    int len, pos;
    int hist;                 /* 0: the line being typed; n: the n-th line back */
    char typed[EDIT_MAX + 1]; /* the line being typed, while the history shows another */
    bool refused;             /* the too-long message was shown for this line */
};

static volatile sig_atomic_t interrupted;
static char obuf[4 * EDIT_MAX + 64];
static int olen;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

void lineedit_init(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint; /* no SA_RESTART: the read must end */
    sigaction(SIGINT, &sa, NULL);
}

void prompt(void)
{
    fputs(PROMPT, stderr);
    fflush(stderr);
}

/* ---- output: collected per key, written at once ---- */

static void flush_out(void)
{
    for (int done = 0; done < olen;) {
        ssize_t w = write(STDERR_FILENO, obuf + done, olen - done);
        if (w <= 0 && errno != EINTR)
            break;
        if (w > 0)
            done += w;
    }
    olen = 0;
}

static void out(const char *s, int n)
{
    for (int i = 0; i < n; i++) {
        if (olen == (int)sizeof(obuf))
            flush_out();
        obuf[olen++] = s[i];
    }
}

static void outs(const char *s)
{
    out(s, (int)strlen(s));
}

static void cursor_left(int n)
{
    char seq[16];
    if (n > 0)
        out(seq, snprintf(seq, sizeof seq, "\033[%dD", n));
}

/* Draw from the cursor to the end (which changed), then back to the cursor. */
static void redraw_tail(struct edit *e)
{
    out(e->buf + e->pos, e->len - e->pos);
    outs("\033[K");
    cursor_left(e->len - e->pos);
}

/* Draw the prompt and the whole line again, on the current screen line. */
static void redraw_all(struct edit *e)
{
    outs("\r" PROMPT);
    out(e->buf, e->len);
    outs("\033[K");
    cursor_left(e->len - e->pos);
}

/* ---- editing ---- */

static void insert(struct edit *e, char c)
{
    if (e->len >= e->size) {
        if (!e->refused) {
            outs("\nsh: line too long (at most " EDIT_MAX_STR
                 " characters): erase or press Enter\n" PROMPT);
            out(e->buf, e->len);
            cursor_left(e->len - e->pos);
        }
        e->refused = true;
        return;
    }
    memmove(e->buf + e->pos + 1, e->buf + e->pos, e->len - e->pos);
    e->buf[e->pos++] = c;
    e->buf[++e->len] = '\0';
    if (e->pos == e->len)
        out(&c, 1);
    else {
        out(e->buf + e->pos - 1, 1);
        redraw_tail(e);
    }
}

/* Remove n bytes at from (the cursor goes there); redraw the rest. */
static void erase(struct edit *e, int from, int n)
{
    if (n <= 0)
        return;
    memmove(e->buf + from, e->buf + from + n, e->len - from - n + 1);
    cursor_left(e->pos - from);
    e->len -= n;
    e->pos = from;
    e->refused = false;
    redraw_tail(e);
}

static void backspace(struct edit *e)
{
    if (e->pos == 0)
        return;
    if (e->pos == e->len) { /* the common case: as the console echoes it */
        e->buf[--e->len] = '\0';
        e->pos--;
        e->refused = false;
        outs("\b \b");
        return;
    }
    erase(e, e->pos - 1, 1);
}

static void erase_word(struct edit *e)
{
    int from = e->pos;
    while (from > 0 && e->buf[from - 1] == ' ')
        from--;
    while (from > 0 && e->buf[from - 1] != ' ')
        from--;
    erase(e, from, e->pos - from);
}

static void move_to(struct edit *e, int pos)
{
    if (pos < e->pos)
        cursor_left(e->pos - pos);
    else
        out(e->buf + e->pos, pos - e->pos);
    e->pos = pos;
}

/* Show history line e->hist + dir (dir -1: newer, +1: older). */
static void history_move(struct edit *e, int dir)
{
    int to = e->hist + dir;
    const char *line = to == 0 ? e->typed : history_get(to);
    if (to < 0 || !line)
        return;
    if (e->hist == 0)
        snprintf(e->typed, sizeof e->typed, "%s", e->buf);
    snprintf(e->buf, e->size + 1, "%s", line);
    e->hist = to;
    e->len = e->pos = (int)strlen(e->buf);
    redraw_all(e);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Tab: insert what all the matches share; list them if that is nothing. */
static void complete(struct edit *e)
{
    static struct completion c;
    complete_at(e->buf, e->pos, &c);
    if (c.n == 0) {
        outs("\a");
        return;
    }
    int common = (int)strlen(c.name[0]);
    for (int i = 1; i < c.n; i++) {
        int k = 0;
        while (k < common && c.name[i][k] == c.name[0][k])
            k++;
        common = k;
    }
    for (int k = c.prefix_len; k < common; k++)
        insert(e, c.name[0][k]);
    if (c.n == 1 && c.name[0][common - 1] != '/')
        insert(e, ' ');
    if (c.n == 1 || common > c.prefix_len)
        return;
    qsort(c.name, c.n, sizeof(c.name[0]), cmp_names);
    outs("\n");
    for (int i = 0, col = 0; i < c.n; i++) {
        int w = (int)strlen(c.name[i]) + 2;
        if (col && col + w > 78) {
            outs("\n");
            col = 0;
        }
        outs(c.name[i]);
        outs("  ");
        col += w;
    }
    outs("\n");
    redraw_all(e);
}

/* ---- input ---- */

/* One byte: 0..255, K_EOF, or K_INTR (^C: SIGINT interrupted the read). */
static int read_byte(void)
{
    unsigned char c;
    for (;;) {
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r == 1)
            return c;
        if (r < 0 && errno == EINTR) {
            if (!interrupted)
                continue;
            interrupted = 0;
            return K_INTR;
        }
        return K_EOF;
    }
}

/* After ESC: the key of an escape sequence (ESC [ A, ESC [ 3 ~, ESC O H, ...). */
static int read_escape(void)
{
    int c = read_byte();
    if (c != '[' && c != 'O')
        return c >= K_EOF ? c : K_OTHER;
    int num = 0;
    for (;;) {
        int k = read_byte();
        if (k >= K_EOF)
            return k;
        if (k >= '0' && k <= '9') {
            num = num * 10 + (k - '0');
            continue;
        }
        if (k < 0x40 || k > 0x7e)
            continue; /* ';' and other parameter bytes */
        switch (k) {
        case 'A':
            return K_UP;
        case 'B':
            return K_DOWN;
        case 'C':
            return K_RIGHT;
        case 'D':
            return K_LEFT;
        case 'H':
            return K_HOME;
        case 'F':
            return K_END;
        case '~':
            return num == 1 || num == 7   ? K_HOME
                   : num == 4 || num == 8 ? K_END
                   : num == 3             ? K_DELETE
                                          : K_OTHER;
        default:
            return K_OTHER;
        }
    }
}

/* Handle one key; 1: the line is done, -1: end of input, 0: go on. */
static int edit_key(struct edit *e, int k)
{
    switch (k) {
    case '\n':
    case '\r':
        return 1;
    case K_EOF:
        return e->len ? 1 : -1;
    case CTRL('D'):
        if (e->len == 0)
            return -1;
        erase(e, e->pos, e->pos < e->len);
        return 0;
    case K_DELETE:
        erase(e, e->pos, e->pos < e->len);
        return 0;
    case 0x7f:
    case CTRL('H'):
        backspace(e);
        return 0;
    case K_LEFT:
    case CTRL('B'):
        if (e->pos > 0)
            move_to(e, e->pos - 1);
        return 0;
    case K_RIGHT:
    case CTRL('F'):
        if (e->pos < e->len)
            move_to(e, e->pos + 1);
        return 0;
    case K_HOME:
    case CTRL('A'):
        move_to(e, 0);
        return 0;
    case K_END:
    case CTRL('E'):
        move_to(e, e->len);
        return 0;
    case CTRL('U'):
        erase(e, 0, e->pos);
        return 0;
    case CTRL('K'):
        e->len = e->pos;
        e->buf[e->len] = '\0';
        outs("\033[K");
        return 0;
    case CTRL('W'):
        erase_word(e);
        return 0;
    case K_UP:
        history_move(e, +1);
        return 0;
    case K_DOWN:
        history_move(e, -1);
        return 0;
    case '\t':
        complete(e);
        return 0;
    case CTRL('L'):
        outs("\033[H\033[2J" PROMPT);
        out(e->buf, e->len);
        cursor_left(e->len - e->pos);
        return 0;
    case 0x1b:
        return edit_key(e, read_escape());
    default:
        if (k >= ' ' && k < 0x7f)
            insert(e, (char)k);
        else if (k >= 0x80 && k < 256)
            insert(e, (char)k); /* a byte of a UTF-8 character */
        return 0;               /* other control keys are not part of a line */
    }
}

int edit_line(char *buf, int size)
{
    struct termios saved, raw;
    if (tcgetattr(STDIN_FILENO, &saved) < 0) {
        prompt();
        return read_line(STDIN_FILENO, buf, size);
    }
    raw = saved;
    raw.c_lflag &= ~(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    struct edit e = {.buf = buf, .size = MIN(size - 1, EDIT_MAX)};
    buf[0] = '\0';
    outs(PROMPT);
    flush_out();
    int done = 0;
    while (!done) {
        int k = read_byte();
        if (k == K_INTR) {
            outs("^C\n");
            e.len = 0;
            buf[0] = '\0';
            done = 1;
        } else {
            done = edit_key(&e, k);
        }
        if (done == 1 && e.len > 0) /* to the end, so that the output starts below */
            move_to(&e, e.len);
        if (done) /* the modes go back before the command runs */
            tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        if (done == 1 && k != K_INTR)
            outs("\n");
        flush_out();
    }
    if (done < 0)
        return -1;
    history_add(buf);
    return e.len;
}

int read_line(int fd, char *buf, int size)
{
    int n = 0, too_long = 0;
    char c;
    for (;;) {
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR) {
            if (!interrupted)
                continue;
            interrupted = 0; /* ^C: the line is gone, start a new one */
            n = too_long = 0;
            break;
        }
        if (r <= 0) {
            if (n == 0 && !too_long)
                return -1;
            break;
        }
        if (c == '\n')
            break;
        if (n < size - 1)
            buf[n++] = c;
        else
            too_long = 1;
    }
    buf[n] = '\0';
    if (too_long) {
        fprintf(stderr, "sh: line too long (max %d bytes)\n", size - 1);
        buf[0] = '\0';
        return 0;
    }
    return n;
}
