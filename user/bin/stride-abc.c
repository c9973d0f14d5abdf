/*
 * stride-abc: the textbook's stride example.  Three CPU-bound jobs A, B and
 * C with 100, 50 and 250 tickets start together and spin for the same
 * wall-clock time; then each reports the CPU it got.
 *
 * Usage: stride-abc [SECONDS] [COPIES]     (default 2 seconds, 1 copy)
 *
 * Under `sched stride` on one hart the jobs run in the order A B C C C A C C
 * (`schedtrace stride-abc` shows it) and share the CPU 2:1:5.  COPIES runs
 * that many A, B, C groups, for machines with more harts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <quill/sched.h>

#define MAX_JOBS 48

static unsigned long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One byte for each of n jobs: none waits for another to get going. */
static void open_gate(int fd, int n)
{
    static const char go[MAX_JOBS];
    write(fd, go, n);
    close(fd);
}

/* Wait for the gate (a byte from the parent), then spin for ms. */
static void job(int gate, unsigned long ms)
{
    char c;
    read(gate, &c, 1);
    unsigned long end = now_ms() + ms;
    while (now_ms() < end)
        ;
    _exit(0);
}

int main(int argc, char *argv[])
{
    static const int share[3] = {100, 50, 250};
    static const char names[3] = {'A', 'B', 'C'};
    unsigned long ms = (argc > 1 ? strtoul(argv[1], NULL, 10) : 2) * 1000;
    int copies = argc > 2 ? atoi(argv[2]) : 1, n = 0, fds[2];
    pid_t pid[MAX_JOBS];
    struct schedinfo si[MAX_JOBS];
    if (copies < 1 || copies * 3 > MAX_JOBS || pipe(fds) < 0) {
        fprintf(stderr, "usage: stride-abc [SECONDS] [COPIES 1..16]\n");
        return 1;
    }
    int mine = tickets(TICKETS_GET, 0, 0);
    for (int c = 0; c < copies; c++) {
        for (int j = 0; j < 3; j++, n++) {
            tickets(TICKETS_SET, 0, share[j]); /* the child inherits them */
            if ((pid[n] = fork()) == 0) {
                close(fds[1]);
                job(fds[0], ms);
            }
        }
    }
    tickets(TICKETS_SET, 0, mine);
    close(fds[0]);
    open_gate(fds[1], n); /* every job starts now */
    for (int i = 0; i < n; i++) {
        while (schedinfo(pid[i], &si[i]) == 0 && si[i].state != 'Z')
            nanosleep(&(struct timespec){0, 10000000}, NULL);
        waitpid(pid[i], NULL, 0);
    }
    unsigned long total = 0;
    for (int i = 0; i < n; i++)
        total += si[i].cpu;
    printf("job tickets  pid   cpu  share\n");
    for (int i = 0; i < n; i++) {
        unsigned long permille = total ? si[i].cpu * 1000 / total : 0;
        printf("  %c %7d %4d %5lu %3lu.%lu%%\n", names[i % 3], si[i].tickets, pid[i], si[i].cpu,
               permille / 10, permille % 10);
    }
    return 0;
}
