/*
 * ps: list the processes.
 *
 * Usage: ps
 *
 * One line per process, from the Quill system call getprocs():
 *
 *     PID  PPID S HART   SIZE  TICKS  NI TICKETS LVL NAME
 *       1     0 S    0    24K      3   0     100   0 init
 *
 * S is the state: R running (on a CPU now), r runnable (ready, waiting for
 * a CPU), S sleeping (blocked), Z zombie (exited, not yet waited for),
 * T stopped (by SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU until SIGCONT),
 * E embryo (being created).  HART is the hart it runs or last ran on, SIZE
 * the user memory mapped, TICKS the CPU time used, in timer ticks; NI, the
 * nice value, TICKETS and LVL (the MLFQ level) come from schedinfo().
 */
#include <stdio.h>
#include <stdlib.h>

#ifdef __riscv
#include <quill/procinfo.h>
#include <quill/sched.h>
#include <quill/syscall.h>
#endif

int main(void)
{
#ifdef __riscv
    int max = 64, n;
    struct procinfo *procs;
    /* Ask for room for max processes; if all of it was used, there may be more. */
    for (;;) {
        procs = malloc(max * sizeof *procs);
        if (!procs) {
            fprintf(stderr, "ps: out of memory\n");
            return 1;
        }
        n = getprocs(procs, max);
        if (n < max)
            break;
        free(procs);
        max *= 2;
    }
    if (n < 0) {
        perror("ps: getprocs");
        return 1;
    }
    printf("  PID  PPID S HART   SIZE  TICKS  NI TICKETS LVL NAME\n");
    for (int i = 0; i < n; i++) {
        struct procinfo *p = &procs[i];
        struct schedinfo si = {0};
        if (schedinfo(p->pid, &si) < 0)
            si.hart = -1; /* reaped meanwhile */
        printf("%5d %5d %c %4d %5luK %6lu %3d %7d %3d %.*s\n", p->pid, p->ppid, p->state, si.hart,
               p->size / 1024, p->ticks, si.nice, si.tickets, si.level, (int)sizeof p->name,
               p->name);
    }
    free(procs);
    return 0;
#else
    fprintf(stderr, "ps: getprocs() is a Quill system call\n");
    return 1;
#endif
}
