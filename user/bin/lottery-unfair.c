/*
 * lottery-unfair: the textbook's lottery unfairness experiment.  Two jobs
 * with equal tickets each need the same CPU time L; U is the finish time
 * of the first divided by that of the second (both from their common
 * start).  A perfectly fair scheduler gives U = 1; a lottery's luck makes
 * short jobs unfair, and U tends to 1 as L grows.
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
#include <time.h>
#include <unistd.h>

#include <quill/sched.h>

static unsigned long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000000000UL + ts.tv_nsec;
}

/* After the gate opens, spin until this process has run `len` ticks, then
 * report the finish time through the pipe. */
static void job(int gate, int out, unsigned long len)
{
    struct schedinfo si;
    char c;
    read(gate, &c, 1);
    do
        schedinfo(0, &si);
    while (si.cpu < len);
    unsigned long done = now_ns();
    write(out, &done, sizeof(done));
    _exit(0);
}

/* One trial with job length len: 1000 x U, or -1 on error. */
static long trial(unsigned long len)
{
    int gate[2], res[2];
    unsigned long f[2];
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
    unsigned long start = now_ns();
    write(gate[1], "go", 2); /* a byte for each: neither waits for the other */
    close(gate[1]);
    int ok = read(res[0], &f[0], sizeof(f[0])) == sizeof(f[0]) &&
             read(res[0], &f[1], sizeof(f[1])) == sizeof(f[1]);
    close(res[0]);
    wait(NULL);
    wait(NULL);
    if (!ok)
        return -1;
    return (long)((f[0] - start) * 1000 / (f[1] - start));
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
