/*
 * cfs-nice: two CPU-bound jobs, one at nice 0 and one at nice N (default
 * 5), spin together; each one's CPU ticks over a window of SECONDS in which
 * both spin are reported.
 *
 * Usage: cfs-nice [SECONDS] [N]     (default 2 seconds, nice 5)
 *
 * Under `sched cfs` on one hart the CPU divides as the weights do: nice 0
 * has weight 1024 and nice 5 weight 335, so the ratio is about 3.06.  The
 * output's last line is that ratio, x1000.
 *
 * The window starts once both jobs run (past their gate) and ends while
 * both still do; only then are they killed.  So neither job's start or end
 * is in it (a job that started later would otherwise run alone at the end),
 * and the parent sleeps through it.  Each end reads both jobs' CPU in one
 * pass between two equal tick counts: on one hart no job runs in between.
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

static void job(int gate, int niceness)
{
    char c;
    setpriority(PRIO_PROCESS, 0, niceness);
    read(gate, &c, 1);
    for (;;)
        ;
}

/* Both jobs' CPU ticks, read with no tick in between (a few tries). */
static void read_cpu(const pid_t *pid, struct schedinfo *si)
{
    for (int tries = 0; tries < 100; tries++) {
        unsigned long t0 = now_ticks();
        schedinfo(pid[0], &si[0]);
        schedinfo(pid[1], &si[1]);
        if (now_ticks() == t0)
            return;
    }
}

int main(int argc, char *argv[])
{
    unsigned long ms = (argc > 1 ? strtoul(argv[1], NULL, 10) : 2) * 1000;
    int niceness[2] = {0, argc > 2 ? atoi(argv[2]) : 5}, fds[2];
    pid_t pid[2];
    struct schedinfo start[2], end[2];
    if (pipe(fds) < 0) {
        perror("cfs-nice: pipe");
        return 1;
    }
    for (int i = 0; i < 2; i++) {
        if ((pid[i] = fork()) == 0) {
            close(fds[1]);
            job(fds[0], niceness[i]);
        }
        if (pid[i] < 0) {
            perror("cfs-nice: fork");
            return 1;
        }
    }
    close(fds[0]);
    write(fds[1], "go", 2); /* a byte for each: neither waits for the other */
    close(fds[1]);
    do { /* until both are past the gate: neither sleeps again */
        nanosleep(&(struct timespec){0, 10000000}, NULL);
        read_cpu(pid, start);
    } while (start[0].state == 'S' || start[1].state == 'S');
    nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000}, NULL);
    read_cpu(pid, end);
    for (int i = 0; i < 2; i++) {
        kill(pid[i], SIGKILL);
        waitpid(pid[i], NULL, 0);
    }
    unsigned long cpu[2] = {end[0].cpu - start[0].cpu, end[1].cpu - start[1].cpu};
    printf("nice  pid   cpu\n");
    for (int i = 0; i < 2; i++)
        printf("%4d %4d %5lu\n", end[i].nice, pid[i], cpu[i]);
    unsigned long ratio = cpu[1] ? cpu[0] * 1000 / cpu[1] : 0;
    printf("ratio x1000: %lu\n", ratio);
    return 0;
}
