/*
 * Jobs: what job control needs from the shell.
 *
 * Every pipeline the shell starts is a job: the processes of one pipeline
 * (or the child shell of a backgrounded `a && b &`).  With job control (an
 * interactive shell) a job is also a process group of its own; the shell
 * hands the terminal to the foreground job (tcsetpgrp) and takes it back
 * when the job ends or stops, so ^C and ^Z reach the job and never the
 * shell, which ignores SIGINT, SIGQUIT, SIGTSTP, SIGTTIN and SIGTTOU.
 *
 * The shell learns about its children only through waitpid (WUNTRACED for
 * stops, WCONTINUED for a `kill -CONT` from elsewhere): while it waits for a
 * foreground job, and before each prompt
 * (WNOHANG), when it reports jobs that finished or stopped in the
 * background:
 *
 *     [1] 12                          started with &
 *     [1]+  Stopped                cat
 *     [2]-  Done                   sleep 1
 *
 * `+` marks the current job (the default of fg, bg and %+), `-` the previous.
 * Job numbers are reused once a job is gone.
 *
 * The terminal's modes: a foreground job that exits normally may have
 * changed them on purpose (stty -echo), so the shell keeps what it leaves.
 * One that a signal ended or stopped may have left them in any state (an
 * editor in raw mode, a password prompt without echo), so the shell puts
 * its own back; a stopped job's modes are saved and given back to it by fg.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "sh.h"

enum pstate { P_RUNNING, P_STOPPED, P_DONE };

struct job {
    struct job *next;
    int id; /* [N] */
    pid_t pgid;
    int n; /* processes */
    pid_t pids[MAXCMDS];
    int wstatus[MAXCMDS]; /* last status waitpid gave for each */
    enum pstate state[MAXCMDS];
    char text[128]; /* the command line, for listings */
    bool background;
    bool notified;        /* its stop was reported */
    unsigned seq;         /* when it last became current (largest: +) */
    bool has_modes;       /* it stopped in the foreground: modes holds ... */
    struct termios modes; /* ... the terminal's modes it had then */
};

static struct job *jobs;
static unsigned seq;
static bool have_shell_modes;      /* the terminal's modes could be read */
static struct termios shell_modes; /* the modes the shell gives every job */

/* ---- the table ---- */

static int free_job_id(void)
{
    for (int id = 1;; id++) {
        bool used = false;
        for (struct job *j = jobs; j; j = j->next)
            used |= j->id == id;
        if (!used)
            return id;
    }
}

struct job *job_add(pid_t pgid, const pid_t *pids, int n, const char *text, bool background)
{
    struct job *j = calloc(1, sizeof(*j));
    if (!j) {
        fprintf(stderr, "sh: out of memory for a job; waiting for it now\n");
        for (int i = 0; i < n; i++)
            waitpid(pids[i], NULL, 0);
        return NULL;
    }
    j->id = free_job_id();
    j->pgid = pgid;
    j->n = n;
    memcpy(j->pids, pids, n * sizeof(pid_t));
    snprintf(j->text, sizeof(j->text), "%s", text);
    j->background = background;
    j->seq = ++seq;
    j->next = jobs;
    jobs = j;
    return j;
}

static void job_remove(struct job *j)
{
    for (struct job **pp = &jobs; *pp; pp = &(*pp)->next) {
        if (*pp == j) {
            *pp = j->next;
            free(j);
            return;
        }
    }
}

static bool job_running(const struct job *j)
{
    for (int i = 0; i < j->n; i++)
        if (j->state[i] == P_RUNNING)
            return true;
    return false;
}

static bool job_done(const struct job *j)
{
    for (int i = 0; i < j->n; i++)
        if (j->state[i] != P_DONE)
            return false;
    return true;
}

static bool job_stopped(const struct job *j)
{
    return !job_running(j) && !job_done(j);
}

/* The job with the largest seq (+), or the second largest (-). */
static struct job *job_current(bool previous)
{
    struct job *best = NULL, *second = NULL;
    for (struct job *j = jobs; j; j = j->next) {
        if (!best || j->seq > best->seq) {
            second = best;
            best = j;
        } else if (!second || j->seq > second->seq) {
            second = j;
        }
    }
    return previous ? second : best;
}

static char job_mark(const struct job *j)
{
    return j == job_current(false) ? '+' : j == job_current(true) ? '-' : ' ';
}

/* waitpid told us about pid: update its job. */
static void record(pid_t pid, int st)
{
    for (struct job *j = jobs; j; j = j->next) {
        for (int i = 0; i < j->n; i++) {
            if (j->pids[i] != pid)
                continue;
            j->state[i] = WIFSTOPPED(st) ? P_STOPPED : WIFCONTINUED(st) ? P_RUNNING : P_DONE;
            if (!WIFCONTINUED(st))
                j->wstatus[i] = st;
            if (WIFSTOPPED(st))
                j->notified = false;
            return;
        }
    }
}

/* Wait for one change of any child; false if there is none to wait for. */
static bool wait_one(int options)
{
    int st;
    pid_t pid = waitpid(-1, &st, options | (interactive ? WUNTRACED | WCONTINUED : 0));
    if (pid < 0 && errno == EINTR)
        return true;
    if (pid <= 0)
        return false;
    record(pid, st);
    return true;
}

/* ---- status words and messages ---- */

int shell_status(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    if (WIFSTOPPED(st))
        return 128 + WSTOPSIG(st);
    return 1;
}

static const struct {
    int sig;
    const char *msg;
} signal_messages[] = {
    {SIGHUP, "Hangup"},
    {SIGINT, "Interrupt"},
    {SIGQUIT, "Quit"},
    {SIGILL, "Illegal instruction"},
    {SIGTRAP, "Trace/breakpoint trap"},
    {SIGABRT, "Aborted"},
    {SIGFPE, "Floating point exception"},
    {SIGKILL, "Killed"},
    {SIGBUS, "Bus error"},
    {SIGSEGV, "Segmentation fault"},
    {SIGSYS, "Bad system call"},
    {SIGPIPE, "Broken pipe"},
    {SIGALRM, "Alarm clock"},
    {SIGTERM, "Terminated"},
    {SIGUSR1, "User defined signal 1"},
    {SIGUSR2, "User defined signal 2"},
    {SIGXCPU, "CPU time limit exceeded"},
    {SIGXFSZ, "File size limit exceeded"},
};

static const char *signal_message(int sig, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof signal_messages / sizeof signal_messages[0]; i++)
        if (signal_messages[i].sig == sig)
            return signal_messages[i].msg;
    snprintf(buf, size, "Killed by signal %d", sig);
    return buf;
}

/* "Done", "Exit 3", "Terminated", "Stopped (tty input)", ... */
static const char *state_word(const struct job *j, char *buf, size_t size)
{
    if (job_running(j))
        return "Running";
    int st = 0;
    for (int i = 0; i < j->n; i++)
        if (j->state[i] == P_STOPPED || i == j->n - 1)
            st = j->wstatus[i];
    if (job_stopped(j)) {
        for (int i = 0; i < j->n; i++)
            if (j->state[i] == P_STOPPED)
                st = j->wstatus[i];
        int sig = WSTOPSIG(st);
        return sig == SIGTTIN   ? "Stopped (tty input)"
               : sig == SIGTTOU ? "Stopped (tty output)"
               : sig == SIGSTOP ? "Stopped (signal)"
                                : "Stopped";
    }
    if (WIFSIGNALED(st))
        return signal_message(WTERMSIG(st), buf, size);
    if (WEXITSTATUS(st)) {
        snprintf(buf, size, "Exit %d", WEXITSTATUS(st));
        return buf;
    }
    return "Done";
}

static void print_job(const struct job *j, FILE *f)
{
    char buf[32];
    fprintf(f, "[%d]%c  %-22s %s\n", j->id, job_mark(j), state_word(j, buf, sizeof(buf)), j->text);
}

void report_signal_death(int st)
{
    char buf[32];
    if (!WIFSIGNALED(st) || WTERMSIG(st) == SIGINT || WTERMSIG(st) == SIGPIPE)
        return; /* ^C already ended the line; SIGPIPE is how `cmd | head` ends */
    fprintf(stderr, "%s\n", signal_message(WTERMSIG(st), buf, sizeof(buf)));
}

void job_print_started(struct job *j)
{
    if (interactive)
        fprintf(stderr, "[%d] %d\n", j->id, (int)j->pids[j->n - 1]);
}

void job_list(void)
{
    for (struct job *j = jobs; j; j = j->next)
        if (!job_done(j))
            print_job(j, stdout);
}

/* ---- process groups and the terminal ---- */

/*
 * The start gate.  The children of a pipeline are forked one at a time, so
 * for a moment the job's group holds only some of them.  A ^C then would
 * kill the first command and leave the rest to run (`sleep 100 | cat` would
 * end with cat's status 0).  So each child waits at a gate, a pipe it only
 * reads, until the shell has put every child in the group and handed it the
 * terminal; the shell then closes the pipe and all of them go on together.
 * A key typed before that reaches the shell, which ignores it.
 */
static int gate[2] = {-1, -1};

void job_gate_open(void)
{
    if (interactive && pipe(gate) < 0)
        gate[0] = gate[1] = -1; /* no gate: the old race, nothing worse */
}

static void gate_close(void)
{
    for (int i = 0; i < 2; i++) {
        if (gate[i] >= 0)
            close(gate[i]);
        gate[i] = -1;
    }
}

void job_child_setup(pid_t pgid)
{
    if (!interactive)
        return;
    setpgid(0, pgid);
    static const int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        signal(sigs[i], SIG_DFL);
    if (gate[0] < 0)
        return;
    close(gate[1]);
    char c;
    while (read(gate[0], &c, 1) < 0 && errno == EINTR)
        ; /* end of file: the shell has closed its end */
    gate_close();
}

void job_parent_setup(pid_t pid, pid_t pgid)
{
    if (interactive)
        setpgid(pid, pgid); /* also in the child: whichever runs first */
}

void job_gate_release(pid_t pgid, bool foreground)
{
    if (interactive && foreground && pgid > 0)
        tcsetpgrp(0, pgid);
    gate_close();
}

/* ---- the terminal's modes ---- */

void job_tty_init(void)
{
    have_shell_modes = tcgetattr(0, &shell_modes) == 0;
}

/* The foreground job j has ended or stopped: see the top. */
static void tty_after_job(struct job *j)
{
    if (!interactive || !have_shell_modes)
        return;
    bool signalled = false;
    for (int i = 0; i < j->n; i++)
        signalled |= j->state[i] == P_DONE && WIFSIGNALED(j->wstatus[i]);
    if (job_stopped(j)) {
        j->has_modes = tcgetattr(0, &j->modes) == 0;
        tcsetattr(0, TCSADRAIN, &shell_modes);
    } else if (signalled) {
        tcsetattr(0, TCSADRAIN, &shell_modes);
    } else {
        tcgetattr(0, &shell_modes);
    }
}

/* fg: the modes the job had when it stopped. */
static void tty_before_fg(struct job *j)
{
    if (interactive && j->has_modes)
        tcsetattr(0, TCSADRAIN, &j->modes);
    j->has_modes = false;
}

int job_wait_fg(struct job *j)
{
    j->background = false;
    if (interactive)
        tcsetpgrp(0, j->pgid);
    while (job_running(j) && wait_one(0))
        ;
    if (interactive)
        tcsetpgrp(0, shell_pgid);
    tty_after_job(j);
    if (job_stopped(j)) {
        j->seq = ++seq;
        j->notified = true;
        print_job(j, stderr); /* the terminal echoed ^Z and a newline */
        for (int i = 0; i < j->n; i++)
            if (j->state[i] == P_STOPPED)
                return shell_status(j->wstatus[i]);
    }
    int st = j->wstatus[j->n - 1];
    for (int i = 0; i < j->n; i++)
        if (j->state[i] != P_DONE)
            st = 1 << 8; /* lost track of it (ECHILD): exit status 1 */
    report_signal_death(st);
    job_remove(j);
    return shell_status(st);
}

void job_notify(void)
{
    while (wait_one(WNOHANG))
        ;
    struct job *next;
    for (struct job *j = jobs; j; j = next) {
        next = j->next;
        if (job_done(j)) {
            if (interactive)
                print_job(j, stderr);
            job_remove(j);
        } else if (job_stopped(j) && !j->notified) {
            j->notified = true;
            j->seq = ++seq;
            if (interactive)
                print_job(j, stderr);
        }
    }
}

/* ---- fg, bg, kill, wait ---- */

struct job *job_find(const char *spec, const char *who)
{
    struct job *found = NULL;
    if (!spec || !strcmp(spec, "%") || !strcmp(spec, "%%") || !strcmp(spec, "%+")) {
        found = job_current(false);
    } else if (!strcmp(spec, "%-")) {
        found = job_current(true);
    } else if (spec[0] == '%' && spec[1] >= '0' && spec[1] <= '9') {
        for (struct job *j = jobs; j; j = j->next)
            if (j->id == atoi(spec + 1))
                found = j;
    } else if (spec[0] == '%') {
        for (struct job *j = jobs; j && !found; j = j->next)
            if (!strncmp(j->text, spec + 1, strlen(spec + 1)))
                found = j;
    } else {
        for (struct job *j = jobs; j; j = j->next)
            for (int i = 0; i < j->n; i++)
                if (j->pids[i] == atoi(spec))
                    found = j;
    }
    if (!found || job_done(found)) {
        fprintf(stderr, "sh: %s: %s: no such job\n", who, spec ? spec : "current");
        return NULL;
    }
    return found;
}

/* Send sig to every process of the job (its group, with job control). */
static int signal_job(struct job *j, int sig)
{
    if (interactive)
        return kill(-j->pgid, sig);
    int r = 0;
    for (int i = 0; i < j->n; i++)
        if (j->state[i] != P_DONE && kill(j->pids[i], sig) < 0)
            r = -1;
    return r;
}

static void job_continue(struct job *j)
{
    if (job_stopped(j))
        signal_job(j, SIGCONT);
    for (int i = 0; i < j->n; i++)
        if (j->state[i] == P_STOPPED)
            j->state[i] = P_RUNNING;
    j->notified = false;
}

int job_fg(struct job *j)
{
    printf("%s\n", j->text);
    fflush(stdout);
    if (interactive)
        tcsetpgrp(0, j->pgid); /* before SIGCONT: a reader must find itself in front */
    tty_before_fg(j);
    job_continue(j);
    return job_wait_fg(j);
}

int job_bg(struct job *j)
{
    job_continue(j);
    j->background = true;
    j->seq = ++seq;
    printf("[%d]%c %s &\n", j->id, job_mark(j), j->text);
    return 0;
}

int job_kill(struct job *j, int sig)
{
    if (signal_job(j, sig) < 0) {
        fprintf(stderr, "sh: kill: %%%d: %s\n", j->id, strerror(errno));
        return 1;
    }
    /* A stopped job only acts on the signal once it runs again. */
    if (job_stopped(j) && sig != SIGKILL && sig != SIGCONT)
        signal_job(j, SIGCONT);
    return 0;
}

int job_wait(struct job *j)
{
    int status = 0;
    if (j) {
        while (job_running(j) && wait_one(0))
            ;
        status = shell_status(j->wstatus[j->n - 1]);
    } else {
        bool any;
        do {
            any = false;
            for (struct job *k = jobs; k; k = k->next)
                any |= job_running(k);
        } while (any && wait_one(0));
    }
    job_notify();
    return status;
}
