/*
 * sh: the Quill shell.
 *
 * The heart of a shell is the loop OSTEP describes (chapter 5):
 *
 *     prompt -> read a line -> fork -> (child: redirect, exec) -> parent: wait
 *
 * Everything else here is the grammar around that loop:
 *
 *     line      := list
 *     list      := and_or ( (';' | '&' | newline) and_or )*
 *     and_or    := pipeline ( ('&&' | '||') pipeline )*
 *     pipeline  := command ( '|' command )*
 *     command   := ( word | redirect )+
 *     redirect  := [n]'<' word | [n]'>' word | [n]'>>' word | [n]'>&'m
 *
 * Words may be quoted: '...' is taken literally, "..." allows $-expansion and
 * the escapes \" \\ \$, and a backslash outside quotes escapes the next
 * character.  $? (last status), $$ (the shell's pid), $NAME and ${NAME}
 * (from the environment) are expanded just before a command runs, so
 * `false; echo $?` prints 1.  An unquoted word that expands to nothing
 * disappears; there is no field splitting and no globbing.  `#` at the start
 * of a word begins a comment.
 *
 * Builtins run inside the shell itself (they change the shell's own state):
 * cd, exit, export, wait; and NAME=value alone sets an environment variable.
 * Redirections on a builtin outside a pipeline are ignored.
 *
 * Usage: sh              commands from stdin ("$ " prompt if it is a terminal)
 *        sh FILE [ARG..] commands from FILE
 *        sh -c 'COMMANDS'
 * The exit status is that of the last command.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* ---- the shell's state ------------------------------------------------ */

static int last_status;   /* $? */
static int interactive;   /* reading commands from a terminal */
static int input_fd = -1; /* script file descriptor, closed in children */

/* One line, parsed.  Everything points into these arrays. */
static char wordbuf[2 * MAXLINE];
static struct token toks[MAXTOK];
static int ntok;
static struct cmd cmds[MAXCMDS];
static struct pipeline pipes[MAXPIPES];
static int npipes;

/* Print "sh: MESSAGE" on stderr; returns 0, so a parser can `return error(...)`. */
static int error(const char *msg, const char *arg)
{
    fprintf(stderr, "sh: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    return 0;
}

/* ---- reading ---------------------------------------------------------- */

/*
 * Read one line from fd into buf, without the newline.  Returns the length,
 * or -1 at end of input.  We read one byte at a time on purpose: a child
 * that reads the same input (e.g. `sh < script` running `cat`) must find it
 * exactly where the shell stopped, so the shell may not read ahead.
 */
static int read_line(int fd, char *buf, int size)
{
    int n = 0, too_long = 0;
    char c;
    for (;;) {
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
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

/* ---- tokenizer -------------------------------------------------------- */

static int is_name_char(int c)
{
    return isalnum(c) || c == '_';
}

/* Could '$' followed by c start an expansion? */
static int starts_expansion(int c)
{
    return c == '?' || c == '$' || c == '{' || isalpha(c) || c == '_';
}

/* Scan an operator at *pp into t; returns 0 if there is none. */
static int scan_operator(char **pp, struct token *t)
{
    char *p = *pp;
    t->fd = -1;
    if (isdigit((unsigned char)p[0]) && (p[1] == '<' || p[1] == '>')) {
        t->fd = p[0] - '0'; /* 2> file, 0< file, ... */
        p++;
    }
    if (p[0] == '|' && p[1] == '|') {
        t->type = T_OR, p += 2;
    } else if (p[0] == '&' && p[1] == '&') {
        t->type = T_AND, p += 2;
    } else if (p[0] == '|' || p[0] == ';' || p[0] == '&' || p[0] == '\n') {
        t->type = p[0] == '|' ? T_PIPE : p[0] == '&' ? T_AMP : T_SEMI;
        p++;
    } else if (p[0] == '<') {
        t->type = T_REDIR, t->kind = R_IN, p++;
    } else if (p[0] == '>' && p[1] == '>') {
        t->type = T_REDIR, t->kind = R_APPEND, p += 2;
    } else if (p[0] == '>' && p[1] == '&' && isdigit((unsigned char)p[2])) {
        t->type = T_REDIR, t->kind = R_DUP, t->dupfd = p[2] - '0', p += 3;
    } else if (p[0] == '>') {
        t->type = T_REDIR, t->kind = R_OUT, p++;
    } else {
        return 0;
    }
    if (t->type == T_REDIR && t->fd < 0)
        t->fd = (t->kind == R_IN) ? 0 : 1;
    *pp = p;
    return 1;
}

/*
 * Scan one word at *pp, removing quotes, into *out.  Returns 0 on an
 * unterminated quote.  An expandable '$' is written as EXPAND_MARK.
 */
static int scan_word(char **pp, char **out, int *quoted)
{
    char *p = *pp, *w = *out;
    char quote = 0; /* the quote we are inside, or 0 */
    for (; *p; p++) {
        char c = *p;
        if (!quote && (isspace((unsigned char)c) || strchr("|&;<>", c)))
            break;
        if (quote != '\'' && c == '\\' && p[1]) {
            p++;
            /* Inside "...", a backslash escapes only " \ $. */
            if (quote == '"' && !strchr("\"\\$", *p))
                *w++ = '\\';
            *w++ = *p;
        } else if (!quote && (c == '\'' || c == '"')) {
            quote = c, *quoted = 1;
        } else if (quote && c == quote) {
            quote = 0;
        } else if (c == '$' && quote != '\'' && starts_expansion(p[1])) {
            *w++ = EXPAND_MARK;
        } else {
            *w++ = c;
        }
    }
    *w++ = '\0';
    *pp = p;
    *out = w;
    return quote == 0;
}

/* Split line into toks[]; returns 0 (after a message) on an error. */
static int tokenize(char *line)
{
    char *p = line, *w = wordbuf;
    ntok = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p == '\0' || *p == '#')
            return 1;
        if (ntok == MAXTOK)
            return error("too many words", NULL);
        struct token *t = &toks[ntok++];
        memset(t, 0, sizeof *t);
        if (scan_operator(&p, t)) {
            /* A newline ends a command, unless there is none to end. */
            if (p[-1] == '\n' && (ntok == 1 || toks[ntok - 2].type != T_WORD) &&
                (ntok == 1 || toks[ntok - 2].type != T_REDIR))
                ntok--;
            continue;
        }
        t->type = T_WORD;
        t->text = w;
        if (!scan_word(&p, &w, &t->quoted))
            return error("unterminated quote", NULL);
    }
}

/* ---- parser ----------------------------------------------------------- */

/* How to show token i in a syntax error message. */
static const char *tok_name(int i)
{
    static const char *names[] = {"word", "|", "&&", "||", ";", "&"};
    static const char *redirs[] = {"<", ">", ">>", ">&"};
    if (i >= ntok)
        return "end of line";
    return toks[i].type == T_REDIR ? redirs[toks[i].kind] : names[toks[i].type];
}

/* Parse toks[*ip..] as one command, appended to pl; 0 on an error. */
static int parse_cmd(int *ip, int *ncmds, struct pipeline *pl)
{
    int i = *ip;
    if (*ncmds == MAXCMDS)
        return error("too many commands", NULL);
    struct cmd *c = &cmds[(*ncmds)++];
    memset(c, 0, sizeof *c);
    for (; i < ntok && (toks[i].type == T_WORD || toks[i].type == T_REDIR); i++) {
        struct token *t = &toks[i];
        if (c->argc == MAXARGS - 1 || c->nredir == MAXREDIR)
            return error("too many words in a command", NULL);
        if (t->type == T_WORD) {
            c->argv[c->argc++] = t;
            continue;
        }
        struct redir *r = &c->redir[c->nredir++];
        r->kind = t->kind, r->fd = t->fd, r->dupfd = t->dupfd;
        if (t->kind != R_DUP) {
            if (i + 1 >= ntok || toks[i + 1].type != T_WORD)
                return error("syntax error near", tok_name(i + 1));
            r->path = &toks[++i];
        }
    }
    if (c->argc == 0 && c->nredir == 0)
        return error("syntax error near", tok_name(i));
    pl->cmd[pl->ncmd++] = c;
    *ip = i;
    return 1;
}

/* Parse the whole token list into pipes[]; 0 on a syntax error. */
static int parse_line(void)
{
    int i = 0, ncmds = 0;
    npipes = 0;
    while (i < ntok) {
        if (npipes == MAXPIPES)
            return error("too many commands", NULL);
        struct pipeline *pl = &pipes[npipes++];
        pl->ncmd = 0;
        do {
            if (!parse_cmd(&i, &ncmds, pl))
                return 0;
        } while (i < ntok && toks[i].type == T_PIPE && ++i);
        pl->next = J_END;
        if (i < ntok) {
            enum toktype t = toks[i++].type;
            pl->next = t == T_AND ? J_AND : t == T_OR ? J_OR : t == T_AMP ? J_BG : J_SEMI;
            /* "a &&" at the end of a line needs another command. */
            if ((pl->next == J_AND || pl->next == J_OR) && i >= ntok)
                return error("syntax error near", tok_name(i));
        }
    }
    return 1;
}

/* ---- expansion -------------------------------------------------------- */

/* The value of the variable whose name starts at *pp; advances *pp. */
static const char *expand_var(const char **pp, char *numbuf)
{
    const char *p = *pp;
    char name[64];
    int n = 0, braces = (*p == '{');
    if (*p == '?' || *p == '$') {
        snprintf(numbuf, 16, "%d", *p == '?' ? last_status : (int)getpid());
        *pp = p + 1;
        return numbuf;
    }
    if (braces)
        p++;
    while (is_name_char((unsigned char)*p) && n < (int)sizeof name - 1)
        name[n++] = *p++;
    name[n] = '\0';
    if (braces && *p == '}')
        p++;
    *pp = p;
    const char *v = getenv(name);
    return v ? v : "";
}

/*
 * Expand a word into a new string (freed by the caller), or NULL if it
 * vanishes.  A word longer than MAXLINE bytes after expansion is cut short.
 */
static char *expand(const struct token *t)
{
    char out[MAXLINE], numbuf[16];
    size_t len = 0;
    for (const char *p = t->text; *p;) {
        if (*p != EXPAND_MARK) {
            if (len < sizeof out - 1)
                out[len++] = *p;
            p++;
            continue;
        }
        p++;
        const char *v = expand_var(&p, numbuf);
        size_t n = strlen(v);
        if (n > sizeof out - 1 - len)
            n = sizeof out - 1 - len;
        memcpy(out + len, v, n);
        len += n;
    }
    out[len] = '\0';
    return (len == 0 && !t->quoted) ? NULL : strdup(out);
}

/* Expand a command's words into argv (NULL-terminated); returns argc. */
static int expand_argv(const struct cmd *c, char **argv)
{
    int argc = 0;
    for (int i = 0; i < c->argc; i++) {
        char *w = expand(c->argv[i]);
        if (w)
            argv[argc++] = w;
    }
    argv[argc] = NULL;
    return argc;
}

static void free_argv(char **argv)
{
    for (int i = 0; argv[i]; i++)
        free(argv[i]);
}

/* ---- builtins --------------------------------------------------------- */

static void report_status(int pid, int status, int background);

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
static int is_assignment(const char *w)
{
    const char *eq = strchr(w, '=');
    if (!eq || eq == w || isdigit((unsigned char)w[0]))
        return 0;
    for (const char *p = w; p < eq; p++)
        if (!is_name_char((unsigned char)*p))
            return 0;
    return 1;
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

/* export NAME=value...  ("export NAME" does nothing: all variables are exported.) */
static int builtin_export(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++)
        if (is_assignment(argv[i]))
            status |= set_var(argv[i]);
    return status;
}

/* Run argv as a builtin if it is one; returns 1 if it was (status in *status). */
static int run_builtin(int argc, char **argv, int *status)
{
    if (argc == 0) {
        *status = 0;
    } else if (strcmp(argv[0], "cd") == 0) {
        *status = builtin_cd(argc, argv);
    } else if (strcmp(argv[0], "exit") == 0) {
        int code = argc > 1 ? atoi(argv[1]) : last_status;
        exit(code & 0xff);
    } else if (strcmp(argv[0], "export") == 0) {
        *status = builtin_export(argc, argv);
    } else if (strcmp(argv[0], "wait") == 0) { /* for every background job */
        int pid, st;
        while ((pid = wait(&st)) > 0)
            report_status(pid, st, 1);
        *status = 0;
    } else if (argc == 1 && is_assignment(argv[0])) {
        *status = set_var(argv[0]);
    } else {
        return 0;
    }
    return 1;
}

/* ---- running commands ------------------------------------------------- */

/* In the child: apply c's redirections, left to right. Exits on failure. */
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
        int flags = r->kind == R_IN ? O_RDONLY
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
            fprintf(stderr, "sh: %s: %s\n", path ? path : "", path ? strerror(errno) : "ambiguous redirect");
            _exit(1);
        }
        if (fd != r->fd) {
            dup2(fd, r->fd);
            close(fd);
        }
        free(path);
    }
}

/* In the child: redirect, then become the command.  Never returns. */
static void exec_cmd(const struct cmd *c)
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
    execvp(argv[0], argv);
    /* Only reached if exec failed. */
    if (errno == ENOENT) {
        fprintf(stderr, "sh: %s: not found\n", argv[0]);
        _exit(127);
    }
    fprintf(stderr, "sh: %s: %s\n", argv[0], strerror(errno));
    _exit(126);
}

/* What the shell prints when a command is killed by a signal. */
static const struct {
    int sig;
    const char *msg;
} signal_messages[] = {
    {SIGHUP, "Hangup"},       {SIGINT, "Interrupt"},
    {SIGQUIT, "Quit"},        {SIGILL, "Illegal instruction"},
    {SIGTRAP, "Trace/breakpoint trap"}, {SIGABRT, "Aborted"},
    {SIGFPE, "Floating point exception"}, {SIGKILL, "Killed"},
    {SIGBUS, "Bus error"},    {SIGSEGV, "Segmentation fault"},
    {SIGSYS, "Bad system call"}, {SIGPIPE, "Broken pipe"},
    {SIGALRM, "Alarm clock"}, {SIGTERM, "Terminated"},
};

static const char *signal_message(int sig)
{
    for (size_t i = 0; i < sizeof signal_messages / sizeof signal_messages[0]; i++)
        if (signal_messages[i].sig == sig)
            return signal_messages[i].msg;
    return NULL;
}

/* Turn a wait() status into a shell status (128+N for signal N). */
static int shell_status(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 1;
}

/* Say how a child ended: signals always; background jobs when interactive. */
static void report_status(int pid, int status, int background)
{
    const char *msg = NULL;
    char buf[32];
    if (WIFSIGNALED(status)) {
        msg = signal_message(WTERMSIG(status));
        if (!msg)
            snprintf(buf, sizeof buf, "Killed by signal %d", WTERMSIG(status)), msg = buf;
        if (WTERMSIG(status) == SIGPIPE && !background)
            return; /* normal for `cmd | head`: not worth a message */
    } else if (shell_status(status) != 0) {
        snprintf(buf, sizeof buf, "Exit %d", shell_status(status)), msg = buf;
    }
    if (background && interactive)
        fprintf(stderr, "[%d] %s\n", pid, msg ? msg : "Done");
    else if (!background && WIFSIGNALED(status))
        fprintf(stderr, "%s\n", msg);
}

/*
 * Run one pipeline: fork one child per command, each child's stdout
 * connected by a pipe to the next one's stdin; then wait for all of them.
 * Returns the status of the last command.
 */
static int run_pipeline(const struct pipeline *pl)
{
    int pids[MAXCMDS], prev_read = -1, status = 0;

    /* A lone builtin must run in the shell: `cd` in a child changes nothing. */
    if (pl->ncmd == 1) {
        char *argv[MAXARGS];
        int argc = expand_argv(pl->cmd[0], argv);
        int handled = pl->cmd[0]->argc > 0 && run_builtin(argc, argv, &status);
        free_argv(argv);
        if (handled)
            return status;
    }
    fflush(NULL); /* or the children would inherit (and repeat) our buffers */
    for (int i = 0; i < pl->ncmd; i++) {
        int fds[2] = {-1, -1};
        if (i < pl->ncmd - 1 && pipe(fds) < 0) {
            fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
            pids[i] = -1;
            break;
        }
        pids[i] = fork();
        if (pids[i] == 0) {
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
        if (pids[i] < 0)
            fprintf(stderr, "sh: fork: %s\n", strerror(errno));
        /* The parent keeps no pipe ends, or readers would never see EOF. */
        if (prev_read >= 0)
            close(prev_read);
        if (fds[1] >= 0)
            close(fds[1]);
        prev_read = fds[0];
        if (pids[i] < 0)
            break;
    }
    if (prev_read >= 0)
        close(prev_read);
    for (int i = 0; i < pl->ncmd; i++) {
        if (pids[i] < 0) {
            status = 1 << 8; /* exit status 1 */
            break;
        }
        int st = 0;
        waitpid(pids[i], &st, 0);
        report_status(pids[i], st, 0);
        status = st;
    }
    return shell_status(status);
}

/* Run pipes[first..last] joined by && and ||; returns the last status run. */
static int run_and_or(int first, int last)
{
    int status = run_pipeline(&pipes[first]);
    for (int i = first + 1; i <= last; i++) {
        last_status = status;
        enum joiner j = pipes[i - 1].next;
        if ((j == J_AND && status == 0) || (j == J_OR && status != 0))
            status = run_pipeline(&pipes[i]);
    }
    return status;
}

/*
 * `list &`: a child runs the list while the shell goes on.  A single command
 * is exec'd directly by that child, so `sleep 10 &` prints the pid of sleep.
 */
static void run_background(int first, int last)
{
    fflush(NULL);
    int pid = fork();
    if (pid < 0) {
        fprintf(stderr, "sh: fork: %s\n", strerror(errno));
        last_status = 1;
        return;
    }
    if (pid == 0) {
        if (first == last && pipes[first].ncmd == 1)
            exec_cmd(pipes[first].cmd[0]);
        int status = run_and_or(first, last);
        fflush(NULL);
        _exit(status);
    }
    if (interactive)
        fprintf(stderr, "[%d]\n", pid);
    last_status = 0;
}

/* Tokenize, parse and run one line of input. */
static void run_line(char *line)
{
    if (!tokenize(line) || !parse_line()) {
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

/* Reap background jobs that have finished, without waiting for others. */
static void reap_background(void)
{
    int pid, status;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        report_status(pid, status, 1);
}

/* The main loop: (prompt,) read, run, until end of input. */
static int run_input(int fd)
{
    char line[MAXLINE];
    for (;;) {
        reap_background();
        if (interactive) {
            fputs("$ ", stderr);
            fflush(stderr);
        }
        if (read_line(fd, line, sizeof line) < 0)
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
    return run_input(0);
}
