/*
 * lottery-unfair: the textbook's lottery unfairness experiment.  Two jobs
 * with equal tickets each need the same CPU time L; U is the finish time
 * of the first divided by that of the second (both from their common
 * start: the moment the first of them runs, so the cost of forking them
 * does not count).  A perfectly fair scheduler gives U = 1; a lottery's
 * luck makes short jobs unfair, and U tends to 1 as L grows.
 *
 * Usage: lottery-unfair [TRIALS] [L...]   (default 5 trials; L in ticks:
 *                                          1 2 5 10 20 50 100)
 *
 * Prints, for each L, the mean U over the trials.  Run it under
 * `sched lottery` (with bootargs lottery_seed=N the run is reproducible on
 * one hart).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <quill/sched.h>
#include <quill/syscall.h>
#include <quill/sysinfo.h>

/* Time in the scheduler's own unit, timer ticks (as in the textbook's
 * simulations): a host that runs the machine slowly does not change it. */
static unsigned long now_ticks(void)
{
    struct ksysinfo si;
    if (sysinfo(&si) < 0)
        return 0;
    return si.ticks;
}

/*
 * After the gate opens, spin until this process has run `len` ticks, then
 * report when it first ran and when it finished through the pipe (one
 * write, so the two reports do not interleave).  It finished at the tick
 * that charged it its last tick: the one after the last moment it saw
 * itself short (with one-tick slices that tick also preempts it, so the
 * moment it sees itself done may come ticks later, when it wins again).
 */
static void job(int gate, int out, unsigned long len)
{
    struct schedinfo si;
    char c;
    read(gate, &c, 1);
    unsigned long t[2] = {now_ticks(), 0}, last = t[0];
    schedinfo(0, &si);
    unsigned long cpu0 = si.cpu; /* what it was charged on its way here */
    for (;;) {
        unsigned long now = now_ticks();
        schedinfo(0, &si);
        if (si.cpu - cpu0 >= len)
            break;
        last = now;
    }
    t[1] = last + 1;
    write(out, t, sizeof(t));
    _exit(0);
}

/* One trial with job length len: 1000 x U, or -1 on error. */
static long trial(unsigned long len)
{
    int gate[2], res[2];
    unsigned long t[2][2]; /* per job: first ran, finished */
    if (pipe(gate) < 0 || pipe(res) < 0)
        return -1;
    for (int j = 0; j < 2; j++) {
        if (fork() == 0) {
            close(gate[1]);
            close(res[0]);
            job(gate[0], res[1], len);
        }
    }
    close(gate[0]);
    close(res[1]);
    write(gate[1], "go", 2); /* a byte for each: neither waits for the other */
    close(gate[1]);
    int ok = read(res[0], t[0], sizeof(t[0])) == sizeof(t[0]) &&
             read(res[0], t[1], sizeof(t[1])) == sizeof(t[1]);
    close(res[0]);
    wait(NULL);
    wait(NULL);
    if (!ok)
        return -1;
    /* From the common start (the earlier one): the first finish over the last. */
    unsigned long start = t[0][0] < t[1][0] ? t[0][0] : t[1][0];
    unsigned long first = t[0][1] < t[1][1] ? t[0][1] : t[1][1];
    unsigned long last = t[0][1] < t[1][1] ? t[1][1] : t[0][1];
    return (long)((first - start) * 1000 / (last - start));
}

int main(int argc, char *argv[])
{
    static const unsigned long dflt[] = {1, 2, 5, 10, 20, 50, 100};
    int trials = argc > 1 ? atoi(argv[1]) : 5;
    int nlen = argc > 2 ? argc - 2 : (int)(sizeof(dflt) / sizeof(dflt[0]));
    if (trials < 1) {
        fprintf(stderr, "usage: lottery-unfair [TRIALS] [L...]\n");
        return 1;
    }
    printf("     L      U\n");
    for (int i = 0; i < nlen; i++) {
        unsigned long len = argc > 2 ? strtoul(argv[i + 2], NULL, 10) : dflt[i];
        long sum = 0;
        for (int t = 0; t < trials; t++) {
            long u = trial(len);
            if (u < 0) {
                fprintf(stderr, "lottery-unfair: a trial failed\n");
                return 1;
            }
            sum += u;
        }
        long mean = sum / trials;
        printf("%6lu  %ld.%03ld\n", len, mean / 1000, mean % 1000);
    }
    return 0;
}
