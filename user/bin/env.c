/*
 * env: print the environment, or run a command in a changed one.
 *
 * Usage: env                          print every NAME=value, one per line
 *        env [NAME=value...] [CMD [ARG...]]
 *
 * The environment is an array of "NAME=value" strings that every process
 * gets from its parent through execve(); env sets the given variables in
 * its own copy and then execs CMD, which inherits them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char *argv[])
{
    int i = 1;
    for (; i < argc && strchr(argv[i], '=') && argv[i][0] != '='; i++) {
        char *eq = strchr(argv[i], '=');
        *eq = '\0';
        if (setenv(argv[i], eq + 1, 1) < 0) {
            fprintf(stderr, "env: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
    }
    if (i == argc) {
        for (char **e = environ; e && *e; e++)
            printf("%s\n", *e);
        return 0;
    }
    execvp(argv[i], &argv[i]);
    fprintf(stderr, "env: %s: %s\n", argv[i], strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
