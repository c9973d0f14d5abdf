/*
 * schedtrace: print the kernel's scheduling trace (the switches recorded
 * in its ring buffer), optionally only those of one command's run.
 *
 * Usage: schedtrace                  every event still in the ring
 *        schedtrace COMMAND [ARG...]  run COMMAND, then print the events
 *                                     recorded from its start to its end
 *
 * One line per switch:  tick ns hart out in reason
 * where out/in are pids (-tid for kernel threads, 0 for the idle loop) and
 * reason says why `out` left: preempt, yield, sleep, exit (- for idle).
 * scripts/gantt.py turns this output into a Gantt chart and a table of
 * per-process metrics.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <quill/sched.h>

#define BATCH 256

static const char *reason_name(int r)
{
    static const char *const names[] = {"-", "preempt", "yield", "sleep", "exit"};
    return r >= 0 && r <= SWITCH_EXIT ? names[r] : "?";
}

static unsigned long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000000000UL + ts.tv_nsec;
}

static int dump(unsigned long from_ns, unsigned long to_ns)
{
    static struct sched_event ev[BATCH];
    unsigned long seq = 0;
    printf("# tick ns hart out in reason\n");
    for (;;) {
        long n = schedtrace(ev, BATCH, seq);
        if (n < 0) {
            perror("schedtrace");
            return 1;
        }
        if (n == 0)
            return 0;
        for (long i = 0; i < n; i++)
            if (ev[i].ns >= from_ns && ev[i].ns <= to_ns)
                printf("%lu %lu %d %d %d %s\n", ev[i].tick, ev[i].ns, ev[i].hart, ev[i].pid_out,
                       ev[i].pid_in, reason_name(ev[i].reason));
        seq = ev[n - 1].seq + 1;
    }
}

int main(int argc, char *argv[])
{
    if (argc == 1)
        return dump(0, (unsigned long)-1);
    unsigned long start = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("schedtrace: fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[1], &argv[1]);
        fprintf(stderr, "schedtrace: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    return dump(start, now_ns());
}
