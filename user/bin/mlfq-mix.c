/*
 * mlfq-mix: the textbook's MLFQ workload.  A CPU hog that never gives up
 * the CPU, INTERACTIVE jobs that run a moment and sleep a tick, and a
 * gamer that gives up the CPU again and again before any slice can end,
 * all for the same wall-clock time; then each job's CPU time, final level
 * and ticks at each level.
 *
 * Usage: mlfq-mix [SECONDS] [INTERACTIVE]    (default 2 seconds, 1 job)
 *
 * Under `sched mlfq`: the hog sinks to the bottom level; the interactive
 * jobs stay at the top; the gamer sinks too, because the allotment counts
 * all its CPU at a level (rule 4); and the hog still gets the CPU however
 * many interactive jobs there are, because every boost period lifts it
 * (rule 5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <quill/sched.h>

#define MAX_JOBS 34

enum kind { HOG, GAMER, INTERACTIVE };

static unsigned long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void spin_us(unsigned long us)
{
    struct timespec ts, t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do
        clock_gettime(CLOCK_MONOTONIC, &ts);
    while ((unsigned long)(ts.tv_sec - t0.tv_sec) * 1000000 + (ts.tv_nsec - t0.tv_nsec) / 1000 <
           us);
}

/* One byte for each of n jobs: none waits for another to get going. */
static void open_gate(int fd, int n)
{
    static const char go[MAX_JOBS];
    write(fd, go, n);
    close(fd);
}

static void job(int gate, enum kind k, unsigned long ms)
{
    char c;
    read(gate, &c, 1);
    unsigned long end = now_ms() + ms;
    while (now_ms() < end) {
        if (k == GAMER) {
            spin_us(2000); /* a fifth of a 10 ms tick, then give the CPU up */
            sched_yield();
        } else if (k == INTERACTIVE) {
            spin_us(500);
            nanosleep(&(struct timespec){0, 10000000}, NULL);
        }
    }
    _exit(0);
}

int main(int argc, char *argv[])
{
    static const char *const names[] = {"hog", "gamer", "interactive"};
    unsigned long ms = (argc > 1 ? strtoul(argv[1], NULL, 10) : 2) * 1000;
    int ninter = argc > 2 ? atoi(argv[2]) : 1, n = 0, fds[2];
    pid_t pid[MAX_JOBS];
    enum kind kind[MAX_JOBS];
    struct schedinfo si[MAX_JOBS];
    if (ninter < 0 || ninter + 2 > MAX_JOBS || pipe(fds) < 0) {
        fprintf(stderr, "usage: mlfq-mix [SECONDS] [INTERACTIVE 0..32]\n");
        return 1;
    }
    for (int i = 0; i < ninter + 2; i++, n++) {
        kind[n] = i < 2 ? (enum kind)i : INTERACTIVE;
        if ((pid[n] = fork()) == 0) {
            close(fds[1]);
            job(fds[0], kind[n], ms);
        }
    }
    close(fds[0]);
    open_gate(fds[1], n);
    for (int i = 0; i < n; i++) {
        while (schedinfo(pid[i], &si[i]) == 0 && si[i].state != 'Z')
            nanosleep(&(struct timespec){0, 10000000}, NULL);
        waitpid(pid[i], NULL, 0);
    }
    printf("job          pid   cpu level ticks at levels 0..7\n");
    for (int i = 0; i < n; i++) {
        printf("%-11s %4d %5lu %5d", names[kind[i]], pid[i], si[i].cpu, si[i].level);
        for (int l = 0; l < SCHED_LEVELS_MAX; l++)
            printf(" %lu", si[i].level_ticks[l]);
        printf("\n");
    }
    return 0;
}
