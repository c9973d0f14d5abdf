/*
 * memlimit: run a command with a resident-set limit.
 *
 *   memlimit [-p clock|fifo|aging] FRAMES command [args...]
 *
 * The command's private anonymous memory (mmap) may occupy at most FRAMES
 * page frames; a page brought in beyond that pushes one out to swap, chosen
 * by the policy (default clock).  Needs a swap disk.  With refstring it
 * replays the textbook's reference strings:
 *
 *   $ memlimit -p fifo 3 refstring 1 2 3 4 1 2 5 1 2 3 4 5
 *   12 references, 9 faults
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <quill/syscall.h>

static void usage(void)
{
    fprintf(stderr, "usage: memlimit [-p clock|fifo|aging] FRAMES command [args...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *policy = "clock";
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-p") == 0) {
        policy = argv[i + 1];
        i += 2;
    }
    if (i + 1 >= argc)
        usage();
    char *end;
    long frames = strtol(argv[i], &end, 10);
    if (*end || frames <= 0)
        usage();
    if (memlimit((int)frames, policy) != 0) {
        fprintf(stderr, "memlimit: %s\n",
                errno == ENOSPC   ? "no swap device"
                : errno == EINVAL ? "bad frame count or policy"
                                  : strerror(errno));
        return 1;
    }
    execvp(argv[i + 1], &argv[i + 1]);
    fprintf(stderr, "memlimit: %s: %s\n", argv[i + 1], strerror(errno));
    return 127;
}
