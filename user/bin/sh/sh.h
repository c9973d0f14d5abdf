/*
 * sh: the Quill shell, one program built from the files of this folder:
 *
 *   main.c      start-up (taking the terminal), the read-run loop
 *   lineedit.c  reading a command line (prompt, line too long)
 *   parse.c     tokenizer, parser and $-expansion: text -> struct pipeline
 *   exec.c      running pipelines: fork, redirect, exec, wait
 *   jobs.c      the job table: process groups, the terminal, stop/continue,
 *               status reports ("[1]+  Stopped  cat")
 *   builtins.c  cd exit export wait jobs fg bg kill, NAME=value
 *
 * The heart of a shell is the loop OSTEP describes (chapter 5):
 *
 *     prompt -> read a line -> fork -> (child: redirect, exec) -> parent: wait
 *
 * and the rest is grammar (parse.c) and job control (jobs.c).
 */
#ifndef SH_H
#define SH_H

#include <stdbool.h>
#include <sys/types.h>

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAXLINE 1024 /* bytes in one input line */
#define MAXTOK 256   /* tokens in one line */
#define MAXARGS 64   /* words in one command */
#define MAXREDIR 8   /* redirections on one command */
#define MAXCMDS 32   /* commands in one line, over all its pipelines */
#define MAXPIPES 32  /* pipelines in one line */

/* In a word, this byte stands for a '$' that must be expanded later. */
#define EXPAND_MARK '\001'

enum toktype { T_WORD, T_PIPE, T_AND, T_OR, T_SEMI, T_AMP, T_REDIR };
enum redirkind { R_IN, R_OUT, R_APPEND, R_DUP };

struct token {
    enum toktype type;
    char *text;          /* T_WORD: the word, with EXPAND_MARKs */
    int quoted;          /* T_WORD: had quotes, so it never disappears */
    enum redirkind kind; /* T_REDIR */
    int fd, dupfd;       /* T_REDIR: fd to redirect; R_DUP: fd to copy */
};

struct redir {
    enum redirkind kind;
    int fd, dupfd;
    struct token *path; /* file name (not for R_DUP) */
};

struct cmd {
    int argc;
    struct token *argv[MAXARGS];
    int nredir;
    struct redir redir[MAXREDIR];
};

/* How a pipeline is joined to the next one. */
enum joiner { J_END, J_SEMI, J_BG, J_AND, J_OR };

struct pipeline {
    int ncmd;
    struct cmd *cmd[MAXCMDS];
    enum joiner next;
};

/* ---- shell state (main.c) ---- */
extern int last_status;  /* $? */
extern bool interactive; /* commands from a terminal: prompt and job control */
extern int input_fd;     /* script file descriptor, closed in children */
extern pid_t shell_pgid; /* the shell's own process group */

/* Print "sh: MESSAGE [ARG]" on stderr; returns 0 (for parsers). */
int sh_error(const char *msg, const char *arg);

/* ---- lineedit.c ---- */
void lineedit_init(void); /* interactive: catch SIGINT to drop the line */
void prompt(void);
/* One line from fd without its newline: length, or -1 at end of input. */
int read_line(int fd, char *buf, int size);
/* The same from the terminal, with the prompt, line editing and history. */
int edit_line(char *buf, int size);

/* ---- history.c ---- */
void history_add(const char *line);
const char *history_get(int back); /* 1: the last line kept; NULL past the oldest */
void history_list(void);           /* the `history` builtin */

/* ---- complete.c ---- */
#define COMPLETE_MAX 128
struct completion {
    int n;                       /* matches found (at most COMPLETE_MAX) */
    int prefix_len;              /* bytes of the name already typed before the cursor */
    char name[COMPLETE_MAX][64]; /* each match's whole name; a directory ends in '/' */
};
/* The completions of the word that ends at line[cursor]. */
void complete_at(const char *line, int cursor, struct completion *c);

/* ---- parse.c ---- */
extern struct pipeline pipes[MAXPIPES];
extern int npipes;
/* Tokenize and parse a line into pipes[]; false (after a message) on an error. */
bool parse(char *line);
char *expand(const struct token *t); /* new string, or NULL if it vanishes */
int expand_argv(const struct cmd *c, char **argv);
void free_argv(char **argv);
/* The text of pipes[first..last] for job listings, as typed (words and operators). */
void pipeline_text(int first, int last, char *buf, int size);

/* ---- exec.c ---- */
void run_line(char *line);
void exec_cmd(const struct cmd *c) __attribute__((noreturn));

/* ---- jobs.c ---- */
struct job;
/* A new job for the processes pids[0..n-1], all in group pgid. */
struct job *job_add(pid_t pgid, const pid_t *pids, int n, const char *text, bool background);
/* Before forking a job's processes: open the start gate (see jobs.c). */
void job_gate_open(void);
/* In a new child: join group pgid (0: a new one), back to the default signal
 * dispositions, and wait at the gate until the whole job is in its group. */
void job_child_setup(pid_t pgid);
/* Parent side of the same (avoids the race with the child). */
void job_parent_setup(pid_t pid, pid_t pgid);
/* Every child forked: give a foreground job the terminal, then open the gate. */
void job_gate_release(pid_t pgid, bool foreground);
void job_tty_init(void); /* interactive: remember the terminal's modes */
/* Give the job the terminal, wait until it ends or stops; its shell status. */
int job_wait_fg(struct job *j);
void job_print_started(struct job *j); /* "[N] pid" */
void job_notify(void);                 /* report finished/stopped jobs (before a prompt) */
/* %N, %+, %-, %string or a pid -> job; NULL after a message. */
struct job *job_find(const char *spec, const char *who);
int job_fg(struct job *j);
int job_bg(struct job *j);
int job_kill(struct job *j, int sig);
int job_wait(struct job *j); /* NULL: every job */
void job_list(void);
int shell_status(int wstatus);         /* exit code, or 128+N for signal N */
void report_signal_death(int wstatus); /* "Segmentation fault" etc. for a foreground job */

/* ---- builtins.c ---- */
/* Run argv as a builtin if it is one (after any NAME=value words, which
 * then hold for the builtin only; alone they are set for good): true, with
 * its status in *status. */
bool run_builtin(int argc, char **argv, int *status);
bool is_assignment(const char *word); /* NAME=value */
/* setenv the leading NAME=value words of argv; how many there were. */
int apply_assignments(int argc, char **argv);

#endif
