/*
 * mlfq-mix: the textbook's MLFQ workload.  A CPU hog that never gives up
 * the CPU, INTERACTIVE jobs that run a moment and sleep a tick, and a
 * gamer that gives up the CPU again and again before any slice can end,
 * all for the same number of timer ticks (SECONDS worth at the tick's
 * nominal length: a loaded host that delivers ticks late makes the run
 * longer, not poorer in ticks); then each job's CPU time, final level,
 * the ticks it spent queued, its voluntary switches (a sleep or a yield
 * each) and its ticks at each level.
 *
 * Usage: mlfq-mix [SECONDS] [INTERACTIVE] [COPIES]
 *        (default 2 seconds, 1 interactive job, 1 copy of the mix; COPIES
 *        runs that many hogs, gamers and groups of interactive jobs, for
 *        machines with more harts)
 *
 * Under `sched mlfq`: the hog sinks to the bottom level; the interactive
 * jobs stay at the top; the gamer sinks too, because the allotment counts
 * all its CPU at a level (rule 4); and the hog still gets the CPU however
 * many interactive jobs there are, because every boost period lifts it
 * (rule 5).  An interactive job waits little each time it wakes (queued
 * ticks / voluntary switches): it is at the top level, above the hog.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <quill/sched.h>
#include <quill/syscall.h>
#include <quill/sysinfo.h>

#define MAX_JOBS 64

enum kind { HOG, GAMER, INTERACTIVE };

/* The tick count and the tick's length (the scheduler's clock). */
static unsigned long now_ticks(unsigned long *tick_ns)
{
    struct ksysinfo si;
    if (sysinfo(&si) < 0)
        return 0;
    if (tick_ns)
        *tick_ns = si.tick_ns;
    return si.ticks;
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
    unsigned long tick_ns = 10000000;
    read(gate, &c, 1);
    unsigned long end = now_ticks(&tick_ns);
    end += ms * 1000000 / (tick_ns ? tick_ns : 1);
    while (now_ticks(NULL) < end) {
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
    int ninter = argc > 2 ? atoi(argv[2]) : 1, copies = argc > 3 ? atoi(argv[3]) : 1, n = 0;
    int fds[2];
    pid_t pid[MAX_JOBS];
    enum kind kind[MAX_JOBS];
    struct schedinfo si[MAX_JOBS];
    if (ninter < 0 || copies < 1 || (ninter + 2) * copies > MAX_JOBS || pipe(fds) < 0) {
        fprintf(stderr, "usage: mlfq-mix [SECONDS] [INTERACTIVE] [COPIES] (at most %d jobs)\n",
                MAX_JOBS);
        return 1;
    }
    for (int i = 0; i < (ninter + 2) * copies; i++, n++) {
        int k = i % (ninter + 2);
        kind[n] = k < 2 ? (enum kind)k : INTERACTIVE;
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
    printf("job          pid   cpu level  wait  vol ticks at levels 0..7\n");
    for (int i = 0; i < n; i++) {
        printf("%-11s %4d %5lu %5d %5lu %4lu", names[kind[i]], pid[i], si[i].cpu, si[i].level,
               si[i].wait, si[i].voluntary);
        for (int l = 0; l < SCHED_LEVELS_MAX; l++)
            printf(" %lu", si[i].level_ticks[l]);
        printf("\n");
    }
    return 0;
}
