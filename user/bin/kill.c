/*
 * kill: send a signal to processes or process groups.
 *
 * Usage: kill [-s NAME | -NAME | -NUM] PID...
 *        kill -l [STATUS]     list the signals (or name the one a status 128+N means)
 *
 * NAME may have "SIG" or not, in any case (KILL, SIGKILL, kill); the default
 * is TERM.  A PID of -N means process group N, -1 every process the caller
 * may signal (write "kill -TERM -- -N" or "kill -s TERM -N").  The shell's
 * built-in kill also takes %JOB.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void list_signals(void)
{
    char name[SIG2STR_MAX];
    int col = 0;
    for (int s = 1; s < NSIG; s++) {
        if (sig2str(s, name) < 0)
            continue;
        printf("%2d) SIG%-8s%s", s, name, ++col % 5 == 0 ? "\n" : " ");
    }
    if (col % 5)
        printf("\n");
}

/* kill -l 130 -> INT; kill -l 2 -> INT */
static int name_of(const char *arg)
{
    char name[SIG2STR_MAX];
    int n = atoi(arg);
    if (n > 128)
        n -= 128;
    if (sig2str(n, name) < 0) {
        fprintf(stderr, "kill: %s: unknown signal\n", arg);
        return 1;
    }
    printf("%s\n", name);
    return 0;
}

int main(int argc, char *argv[])
{
    int sig = SIGTERM, i = 1, status = 0;
    if (i < argc && strcmp(argv[i], "-l") == 0) {
        if (i + 1 < argc)
            return name_of(argv[i + 1]);
        list_signals();
        return 0;
    }
    if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0' && strcmp(argv[i], "--") != 0) {
        const char *name = argv[i] + 1;
        if (strcmp(name, "s") == 0 && i + 1 < argc)
            name = argv[++i]; /* kill -s KILL PID */
        if (str2sig(name, &sig) < 0 && strcmp(name, "0") != 0) {
            fprintf(stderr, "kill: %s: unknown signal (kill -l lists them)\n", name);
            return 1;
        }
        if (strcmp(name, "0") == 0)
            sig = 0;
        i++;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i == argc) {
        fprintf(stderr, "usage: kill [-s NAME | -NAME | -NUM] PID...\n       kill -l\n");
        return 1;
    }
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (*argv[i] == '\0' || *end != '\0') {
            fprintf(stderr, "kill: %s: not a process id\n", argv[i]);
            status = 1;
        } else if (kill((pid_t)pid, sig) < 0) {
            fprintf(stderr, "kill: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
