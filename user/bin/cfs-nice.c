/*
 * cfs-nice: two CPU-bound jobs, one at nice 0 and one at nice N (default
 * 5), spin for the same wall-clock time; then each reports its CPU time.
 *
 * Usage: cfs-nice [SECONDS] [N]     (default 2 seconds, nice 5)
 *
 * Under `sched cfs` on one hart the CPU divides as the weights do: nice 0
 * has weight 1024 and nice 5 weight 335, so the ratio is about 3.06.  The
 * output's last line is that ratio, x1000.
 */
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

static void job(int gate, int niceness, unsigned long ms)
{
    char c;
    setpriority(PRIO_PROCESS, 0, niceness);
    read(gate, &c, 1);
    unsigned long end = now_ms() + ms;
    while (now_ms() < end)
        ;
    _exit(0);
}

int main(int argc, char *argv[])
{
    unsigned long ms = (argc > 1 ? strtoul(argv[1], NULL, 10) : 2) * 1000;
    int niceness[2] = {0, argc > 2 ? atoi(argv[2]) : 5}, fds[2];
    pid_t pid[2];
    struct schedinfo si[2];
    if (pipe(fds) < 0) {
        perror("cfs-nice: pipe");
        return 1;
    }
    for (int i = 0; i < 2; i++) {
        if ((pid[i] = fork()) == 0) {
            close(fds[1]);
            job(fds[0], niceness[i], ms);
        }
    }
    close(fds[0]);
    write(fds[1], "go", 2); /* a byte for each: neither waits for the other */
    close(fds[1]);
    for (int i = 0; i < 2; i++) {
        while (schedinfo(pid[i], &si[i]) == 0 && si[i].state != 'Z')
            nanosleep(&(struct timespec){0, 10000000}, NULL);
        waitpid(pid[i], NULL, 0);
    }
    printf("nice  pid   cpu\n");
    for (int i = 0; i < 2; i++)
        printf("%4d %4d %5lu\n", si[i].nice, pid[i], si[i].cpu);
    unsigned long ratio = si[1].cpu ? si[0].cpu * 1000 / si[1].cpu : 0;
    printf("ratio x1000: %lu\n", ratio);
    return 0;
}
