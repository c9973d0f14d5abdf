/*
 * stride-late: a job that arrives late must not monopolise the CPU.  Jobs
 * A and B (100 tickets each) spin; after SECONDS a third job, L, with as
 * many tickets arrives and the three spin for SECONDS more.  The table
 * gives the CPU ticks each got from L's arrival to the end of the window.
 *
 * Usage: stride-late [SECONDS]     (default 2)
 *
 * Under `sched stride` on one hart each gets about a third of the window:
 * L starts at the queue's current pass.  Were it to start at pass 0 it would
 * run alone until its pass caught up with A's and B's (SECONDS x 50 ticks
 * at 10 ms, half the window), and get some two thirds of it.
 *
 * The window's ends are read by the parent alone (on one hart no job runs
 * meanwhile): A's and B's CPU just before it forks L, and all three while
 * they still spin, in one pass between two equal tick counts; the jobs are
 * killed after that, so no job's end falls in the window.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <quill/sched.h>
#include <quill/syscall.h>
#include <quill/sysinfo.h>

static unsigned long now_ticks(void)
{
    struct ksysinfo si;
    return sysinfo(&si) < 0 ? 0 : si.ticks;
}

/* A job that spins until it is killed. */
static pid_t spinner(void)
{
    pid_t pid = fork();
    if (pid == 0)
        for (;;)
            ;
    return pid;
}

/* The CPU ticks of n jobs, read with no tick in between (a few tries). */
static void cpu_of(const pid_t *pids, int n, unsigned long *cpu)
{
    struct schedinfo si;
    for (int tries = 0; tries < 100; tries++) {
        unsigned long t0 = now_ticks();
        for (int i = 0; i < n; i++)
            cpu[i] = schedinfo(pids[i], &si) == 0 ? si.cpu : 0;
        if (now_ticks() == t0)
            return;
    }
}

static void sleep_ms(unsigned long ms)
{
    nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000}, NULL);
}

int main(int argc, char *argv[])
{
    unsigned long ms = (argc > 1 ? strtoul(argv[1], NULL, 10) : 2) * 1000;
    unsigned long start[3] = {0, 0, 0}, cpu[3];
    pid_t pids[3];
    int mine = tickets(TICKETS_GET, 0, 0), n = 0;
    tickets(TICKETS_SET, 0, 100); /* the jobs inherit 100 */
    for (; n < 2 && (pids[n] = spinner()) > 0; n++)
        ;
    if (n == 2) {
        sleep_ms(ms);
        cpu_of(pids, 2, start);
        if ((pids[n] = spinner()) > 0)
            n++;
    }
    tickets(TICKETS_SET, 0, mine);
    if (n == 3) {
        sleep_ms(ms);
        cpu_of(pids, 3, cpu);
    } else
        perror("stride-late: fork");
    for (int i = 0; i < n; i++) {
        kill(pids[i], SIGKILL);
        waitpid(pids[i], NULL, 0);
    }
    if (n < 3)
        return 1;
    unsigned long total = 0;
    for (int i = 0; i < 3; i++)
        total += cpu[i] -= start[i];
    printf("job   cpu  share   (while L ran)\n");
    for (int i = 0; i < 3; i++) {
        unsigned long permille = total ? cpu[i] * 1000 / total : 0;
        printf("  %c %5lu %3lu.%lu%%\n", "ABL"[i], cpu[i], permille / 10, permille % 10);
    }
    return 0;
}
