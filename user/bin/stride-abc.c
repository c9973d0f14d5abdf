/*
 * stride-abc: the textbook's stride example.  Three CPU-bound jobs A, B and
 * C with 100, 50 and 250 tickets start together and spin for the same
 * wall-clock time; then it prints the order in which they ran and the CPU
 * each got.
 *
 * Usage: stride-abc [SECONDS] [COPIES]     (default 2 seconds, 1 copy)
 *
 * Under `sched stride` on one hart the jobs run in the order A B C C C A C C
 * and share the CPU 2:1:5.  COPIES runs that many A, B, C groups, for
 * machines with more harts.
 *
 * The book starts the three from equal passes, all queued at once, so the
 * start is made not to depend on when each job got going:
 *   1. every job tells the parent it is about to wait at the gate (a byte on
 *      `ready`), then waits for a byte on `gate`;
 *   2. the parent, with 1 ticket (a stride of 10,000), spins until a tick
 *      charges it: its pass is then far above every job's, so on one hart
 *      each job still on its way to the gate runs (and sleeps there) before
 *      the parent runs again, and the queue's current pass is the parent's;
 *   3. one write opens the gate for all: each job wakes at the queue's
 *      current pass, the same for all, whatever a tick happened to charge
 *      one of them before the gate (a stride keeps its lead across a sleep).
 * The order is read from the kernel's switch trace, from the release on, so
 * the jobs' runs on their way to the gate do not count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <quill/sched.h>

#define MAX_JOBS 48
#define ORDER_MAX 24 /* runs of the order printed */
#define TRACE_BATCH 128

static unsigned long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000000000UL + ts.tv_nsec;
}

/* Wait for the gate (a byte from the parent), then spin for ms. */
static void job(int ready, int gate, unsigned long ms)
{
    char c = 0;
    write(ready, &c, 1);
    read(gate, &c, 1);
    unsigned long end = now_ns() + ms * 1000000UL;
    while (now_ns() < end)
        ;
    _exit(0);
}

/* Until every one of n jobs has said it is at the gate. */
static int wait_ready(int ready, int n)
{
    char buf[MAX_JOBS];
    for (int got = 0; got < n;) {
        int r = read(ready, buf, n - got);
        if (r <= 0)
            return -1;
        got += r;
    }
    return 0;
}

/* With 1 ticket, spin until a timer tick charges the caller (step 2 above). */
static void take_one_tick(void)
{
    struct schedinfo me;
    int mine = tickets(TICKETS_GET, 0, 0);
    if (schedinfo(0, &me) < 0)
        return;
    unsigned long start = me.cpu;
    tickets(TICKETS_SET, 0, 1);
    while (schedinfo(0, &me) == 0 && me.cpu == start)
        ;
    tickets(TICKETS_SET, 0, mine);
}

/* One byte for each of n jobs, in one write: every job is woken by it. */
static void open_gate(int fd, int n)
{
    static const char go[MAX_JOBS];
    write(fd, go, n);
    close(fd);
}

/* The name of the job pid is, or 0 if it is not one. */
static char job_name(int pid, const pid_t *pids, int n)
{
    for (int i = 0; i < n; i++)
        if (pids[i] == pid)
            return "ABC"[i % 3];
    return 0;
}

/* Which jobs the trace shows switched in from release_ns on, in order. */
static void print_order(unsigned long release_ns, const pid_t *pids, int n)
{
    static struct sched_event ev[TRACE_BATCH];
    char order[ORDER_MAX + 1];
    int len = 0;
    unsigned long seq = 0;
    for (;;) {
        long got = schedtrace(ev, TRACE_BATCH, seq);
        if (got <= 0)
            break;
        for (long i = 0; i < got && len < ORDER_MAX; i++) {
            char name = job_name(ev[i].pid_in, pids, n);
            if (ev[i].ns >= release_ns && name)
                order[len++] = name;
        }
        seq = ev[got - 1].seq + 1;
    }
    order[len] = '\0';
    printf("order: %s\n", len ? order : "(not in the trace)");
}

int main(int argc, char *argv[])
{
    static const int share[3] = {100, 50, 250};
    static const char names[3] = {'A', 'B', 'C'};
    unsigned long ms = (argc > 1 ? strtoul(argv[1], NULL, 10) : 2) * 1000;
    int copies = argc > 2 ? atoi(argv[2]) : 1, n = 0, gate[2], ready[2];
    pid_t pid[MAX_JOBS];
    struct schedinfo si[MAX_JOBS];
    if (copies < 1 || copies * 3 > MAX_JOBS) {
        fprintf(stderr, "usage: stride-abc [SECONDS] [COPIES 1..16]\n");
        return 1;
    }
    if (pipe(gate) < 0 || pipe(ready) < 0) {
        perror("stride-abc: pipe");
        return 1;
    }
    int mine = tickets(TICKETS_GET, 0, 0);
    for (int c = 0; c < copies; c++) {
        for (int j = 0; j < 3; j++, n++) {
            tickets(TICKETS_SET, 0, share[j]); /* the child inherits them */
            if ((pid[n] = fork()) == 0) {
                close(gate[1]);
                close(ready[0]);
                job(ready[1], gate[0], ms);
            }
            if (pid[n] < 0) {
                perror("stride-abc: fork");
                return 1;
            }
        }
    }
    tickets(TICKETS_SET, 0, mine);
    close(gate[0]);
    close(ready[1]);
    if (wait_ready(ready[0], n) < 0) {
        fprintf(stderr, "stride-abc: a job did not start\n");
        return 1;
    }
    take_one_tick();
    unsigned long release_ns = now_ns();
    open_gate(gate[1], n); /* every job starts now */
    for (int i = 0; i < n; i++) {
        while (schedinfo(pid[i], &si[i]) == 0 && si[i].state != 'Z')
            nanosleep(&(struct timespec){0, 10000000}, NULL);
        waitpid(pid[i], NULL, 0);
    }
    unsigned long total = 0;
    for (int i = 0; i < n; i++)
        total += si[i].cpu;
    print_order(release_ns, pid, n);
    printf("job tickets  pid   cpu  share\n");
    for (int i = 0; i < n; i++) {
        unsigned long permille = total ? si[i].cpu * 1000 / total : 0;
        printf("  %c %7d %4d %5lu %3lu.%lu%%\n", names[i % 3], si[i].tickets, pid[i], si[i].cpu,
               permille / 10, permille % 10);
    }
    return 0;
}
