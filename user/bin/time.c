/*
 * time: run a command and print its scheduling metrics as the textbook
 * defines them, from the kernel's accounting (schedinfo):
 *
 *     turnaround = completion - arrival
 *     response   = first run - arrival
 *     waiting    = turnaround - CPU time
 *
 * Usage: time COMMAND [ARG...]
 *
 * Prints, on standard error after the command ends, each metric in ticks
 * and milliseconds, the CPU time (sampled by the tick, as the metrics use
 * it, and exact, summed by the scheduler at every switch), the time spent
 * runnable in a queue, the voluntary and involuntary switches, and the
 * real (wall-clock) time from just before the fork to the command's end
 * as `time` saw it (at most a tick late).  The ticks are counted by the
 * timer interrupt, so on a host that runs the machine late a tick lasts
 * more than its nominal 10 ms: compare the exact CPU time with the real
 * time, not with the ticks.  The command's own exit status
 * is time's exit status.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <quill/sched.h>

static unsigned long tick_ms = 10;

static unsigned long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000000000UL + ts.tv_nsec;
}

static void line(const char *what, unsigned long ticks)
{
    fprintf(stderr, "%-11s %6lu ticks %8lu ms\n", what, ticks, ticks * tick_ms);
}

/* Wait until pid is a zombie (not reaped yet) and return its accounting. */
static int wait_zombie(pid_t pid, struct schedinfo *si)
{
    const struct timespec one_tick = {0, 10 * 1000 * 1000};
    for (;;) {
        if (schedinfo(pid, si) < 0)
            return -1;
        if (si->state == 'Z')
            return 0;
        nanosleep(&one_tick, NULL);
    }
}

int main(int argc, char *argv[])
{
    struct schedinfo si;
    int status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: time COMMAND [ARG...]\n");
        return 1;
    }
    unsigned long start = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("time: fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[1], &argv[1]);
        fprintf(stderr, "time: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    int err = wait_zombie(pid, &si);
    unsigned long real = now_ns() - start;
    waitpid(pid, &status, 0);
    if (err < 0) {
        perror("time: schedinfo");
        return 1;
    }
    unsigned long turnaround = si.completion - si.arrival;
    line("turnaround", turnaround);
    line("response", si.first_run - si.arrival);
    line("waiting", turnaround > si.cpu ? turnaround - si.cpu : 0);
    line("cpu", si.cpu);
    fprintf(stderr, "cpu exact   %lu.%03lu ms\n", si.cpu_ns / 1000000, si.cpu_ns / 1000 % 1000);
    line("queued", si.wait);
    fprintf(stderr, "switches    %6lu voluntary %lu involuntary\n", si.voluntary, si.involuntary);
    fprintf(stderr, "real        %lu.%03lu ms\n", real / 1000000, real / 1000 % 1000);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
