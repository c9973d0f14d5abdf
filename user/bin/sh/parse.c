/*
 * The shell's grammar: tokenizer, parser and $-expansion.
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
 * One line is parsed at a time; everything points into the arrays below.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

static char wordbuf[2 * MAXLINE];
static struct token toks[MAXTOK];
static int ntok;
static struct cmd cmds[MAXCMDS];
struct pipeline pipes[MAXPIPES];
int npipes;

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
            return sh_error("too many words", NULL);
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
            return sh_error("unterminated quote", NULL);
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
        return sh_error("too many commands", NULL);
    struct cmd *c = &cmds[(*ncmds)++];
    memset(c, 0, sizeof *c);
    for (; i < ntok && (toks[i].type == T_WORD || toks[i].type == T_REDIR); i++) {
        struct token *t = &toks[i];
        if (c->argc == MAXARGS - 1 || c->nredir == MAXREDIR)
            return sh_error("too many words in a command", NULL);
        if (t->type == T_WORD) {
            c->argv[c->argc++] = t;
            continue;
        }
        struct redir *r = &c->redir[c->nredir++];
        r->kind = t->kind, r->fd = t->fd, r->dupfd = t->dupfd;
        if (t->kind != R_DUP) {
            if (i + 1 >= ntok || toks[i + 1].type != T_WORD)
                return sh_error("syntax error near", tok_name(i + 1));
            r->path = &toks[++i];
        }
    }
    if (c->argc == 0 && c->nredir == 0)
        return sh_error("syntax error near", tok_name(i));
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
            return sh_error("too many commands", NULL);
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
                return sh_error("syntax error near", tok_name(i));
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
char *expand(const struct token *t)
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
int expand_argv(const struct cmd *c, char **argv)
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

void free_argv(char **argv)
{
    for (int i = 0; argv[i]; i++)
        free(argv[i]);
}

bool parse(char *line)
{
    return tokenize(line) && parse_line();
}

/* Append s to buf (size bytes, NUL-terminated), cutting it short with "...". */
static void append(char *buf, int size, const char *s)
{
    int len = (int)strlen(buf), n = (int)strlen(s);
    if (len + n < size) {
        memcpy(buf + len, s, n + 1);
    } else if (size > 4 && len < size - 4) {
        memcpy(buf + len, s, size - 4 - len);
        strcpy(buf + size - 4, "...");
    }
}

/* A word as typed (near enough): '$' for the expansion marks. */
static void append_word(char *buf, int size, const struct token *t)
{
    char w[MAXLINE];
    int n = 0;
    for (const char *p = t->text; *p && n < (int)sizeof(w) - 1; p++)
        w[n++] = *p == EXPAND_MARK ? '$' : *p;
    w[n] = '\0';
    append(buf, size, w);
}

static void append_cmd(char *buf, int size, const struct cmd *c)
{
    static const char *ops[] = {"<", ">", ">>", ">&"};
    for (int i = 0; i < c->argc; i++) {
        if (i)
            append(buf, size, " ");
        append_word(buf, size, c->argv[i]);
    }
    for (int i = 0; i < c->nredir; i++) {
        const struct redir *r = &c->redir[i];
        char op[16];
        if (r->fd != (r->kind == R_IN ? 0 : 1))
            snprintf(op, sizeof(op), " %d%s", r->fd, ops[r->kind]);
        else
            snprintf(op, sizeof(op), " %s", ops[r->kind]);
        append(buf, size, op);
        if (r->kind == R_DUP) {
            snprintf(op, sizeof(op), "%d", r->dupfd);
            append(buf, size, op);
        } else {
            append_word(buf, size, r->path);
        }
    }
}

void pipeline_text(int first, int last, char *buf, int size)
{
    static const char *joins[] = {"", "; ", " & ", " && ", " || "};
    buf[0] = '\0';
    for (int p = first; p <= last; p++) {
        for (int i = 0; i < pipes[p].ncmd; i++) {
            if (i)
                append(buf, size, " | ");
            append_cmd(buf, size, pipes[p].cmd[i]);
        }
        if (p < last)
            append(buf, size, joins[pipes[p].next]);
    }
}
