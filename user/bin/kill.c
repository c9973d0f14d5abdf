/*
 * kill: send a signal to processes.
 *
 * Usage: kill [-SIGNAL] PID...
 *        kill -l              list the signal names
 *
 * SIGNAL is a number (kill -9 PID) or a name with or without "SIG"
 * (kill -KILL PID, kill -SIGTERM PID).  The default is TERM.  Until Quill
 * has signal handlers every signal simply ends the target process; the shell
 * then reports it as "Killed", "Terminated", ... with status 128+N.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    int sig;
} signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP}, {"ABRT", SIGABRT}, {"FPE", SIGFPE},   {"KILL", SIGKILL},
    {"BUS", SIGBUS},   {"SEGV", SIGSEGV}, {"SYS", SIGSYS},   {"PIPE", SIGPIPE},
    {"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},
    {"CONT", SIGCONT}, {"CHLD", SIGCHLD},
};
#define NSIGNALS (int)(sizeof signals / sizeof signals[0])

/* "9", "KILL", "SIGKILL" (any case) -> 9; -1 if unknown. */
static int parse_signal(const char *s)
{
    if (isdigit((unsigned char)s[0])) {
        char *end;
        long n = strtol(s, &end, 10);
        return (*end == '\0' && n >= 0 && n < 64) ? (int)n : -1;
    }
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (int i = 0; i < NSIGNALS; i++)
        if (strcasecmp(s, signals[i].name) == 0)
            return signals[i].sig;
    return -1;
}

static void list_signals(void)
{
    for (int i = 0; i < NSIGNALS; i++)
        printf("%2d %s\n", signals[i].sig, signals[i].name);
}

int main(int argc, char *argv[])
{
    int sig = SIGTERM, i = 1, status = 0;
    if (i < argc && strcmp(argv[i], "-l") == 0) {
        list_signals();
        return 0;
    }
    if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
        const char *name = argv[i] + 1;
        if (strcmp(name, "s") == 0 && i + 1 < argc)
            name = argv[++i]; /* kill -s KILL PID */
        sig = parse_signal(name);
        if (sig < 0) {
            fprintf(stderr, "kill: %s: unknown signal\n", name);
            return 1;
        }
        i++;
    }
    if (i == argc) {
        fprintf(stderr, "usage: kill [-SIGNAL] PID...\n");
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
