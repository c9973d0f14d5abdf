/*
 * sched-share: how CPU-bound jobs share the harts, measured over a window
 * in which every job spins and none changes hart.  Each job is given by
 * its parameters: tN (N tickets) and/or nN (nice N), joined by commas,
 * e.g. `t300`, `n5`, `t100,n-2`.
 *
 * Usage: sched-share SECONDS JOB...        (at most 32 jobs)
 *
 * The jobs start together at a gate (one byte each on a pipe) and spin
 * until they are killed.  The parent lets them settle for half a second
 * (an idle hart steals and the periodic balancing spreads them), then
 * measures windows of SECONDS: at each end it reads every job's CPU ticks
 * (schedinfo) in one pass that no tick interrupts (it reads again if one
 * did), and it reads the switch trace of the window to see on which harts
 * each job ran.  A window in which some job ran on two harts is measured
 * again (three times at most, then reported as it is), since with per-hart
 * run queues a job's share is set by the jobs of its own hart; with one
 * shared queue (runq=global) jobs change harts all the time and the first
 * window counts.
 *
 * For each job it prints its parameters, the hart it ran on in the window
 * (-1: it ran on several), its CPU ticks in the window and its share of
 * all the jobs' ticks.  The policy's rule then says what each should get:
 * on one queue (one hart, or bootargs runq=global) lottery and stride
 * share by tickets, CFS by the weights of the nice values; with per-hart
 * queues the same holds among the jobs of each hart.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <quill/sched.h>
#include <quill/syscall.h>
#include <quill/sysinfo.h>

#define MAX_JOBS 32
#define MAX_WINDOWS 3
#define TRACE_BATCH 128
#define SETTLE_MS 500

struct job {
    int tickets; /* 0: inherited */
    int nice;
    int has_nice;
    pid_t pid;
    unsigned long cpu0, cpu1; /* CPU ticks at the window's start and end */
    unsigned harts;           /* bit h: switched in on hart h in the window */
};

static unsigned long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000000000UL + ts.tv_nsec;
}

static unsigned long now_ticks(void)
{
    struct ksysinfo si;
    return sysinfo(&si) < 0 ? 0 : si.ticks;
}

static void sleep_ms(unsigned long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) < 0)
        ;
}

/* "t100,n5" into j: 0, or -1 if it is not a job's spelling. */
static int parse_job(const char *spec, struct job *j)
{
    memset(j, 0, sizeof(*j));
    for (const char *p = spec; *p;) {
        char key = *p++, *end;
        long v = strtol(p, &end, 10);
        if (end == p)
            return -1;
        if (key == 't' && v >= 1 && v <= TICKETS_MAX)
            j->tickets = (int)v;
        else if (key == 'n' && v >= NICE_MIN && v <= NICE_MAX) {
            j->nice = (int)v;
            j->has_nice = 1;
        } else
            return -1;
        p = end;
        if (*p == ',')
            p++;
        else if (*p)
            return -1;
    }
    return 0;
}

/* A job: take its parameters, wait at the gate, spin until killed. */
static void job_run(const struct job *j, int gate)
{
    char c;
    if (j->tickets)
        tickets(TICKETS_SET, 0, j->tickets);
    if (j->has_nice)
        setpriority(PRIO_PROCESS, 0, j->nice);
    read(gate, &c, 1);
    for (;;)
        ;
}

/*
 * Every job's CPU ticks, read in one pass between two equal readings of the
 * tick count (hart 0's): a pass that a tick or a preemption of the parent
 * interrupted is read again.  A pass takes far less than a tick, so another
 * hart's tick lands in it now and then: a job's count is a tick off at most.
 * 0, or -1 if a job is gone.
 */
static int snapshot(struct job *jobs, int n, int end)
{
    struct schedinfo si;
    for (int tries = 0; tries < 100; tries++) {
        unsigned long t0 = now_ticks();
        for (int i = 0; i < n; i++) {
            if (schedinfo(jobs[i].pid, &si) < 0)
                return -1;
            if (end)
                jobs[i].cpu1 = si.cpu;
            else
                jobs[i].cpu0 = si.cpu;
        }
        if (now_ticks() == t0)
            return 0;
    }
    return 0; /* ticks kept landing: the last pass is as good as any */
}

/* The harts each job was switched in on, from the trace's events in [from, to]. */
static void harts_in_window(struct job *jobs, int n, unsigned long from, unsigned long to)
{
    static struct sched_event ev[TRACE_BATCH];
    unsigned long seq = 0;
    for (int i = 0; i < n; i++)
        jobs[i].harts = 0;
    for (;;) {
        long got = schedtrace(ev, TRACE_BATCH, seq);
        if (got <= 0)
            break;
        for (long k = 0; k < got; k++) {
            if (ev[k].ns < from || ev[k].ns > to || ev[k].hart < 0 || ev[k].hart >= 32)
                continue;
            for (int i = 0; i < n; i++)
                if (jobs[i].pid == ev[k].pid_in)
                    jobs[i].harts |= 1u << ev[k].hart;
        }
        seq = ev[got - 1].seq + 1;
    }
}

/* The one hart a job ran on in the window, or -1. */
static int job_hart(const struct job *j, pid_t pid)
{
    unsigned h = j->harts;
    if (h == 0) { /* it was never switched: it ran all along where it was */
        struct schedinfo si;
        return schedinfo(pid, &si) == 0 ? si.hart : -1;
    }
    if (h & (h - 1))
        return -1;
    return __builtin_ctz(h);
}

/* True if every hart shares one run queue (the policy's description says so). */
static int one_queue(void)
{
    char buf[SCHED_POLICY_MAX];
    return sched_policy(NULL, buf, sizeof(buf)) >= 0 && strstr(buf, "runq=global") != NULL;
}

static int measure(struct job *jobs, int n, unsigned long ms)
{
    int windows = one_queue() ? 1 : MAX_WINDOWS;
    for (int w = 0; w < windows; w++) {
        unsigned long from = now_ns();
        if (snapshot(jobs, n, 0) < 0)
            return -1;
        sleep_ms(ms);
        if (snapshot(jobs, n, 1) < 0)
            return -1;
        harts_in_window(jobs, n, from, now_ns());
        int moved = 0;
        for (int i = 0; i < n; i++)
            moved |= job_hart(&jobs[i], jobs[i].pid) < 0;
        if (!moved || w + 1 == windows)
            return 0;
        printf("# a job changed hart in window %d: measuring again\n", w + 1);
    }
    return 0;
}

static void report(const struct job *jobs, int n, const char *const *specs)
{
    unsigned long total = 0;
    for (int i = 0; i < n; i++)
        total += jobs[i].cpu1 - jobs[i].cpu0;
    printf("job spec        pid hart   cpu  share\n");
    for (int i = 0; i < n; i++) {
        unsigned long cpu = jobs[i].cpu1 - jobs[i].cpu0;
        unsigned long permille = total ? cpu * 1000 / total : 0;
        printf("%3d %-10s %4d %4d %5lu %3lu.%lu%%\n", i, specs[i], jobs[i].pid,
               job_hart(&jobs[i], jobs[i].pid), cpu, permille / 10, permille % 10);
    }
    printf("total %lu\n", total);
}

int main(int argc, char *argv[])
{
    static struct job jobs[MAX_JOBS];
    int n = argc - 2, gate[2];
    unsigned long ms = argc > 1 ? strtoul(argv[1], NULL, 10) * 1000 : 0;
    if (argc < 3 || ms == 0 || n > MAX_JOBS) {
        fprintf(stderr, "usage: sched-share SECONDS JOB... (JOB: tN,nN; at most %d)\n", MAX_JOBS);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        if (parse_job(argv[i + 2], &jobs[i]) < 0) {
            fprintf(stderr, "sched-share: bad job '%s' (tTICKETS, nNICE, joined by commas)\n",
                    argv[i + 2]);
            return 1;
        }
    }
    if (pipe(gate) < 0) {
        perror("sched-share: pipe");
        return 1;
    }
    int started = 0, rc = 0;
    for (; started < n; started++) {
        if ((jobs[started].pid = fork()) == 0) {
            close(gate[1]);
            job_run(&jobs[started], gate[0]);
        }
        if (jobs[started].pid < 0) {
            perror("sched-share: fork");
            rc = 1;
            break;
        }
    }
    close(gate[0]);
    if (rc == 0) {
        static const char go[MAX_JOBS];
        write(gate[1], go, n); /* a byte for each: none waits for another */
        sleep_ms(SETTLE_MS);
        if (measure(jobs, n, ms) < 0) {
            perror("sched-share: schedinfo");
            rc = 1;
        } else
            report(jobs, n, (const char *const *)&argv[2]);
    }
    close(gate[1]);
    for (int i = 0; i < started; i++)
        kill(jobs[i].pid, SIGKILL);
    for (int i = 0; i < started; i++)
        waitpid(jobs[i].pid, NULL, 0);
    return rc;
}
