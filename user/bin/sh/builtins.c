/*
 * Builtins: commands that run inside the shell because they change (or
 * read) the shell's own state.
 *
 *   cd [DIR]            change directory (default $HOME, else /)
 *   exit [N]            exit with status N (default: the last status)
 *   export [NAME=value...]  set environment variables (all are exported);
 *                       alone: list them
 *   unset NAME...       remove environment variables
 *   NAME=value          alone on a command: the same as export NAME=value;
 *                       before a command (NAME=value cmd args): in the
 *                       command's environment only
 *   history             the lines typed at the prompt (history.c)
 *   jobs                list the jobs
 *   fg [%N]             continue a job in the foreground (default: the current one)
 *   bg [%N]             continue a stopped job in the background
 *   kill [-SIG] %N...   signal a job (with no %N argument, /bin/kill runs)
 *   wait [%N | PID]     wait for one job, or for all of them
 *
 * Redirections on a builtin outside a pipeline are ignored.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

static int builtin_cd(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("HOME");
    if (!dir || !*dir)
        dir = "/";
    if (chdir(dir) < 0) {
        fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    return 0;
}

/* NAME=value: is this word an assignment? */
bool is_assignment(const char *w)
{
    const char *eq = strchr(w, '=');
    if (!eq || eq == w || isdigit((unsigned char)w[0]))
        return false;
    for (const char *p = w; p < eq; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return false;
    return true;
}

static int set_var(char *assignment)
{
    char *eq = strchr(assignment, '=');
    *eq = '\0';
    int rc = setenv(assignment, eq + 1, 1);
    *eq = '=';
    if (rc < 0)
        fprintf(stderr, "sh: %s: %s\n", assignment, strerror(errno));
    return rc < 0;
}

/* export NAME=value...  ("export NAME" does nothing: all variables are
 * exported); without arguments it lists the environment. */
static int builtin_export(int argc, char **argv)
{
    extern char **environ;
    int status = 0;
    if (argc == 1)
        for (char **e = environ; e && *e; e++)
            printf("export %s\n", *e);
    for (int i = 1; i < argc; i++)
        if (is_assignment(argv[i]))
            status |= set_var(argv[i]);
    return status;
}

static int builtin_unset(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++)
        if (unsetenv(argv[i]) < 0) {
            fprintf(stderr, "sh: unset: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    return status;
}

int apply_assignments(int argc, char **argv)
{
    int n = 0;
    while (n < argc && is_assignment(argv[n]))
        set_var(argv[n++]);
    return n;
}

static int builtin_fg_bg(int argc, char **argv)
{
    bool fg = argv[0][0] == 'f';
    struct job *j = job_find(argc > 1 ? argv[1] : NULL, argv[0]);
    if (!j)
        return 1;
    return fg ? job_fg(j) : job_bg(j);
}

/* kill with a %job argument; false if there is none (then /bin/kill runs). */
static bool builtin_kill(int argc, char **argv, int *status)
{
    int i = 1, sig = SIGTERM;
    bool has_job = false;
    for (int k = 1; k < argc; k++)
        has_job |= argv[k][0] == '%';
    if (!has_job)
        return false;
    if (i < argc && argv[i][0] == '-') {
        const char *name = argv[i] + 1;
        if (!strcmp(name, "s") && i + 1 < argc)
            name = argv[++i];
        if (str2sig(name, &sig) < 0) {
            fprintf(stderr, "sh: kill: %s: unknown signal\n", name);
            *status = 1;
            return true;
        }
        i++;
    }
    *status = 0;
    for (; i < argc; i++) {
        if (argv[i][0] == '%') {
            struct job *j = job_find(argv[i], "kill");
            *status |= j ? job_kill(j, sig) : 1;
        } else if (kill(atoi(argv[i]), sig) < 0) {
            fprintf(stderr, "sh: kill: %s: %s\n", argv[i], strerror(errno));
            *status = 1;
        }
    }
    return true;
}

static int builtin_wait(int argc, char **argv)
{
    if (argc < 2)
        return job_wait(NULL);
    struct job *j = job_find(argv[1], "wait");
    return j ? job_wait(j) : 127;
}

static bool is_builtin(const char *name)
{
    static const char *const names[] = {"cd",   "exit", "export", "unset", "wait",
                                        "jobs", "fg",   "bg",     "kill",  "history"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

static bool dispatch(int argc, char **argv, int *status)
{
    if (strcmp(argv[0], "cd") == 0) {
        *status = builtin_cd(argc, argv);
    } else if (strcmp(argv[0], "exit") == 0) {
        int code = argc > 1 ? atoi(argv[1]) : last_status;
        exit(code & 0xff);
    } else if (strcmp(argv[0], "export") == 0) {
        *status = builtin_export(argc, argv);
    } else if (strcmp(argv[0], "unset") == 0) {
        *status = builtin_unset(argc, argv);
    } else if (strcmp(argv[0], "wait") == 0) {
        *status = builtin_wait(argc, argv);
    } else if (strcmp(argv[0], "jobs") == 0) {
        job_list();
        *status = 0;
    } else if (strcmp(argv[0], "history") == 0) {
        history_list();
        *status = 0;
    } else if (strcmp(argv[0], "fg") == 0 || strcmp(argv[0], "bg") == 0) {
        *status = builtin_fg_bg(argc, argv);
    } else if (strcmp(argv[0], "kill") == 0) {
        return builtin_kill(argc, argv, status);
    } else {
        return false;
    }
    return true;
}

/* NAME=value before a builtin: set for the builtin's run, then put back. */
static bool run_with_assignments(int n, int argc, char **argv, int *status)
{
    char *old[MAXARGS];
    for (int i = 0; i < n; i++) {
        char *eq = strchr(argv[i], '=');
        *eq = '\0';
        const char *v = getenv(argv[i]);
        old[i] = v ? strdup(v) : NULL;
        *eq = '=';
    }
    apply_assignments(n, argv);
    bool handled = dispatch(argc - n, argv + n, status);
    for (int i = 0; i < n; i++) {
        char *eq = strchr(argv[i], '=');
        *eq = '\0';
        if (old[i])
            setenv(argv[i], old[i], 1);
        else
            unsetenv(argv[i]);
        *eq = '=';
        free(old[i]);
    }
    return handled;
}

bool run_builtin(int argc, char **argv, int *status)
{
    int n = 0;
    while (n < argc && is_assignment(argv[n]))
        n++;
    if (argc == 0) {
        *status = 0;
        return true;
    }
    if (n == argc) { /* only assignments: they stay */
        *status = 0;
        for (int i = 0; i < n; i++)
            *status |= set_var(argv[i]);
        return true;
    }
    if (!is_builtin(argv[n]))
        return false;
    return n ? run_with_assignments(n, argc, argv, status) : dispatch(argc, argv, status);
}
