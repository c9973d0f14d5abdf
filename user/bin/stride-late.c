/*
 * stride-late: a job that arrives late must not monopolise the CPU.  Jobs
 * A and B (100 tickets each) spin; after SECONDS a third job, L, with as
 * many tickets arrives and the three spin for SECONDS more.  The table
 * gives the CPU ticks each got while L was there.
 *
 * Usage: stride-late [SECONDS]     (default 2)
 *
 * Under `sched stride` on one hart each gets about a third of the window:
 * L starts at the queue's current pass.  Were it to start at pass 0 it would
 * run alone until its pass caught up with A's and B's (SECONDS x 50 ticks
 * at 10 ms, half the window), and get some two thirds of it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <quill/sched.h>

static unsigned long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A job that spins for ms (0: until it is killed). */
static pid_t spinner(unsigned long ms)
{
    pid_t pid = fork();
    if (pid == 0) {
        unsigned long end = now_ms() + ms;
        while (ms == 0 || now_ms() < end)
            ;
        _exit(0);
    }
    return pid;
}

static unsigned long cpu_of(pid_t pid)
{
    struct schedinfo si;
    return schedinfo(pid, &si) == 0 ? si.cpu : 0;
}

int main(int argc, char *argv[])
{
    unsigned long ms = (argc > 1 ? strtoul(argv[1], NULL, 10) : 2) * 1000;
    struct schedinfo si;
    int mine = tickets(TICKETS_GET, 0, 0);
    tickets(TICKETS_SET, 0, 100); /* the jobs inherit 100 */
    pid_t a = spinner(0), b = spinner(0);
    if (a < 0 || b < 0) {
        perror("stride-late: fork");
        return 1;
    }
    nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000}, NULL);
    unsigned long a0 = cpu_of(a), b0 = cpu_of(b);
    pid_t late = spinner(ms);
    tickets(TICKETS_SET, 0, mine);
    if (late < 0) {
        perror("stride-late: fork");
        return 1;
    }
    while (schedinfo(late, &si) == 0 && si.state != 'Z')
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    unsigned long cpu[3] = {cpu_of(a) - a0, cpu_of(b) - b0, si.cpu};
    kill(a, SIGKILL);
    kill(b, SIGKILL);
    waitpid(late, NULL, 0);
    waitpid(a, NULL, 0);
    waitpid(b, NULL, 0);
    unsigned long total = cpu[0] + cpu[1] + cpu[2];
    printf("job   cpu  share   (while L ran)\n");
    for (int i = 0; i < 3; i++) {
        unsigned long permille = total ? cpu[i] * 1000 / total : 0;
        printf("  %c %5lu %3lu.%lu%%\n", "ABL"[i], cpu[i], permille / 10, permille % 10);
    }
    return 0;
}
