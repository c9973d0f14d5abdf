/*
 * cpuburn: use the CPU for a while, doing nothing useful.
 *
 * Usage: cpuburn [SECONDS]       (default 5)
 *
 * Spins on the clock until SECONDS have passed (never sleeps), then prints
 * how many loop iterations it made.  Something for top to show at ~100%
 * of a hart, and a CPU-bound job for scheduling experiments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char *argv[])
{
    double seconds = argc > 1 ? atof(argv[1]) : 5.0;
    double end = now() + seconds;
    unsigned long loops = 0;
    volatile unsigned long sink = 0;
    while (now() < end) {
        for (int i = 0; i < 10000; i++)
            sink += i;
        loops++;
    }
    printf("cpuburn: %lu loops in %.1f s\n", loops, seconds);
    return 0;
}
