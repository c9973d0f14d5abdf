/*
 * top: the processes and what they use, refreshed.
 *
 * Usage: top [-n COUNT] [-d SECONDS] [-b]
 *   -n COUNT    refresh COUNT times, then exit (default 20; 0: until killed)
 *   -d SECONDS  between refreshes (default 1)
 *   -b          batch: do not clear the screen, just print one table after
 *               another (for logs and tests)
 *
 *     top: up 0:01:05, 2 harts, 5 processes (max 64), tick 10 ms
 *     Mem: 131072K total, 121856K free, 412K in processes
 *       PID  PPID S HART  %CPU   TICKS   SIZE NAME
 *         7     3 R    1  99.0     412    24K spin
 *
 * From sysinfo() and getprocs().  S is the state as in ps (R running,
 * r runnable, S sleeping, Z zombie, E embryo); HART is the hart it runs on
 * (R) or last ran on.  %CPU is the share of one hart it used since the
 * previous refresh (since boot for the first): the CPU time it ran (exact,
 * procinfo.cpu_ns) over the time that passed, so a process spinning on one
 * hart shows ~100 and the sum over all may reach 100 x harts.  TICKS is the
 * sampled count (the timer tick charges whoever runs): it can fall behind
 * when an emulated hart misses ticks.  Rows are sorted by %CPU, then pid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <quill/procinfo.h>
#include <quill/syscall.h>
#include <quill/sysinfo.h>

#define TOP_MAX_PROCS 1024

struct row {
    struct procinfo p;
    double share;
};

static struct procinfo prev[TOP_MAX_PROCS];
static int nprev;
static unsigned long prev_uptime_ns;

/* CPU time the process with this pid had at the previous refresh. */
static unsigned long prev_cpu_ns_of(int pid)
{
    for (int i = 0; i < nprev; i++)
        if (prev[i].pid == pid)
            return prev[i].cpu_ns;
    return 0;
}

static int by_share(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->share != y->share)
        return x->share < y->share ? 1 : -1;
    return x->p.pid - y->p.pid;
}

static void print_header(const struct ksysinfo *si)
{
    unsigned long s = si->uptime_ns / 1000000000UL;
    printf("top: up %lu:%02lu:%02lu, %u hart%s, %u processes (max %u), tick %lu ms\n", s / 3600,
           s / 60 % 60, s % 60, si->ncpu, si->ncpu == 1 ? "" : "s", si->nprocs, si->max_procs,
           si->tick_ns / 1000000UL);
    printf("Mem: %luK total, %luK free, %luK in processes\n", si->mem_total / 1024,
           si->mem_free / 1024, si->mem_user / 1024);
}

/* One refresh; -1 if a system call failed. */
static int refresh(struct row *rows, struct procinfo *now, int batch)
{
    struct ksysinfo si;
    if (sysinfo(&si) < 0) {
        perror("top: sysinfo");
        return -1;
    }
    int n = getprocs(now, TOP_MAX_PROCS);
    if (n < 0) {
        perror("top: getprocs");
        return -1;
    }
    unsigned long elapsed = si.uptime_ns - prev_uptime_ns;
    for (int i = 0; i < n; i++) {
        rows[i].p = now[i];
        unsigned long used = now[i].cpu_ns - prev_cpu_ns_of(now[i].pid);
        rows[i].share = elapsed ? 100.0 * (double)used / (double)elapsed : 0.0;
    }
    qsort(rows, n, sizeof(*rows), by_share);
    if (!batch)
        printf("\033[H\033[2J");
    print_header(&si);
    printf("  PID  PPID S HART  %%CPU   TICKS   SIZE NAME\n");
    for (int i = 0; i < n; i++) {
        const struct procinfo *p = &rows[i].p;
        char hart[12] = "-";
        if (p->cpu >= 0)
            snprintf(hart, sizeof(hart), "%d", p->cpu);
        printf("%5d %5d %c %4s %5.1f %7lu %5luK %.*s\n", p->pid, p->ppid, p->state, hart,
               rows[i].share, p->ticks, p->size / 1024, (int)sizeof(p->name), p->name);
    }
    if (batch)
        printf("\n");
    fflush(stdout);
    memcpy(prev, now, n * sizeof(*now));
    nprev = n;
    prev_uptime_ns = si.uptime_ns;
    return 0;
}

int main(int argc, char *argv[])
{
    long count = 20;
    double delay = 1.0;
    int batch = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-b")) {
            batch = 1;
        } else if (i + 1 < argc && !strcmp(argv[i], "-n")) {
            count = atol(argv[++i]);
        } else if (i + 1 < argc && !strcmp(argv[i], "-d")) {
            delay = atof(argv[++i]);
        } else {
            fprintf(stderr, "usage: top [-n COUNT] [-d SECONDS] [-b]\n");
            return 2;
        }
    }
    if (delay < 0.01)
        delay = 0.01;
    struct row *rows = malloc(TOP_MAX_PROCS * sizeof(*rows));
    struct procinfo *now = malloc(TOP_MAX_PROCS * sizeof(*now));
    if (!rows || !now) {
        fprintf(stderr, "top: out of memory\n");
        return 1;
    }
    for (long k = 0; count == 0 || k < count; k++) {
        if (k > 0) {
            struct timespec ts = {(time_t)delay, (long)((delay - (long)delay) * 1e9)};
            nanosleep(&ts, NULL);
        }
        if (refresh(rows, now, batch) < 0)
            return 1;
    }
    return 0;
}
