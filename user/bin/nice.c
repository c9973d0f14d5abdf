/*
 * nice: run a command with a different nice value.
 *
 * Usage: nice [-n N] COMMAND [ARG...]     (N defaults to 10)
 *        nice                             print the current nice value
 *
 * Nice runs from -20 (most CPU) to 19 (least); the CFS policy turns it
 * into a weight (nice 0 -> 1024, nice 5 -> 335), others ignore it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <quill/sched.h>

int main(int argc, char *argv[])
{
    int inc = 10, i = 1;
    if (argc == 1) {
        printf("%d\n", getpriority(PRIO_PROCESS, 0));
        return 0;
    }
    if (strcmp(argv[1], "-n") == 0) {
        char *end;
        if (argc < 3 || (inc = (int)strtol(argv[2], &end, 10), *end || !argv[2][0])) {
            fprintf(stderr, "usage: nice [-n N] COMMAND [ARG...]\n");
            return 1;
        }
        i = 3;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: nice [-n N] COMMAND [ARG...]\n");
        return 1;
    }
    if (nice(inc) == -1 && errno)
        perror("nice");
    execvp(argv[i], &argv[i]);
    fprintf(stderr, "nice: %s: %s\n", argv[i], strerror(errno));
    return 127;
}
