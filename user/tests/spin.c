/*
 * spin: burn CPU in user mode, without system calls, until killed (or for
 * SECONDS seconds of wall-clock time, checked now and then).  Used by the
 * tests of ^C and of signals to a process running on another hart.
 *
 * Usage: spin [SECONDS]
 */
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    double limit = argc > 1 ? atof(argv[1]) : 0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (volatile unsigned long i = 0;; i++) {
        if (limit > 0 && (i & 0xfffff) == 0) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            if ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 >= limit)
                return 0;
        }
    }
}
