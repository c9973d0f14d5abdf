/*
 * Reading command lines.  The console's line discipline does the editing
 * (Backspace, ^U, ^D; kernel/dev/console.c); the shell prints the prompt
 * and takes one line.  ^C while a line is typed makes the terminal drop it
 * (and send SIGINT, which an interactive shell catches here): the read is
 * interrupted and the shell prompts again.
 *
 * We read one byte at a time on purpose: a child that reads the same input
 * (e.g. `sh < script` running `cat`) must find it exactly where the shell
 * stopped, so the shell may not read ahead.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "sh.h"

static volatile sig_atomic_t interrupted;

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
    fputs("$ ", stderr);
    fflush(stderr);
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
