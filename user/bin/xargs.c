/*
 * xargs: run a command with arguments read from standard input.
 * LAB util FILE: the reference solution of docs/labs/util.md (xargs).
 *
 * Usage: xargs [-n N] [COMMAND [ARG...]]
 *
 * Reads words (separated by blanks and newlines; '...' and "..." quote,
 * \c is c) from standard input and runs COMMAND ARG... WORD... (default
 * COMMAND: echo), with at most N words at a time (-n; default: as many as
 * fit in XARGS_MAX_ARGS), waiting for each run before the next.  With no
 * words at all, the command is not run.  Exit status: 123 if some run
 * exited non-zero, 127 if COMMAND could not be run, else 0.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define XARGS_MAX_ARGS 256
#define XARGS_MAX_WORD 1024

/* Read the next word from stdin into buf; 0 at end of input, -1 if too long. */
static int read_word(char *buf, size_t size)
{
    int c, quote = 0;
    size_t len = 0;
    while ((c = getchar()) != EOF && isspace(c))
        ;
    if (c == EOF)
        return 0;
    for (; c != EOF; c = getchar()) {
        if (quote && c == quote) {
            quote = 0;
            continue;
        }
        if (!quote && (c == '\'' || c == '"')) {
            quote = c;
            continue;
        }
        if (!quote && isspace(c))
            break;
        if (c == '\\' && quote != '\'' && (c = getchar()) == EOF)
            break;
        if (len + 1 >= size)
            return -1;
        buf[len++] = (char)c;
    }
    buf[len] = '\0';
    return 1;
}

/* Run argv and wait; its exit status, or 127 if it could not be started. */
static int run(char **argv)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("xargs: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "xargs: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0)
        return 127;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * Run the command (args[0 .. ncmd-1]) with the *n words after it, then free
 * the words (*n becomes 0).  Returns 127 if the command could not be run
 * (xargs stops), else 0; *result becomes 123 if it exited non-zero.
 */
static int run_batch(char **args, int ncmd, int *n, int *result)
{
    args[ncmd + *n] = NULL;
    int st = run(args);
    while (*n > 0)
        free(args[ncmd + --*n]);
    if (st == 127)
        return 127;
    if (st)
        *result = 123;
    return 0;
}

int main(int argc, char *argv[])
{
    int first = 1, per_run = XARGS_MAX_ARGS, result = 0;
    if (argc > 2 && !strcmp(argv[1], "-n")) {
        per_run = atoi(argv[2]);
        first = 3;
        if (per_run < 1) {
            fprintf(stderr, "usage: xargs [-n N] [COMMAND [ARG...]]\n");
            return 2;
        }
    }
    char *echo[] = {"echo", NULL};
    char **cmd = first < argc ? argv + first : echo;
    int ncmd = first < argc ? argc - first : 1;
    if (per_run > XARGS_MAX_ARGS - ncmd - 1)
        per_run = XARGS_MAX_ARGS - ncmd - 1;
    if (per_run < 1) {
        fprintf(stderr, "xargs: too many arguments\n");
        return 2;
    }
    char *args[XARGS_MAX_ARGS];
    char word[XARGS_MAX_WORD];
    memcpy(args, cmd, ncmd * sizeof(char *));
    int n = 0, r;
    while ((r = read_word(word, sizeof(word))) != 0) {
        if (r < 0) {
            fprintf(stderr, "xargs: a word longer than %d bytes\n", XARGS_MAX_WORD - 1);
            return 2;
        }
        if (!(args[ncmd + n++] = strdup(word))) {
            fprintf(stderr, "xargs: out of memory\n");
            return 2;
        }
        if ((n == per_run || feof(stdin)) && run_batch(args, ncmd, &n, &result))
            return 127;
    }
    if (n > 0 && run_batch(args, ncmd, &n, &result))
        return 127;
    return result;
}
