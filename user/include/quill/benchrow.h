/*
 * <quill/benchrow.h>: the table-driven harness of the benchmark programs
 * (bench, vmbench; user/lib/benchrow.c).  A program lists its rows; the
 * harness parses `PROG [-l] [-n OPS] [ROW...]`, runs the rows and prints one
 * line per row:
 *
 *   ROW  WHAT  INSTRET/UNIT  NS/UNIT  COUNT UNIT
 *
 * INSTRET is the difference of the `instret` counter (rdinstret; the kernel
 * lets user mode read it through scounteren), NS of CLOCK_MONOTONIC.  Under
 * `qemu -icount shift=0` (`make bench ICOUNT=1`) instret is QEMU's virtual
 * instruction clock: every instruction retired, user and kernel, one unit
 * each, plus the virtual time the machine spends idle (waiting for a disk),
 * so a row that never waits gives the same figure on every run of the same
 * kernel.  Without -icount it follows the host's cycle counter and only the
 * ns column is worth reading.  Output ends with "PROG: done"; a row that
 * cannot run says why on a "PROG ROW: error ..." line and the exit status
 * is 1.
 */
#ifndef QUILL_BENCHROW_H
#define QUILL_BENCHROW_H

#include <stddef.h>
#include <stdint.h>

/* What a row measured: the sum of the intervals between bench_start and
 * bench_stop (a row may time one part of each iteration only). */
struct bench_sample {
    uint64_t instret, ns;             /* totals */
    uint64_t start_instret, start_ns; /* the open interval */
};

struct bench_row {
    const char *name;
    const char *what;
    const char *unit; /* what one counted operation is */
    long ops;         /* default number of operations */
    /* Runs ops operations, timing them with bench_start/bench_stop into *m
     * (zeroed before); returns the units to divide by, or -1 with errno. */
    long (*run)(long ops, struct bench_sample *m);
};

void bench_start(struct bench_sample *m);
void bench_stop(struct bench_sample *m);
/* The whole program: parse the arguments, run the rows, return the exit status. */
int bench_main(const char *prog, const struct bench_row *rows, size_t nrows, int argc,
               char *argv[]);

#endif
