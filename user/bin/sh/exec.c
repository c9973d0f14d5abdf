/*
 * Running a parsed line: lists, and-or lists, pipelines, background jobs.
 *
 * A pipeline forks one child per command, each stdout connected by a pipe
 * to the next one's stdin.  With job control (an interactive shell) every
 * pipeline is a job, a process group of its own; a foreground job gets the
 * terminal until it ends or stops (jobs.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

/* In the child: apply c's redirections, left to right.  Exits on failure. */
static void do_redirects(const struct cmd *c)
{
    for (int i = 0; i < c->nredir; i++) {
        const struct redir *r = &c->redir[i];
        if (r->kind == R_DUP) {
            if (dup2(r->dupfd, r->fd) < 0) {
                fprintf(stderr, "sh: %d: %s\n", r->dupfd, strerror(errno));
                _exit(1);
            }
            continue;
        }
        int flags = r->kind == R_IN    ? O_RDONLY
                    : r->kind == R_OUT ? O_WRONLY | O_CREAT | O_TRUNC
                                       : O_WRONLY | O_CREAT | O_APPEND;
        char *path = expand(r->path);
        /*
         * OSTEP's trick is close(1); open(...) -- open returns the lowest
         * free descriptor, which is then 1.  dup2 does the same without
         * relying on 0..fd-1 being open.
         */
        int fd = path ? open(path, flags, 0666) : -1;
        if (fd < 0) {
            fprintf(stderr, "sh: %s: %s\n", path ? path : "",
                    path ? strerror(errno) : "ambiguous redirect");
            _exit(1);
        }
        if (fd != r->fd) {
            dup2(fd, r->fd);
            close(fd);
        }
        free(path);
    }
}

void exec_cmd(const struct cmd *c)
{
    char *argv[MAXARGS];
    int argc = expand_argv(c, argv), status;
    if (input_fd > 2)
        close(input_fd); /* the script is the shell's, not the command's */
    do_redirects(c);
    if (run_builtin(argc, argv, &status)) {
        fflush(NULL);
        _exit(status);
    }
    /* NAME=value words before the command: in its environment only (this
     * is the child's copy of the shell's). */
    int skip = apply_assignments(argc, argv);
    execvp(argv[skip], argv + skip);
    /* Only reached if exec failed. */
    if (errno == ENOENT) {
        fprintf(stderr, "sh: %s: not found\n", argv[skip]);
        _exit(127);
    }
    fprintf(stderr, "sh: %s: %s\n", argv[skip], strerror(errno));
    _exit(126);
}

/* A lone builtin must run in the shell: `cd` in a child changes nothing. */
static bool run_lone_builtin(const struct pipeline *pl, int *status)
{
    if (pl->ncmd != 1 || pl->cmd[0]->argc == 0)
        return false;
    char *argv[MAXARGS];
    int argc = expand_argv(pl->cmd[0], argv);
    bool handled = run_builtin(argc, argv, status);
    free_argv(argv);
    return handled;
}

/* Fork the commands of pl into one process group; their pids in pids[]. */
static int fork_pipeline(const struct pipeline *pl, bool foreground, pid_t *pids, pid_t *pgid)
{
    int prev_read = -1, n = 0;
    *pgid = 0;
    fflush(NULL); /* or the children would inherit (and repeat) our buffers */
    job_gate_open();
    for (int i = 0; i < pl->ncmd; i++) {
        int fds[2] = {-1, -1};
        if (i < pl->ncmd - 1 && pipe(fds) < 0) {
            fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
            break;
        }
        pid_t pid = fork();
        if (pid == 0) {
            job_child_setup(*pgid);
            if (prev_read >= 0) { /* stdin from the previous command */
                dup2(prev_read, 0);
                close(prev_read);
            }
            if (fds[1] >= 0) { /* stdout into the pipe to the next one */
                dup2(fds[1], 1);
                close(fds[0]);
                close(fds[1]);
            }
            exec_cmd(pl->cmd[i]);
        }
        if (pid < 0)
            fprintf(stderr, "sh: fork: %s\n", strerror(errno));
        /* The parent keeps no pipe ends, or readers would never see EOF. */
        if (prev_read >= 0)
            close(prev_read);
        if (fds[1] >= 0)
            close(fds[1]);
        prev_read = fds[0];
        if (pid < 0)
            break;
        if (*pgid == 0)
            *pgid = pid;
        job_parent_setup(pid, *pgid);
        pids[n++] = pid;
    }
    if (prev_read >= 0)
        close(prev_read);
    job_gate_release(*pgid, foreground);
    return n;
}

/* Run pipes[p]; in the background it only starts.  Returns the shell status. */
static int run_pipeline(int p, bool background)
{
    const struct pipeline *pl = &pipes[p];
    int status;
    if (!background && run_lone_builtin(pl, &status))
        return status;
    pid_t pids[MAXCMDS], pgid;
    int n = fork_pipeline(pl, !background, pids, &pgid);
    char text[128];
    pipeline_text(p, p, text, sizeof(text));
    struct job *j = n ? job_add(pgid, pids, n, text, background) : NULL;
    if (!j)
        return 1;
    if (background) {
        job_print_started(j);
        return 0;
    }
    status = job_wait_fg(j);
    return n == pl->ncmd ? status : 1;
}

/* Run pipes[first..last] joined by && and ||; returns the last status run. */
static int run_and_or(int first, int last)
{
    int status = run_pipeline(first, false);
    for (int i = first + 1; i <= last; i++) {
        last_status = status;
        enum joiner j = pipes[i - 1].next;
        if ((j == J_AND && status == 0) || (j == J_OR && status != 0))
            status = run_pipeline(i, false);
    }
    return status;
}

/*
 * `list &`.  A single pipeline is started as a background job directly (so
 * `sleep 10 &` prints the pid of sleep); a longer and-or list runs in a
 * child shell, which is the job.
 */
static void run_background(int first, int last)
{
    if (first == last) {
        last_status = run_pipeline(first, true);
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "sh: fork: %s\n", strerror(errno));
        last_status = 1;
        return;
    }
    if (pid == 0) {
        job_child_setup(0);
        interactive = false; /* the child shell does no job control */
        int status = run_and_or(first, last);
        fflush(NULL);
        _exit(status);
    }
    job_parent_setup(pid, pid);
    char text[128];
    pipeline_text(first, last, text, sizeof(text));
    struct job *j = job_add(pid, &pid, 1, text, true);
    if (j)
        job_print_started(j);
    last_status = 0;
}

void run_line(char *line)
{
    if (!parse(line)) {
        last_status = 2; /* as other shells do for a syntax error */
        return;
    }
    int first = 0;
    for (int i = 0; i < npipes; i++) {
        enum joiner j = pipes[i].next;
        if (j == J_AND || j == J_OR)
            continue; /* the and-or list goes on */
        if (j == J_BG)
            run_background(first, i);
        else
            last_status = run_and_or(first, i);
        first = i + 1;
    }
}
