/*
 * sh: start-up and the read-run loop (see sh.h for the files of the shell).
 *
 * Usage: sh              commands from stdin ("$ " prompt and job control
 *                        if it is a terminal)
 *        sh FILE [ARG..] commands from FILE
 *        sh -c 'COMMANDS'
 * The exit status is that of the last command.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

int last_status;
bool interactive;
int input_fd = -1;
pid_t shell_pgid;

int sh_error(const char *msg, const char *arg)
{
    fprintf(stderr, "sh: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    return 0;
}

/*
 * Job control: the shell leads a process group of its own, owns the
 * terminal between jobs, and ignores the terminal's signals (its children
 * go back to the defaults, jobs.c).
 */
static void job_control_init(void)
{
    static const int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        signal(sigs[i], SIG_IGN);
    shell_pgid = getpid();
    if (getpgrp() != shell_pgid)
        setpgid(0, 0);
    shell_pgid = getpgrp();
    if (tcsetpgrp(0, shell_pgid) < 0)
        perror("sh: no job control: tcsetpgrp");
    job_tty_init();
    lineedit_init();
}

/* The main loop: (prompt,) read, run, until end of input. */
static int run_input(int fd)
{
    char line[MAXLINE];
    for (;;) {
        job_notify();
        int n = interactive ? edit_line(line, sizeof line) : read_line(fd, line, sizeof line);
        if (n < 0)
            break;
        run_line(line);
    }
    if (interactive)
        fputc('\n', stderr); /* Ctrl-D left the cursor after the prompt */
    return last_status;
}

int main(int argc, char *argv[])
{
    if (!getenv("PATH"))
        setenv("PATH", "/bin", 1);
    if (argc >= 2 && strcmp(argv[1], "-c") == 0) {
        if (argc < 3) {
            fprintf(stderr, "usage: sh [-c COMMANDS | FILE]\n");
            return 2;
        }
        char line[MAXLINE];
        snprintf(line, sizeof line, "%s", argv[2]); /* newlines act as ';' */
        run_line(line);
        return last_status;
    }
    if (argc >= 2) {
        input_fd = open(argv[1], O_RDONLY);
        if (input_fd < 0) {
            fprintf(stderr, "sh: %s: %s\n", argv[1], strerror(errno));
            return 127;
        }
        return run_input(input_fd);
    }
    interactive = isatty(0);
    if (interactive)
        job_control_init();
    return run_input(0);
}
