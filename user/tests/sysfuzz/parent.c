/*
 * The parent: starts children a few at a time (-j), reaps and counts them,
 * and removes each child's directory.  A child asleep or stopped for
 * BLOCKED_NS (a read of a pipe whose write end it holds itself, a long
 * nanosleep, a SIGSTOP it sent itself) or running
 * over OVERRUN_NS is killed: that is normal, and counted.  A child that is
 * not gone UNKILLABLE_NS after SIGKILL is a failure.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "abi/procinfo.h"
#include "fuzz.h"

struct job {
    int pid;   /* 0: free slot */
    int index; /* child number */
    int rfd;   /* read end of its report pipe */
    long started, asleep_since, killed_at;
    const char *why; /* why the parent killed it, or NULL */
    uint64_t seed;
};

struct totals parent_tot;
static struct job jobs[MAX_JOBS];
char parent_root_dir[32];

long parent_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

void parent_msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

void parent_failure(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("sysfuzz: FAILURE: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    parent_tot.failures++;
}

/* Remove a tree the fuzzer made (whatever names and links are in it). */
void parent_rmtree(const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode) && depth < 64) {
        DIR *d = opendir(path);
        struct dirent *e;
        static char sub[64][1024];
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            if (snprintf(sub[depth], sizeof(sub[depth]), "%s/%s", path, e->d_name) <
                (int)sizeof(sub[depth]))
                parent_rmtree(sub[depth], depth + 1);
        }
        if (d)
            closedir(d);
        if (rmdir(path) != 0)
            parent_failure("cannot remove directory %s: %s", path, strerror(errno));
    } else if (unlink(path) != 0) {
        parent_failure("cannot remove %s: %s", path, strerror(errno));
    }
}

static int start_child(uint64_t seed, int k, int ncalls)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    fflush(stdout);
    int pid = fork();
    if (pid == 0) {
        close(p[0]);
        child_main(seed, k, ncalls, p[1]);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return -1;
    }
    for (int j = 0; j < MAX_JOBS; j++)
        if (!jobs[j].pid) {
            jobs[j] = (struct job){pid, k, p[0], parent_now_ns(), 0, 0, NULL, seed};
            return 0;
        }
    return -1; /* not reached: callers keep a slot free */
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* A child has been reaped: count its calls, remove its directory.  What is
 * left of its group (a stopped fork child holding the report pipe) is killed;
 * an alarm ends a read that would still wait (EINTR: no SA_RESTART). */
static void finish_child(struct job *j, int status)
{
    uint16_t rec[256];
    long n;
    bool setup_ok = true;
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    kill(-j->pid, SIGKILL);
    alarm(5);
    while ((n = read(j->rfd, rec, sizeof(rec))) > 0)
        for (long i = 0; i < n / 2; i++) {
            int index = rec[i] >> 1;
            setup_ok &= rec[i] != SETUP_FAILED;
            if (index > table_ncalls)
                continue;
            parent_tot.made[index]++;
            parent_tot.ok[index] += rec[i] & 1;
            parent_tot.calls++;
        }
    alarm(0);
    close(j->rfd);
    parent_tot.children++;
    if (j->why && strcmp(j->why, "blocked") == 0)
        parent_tot.blocked++;
    else if (j->why)
        parent_tot.overran++;
    else if (!setup_ok)
        parent_failure("child %d could not make its scratch directory", j->index);
    else if (WIFSIGNALED(status)) {
        parent_tot.by_signal++;
        parent_tot.signals[WTERMSIG(status) & 63]++;
    } else
        parent_tot.exits++;
    char dir[64];
    snprintf(dir, sizeof(dir), "%s/c%d", parent_root_dir, j->index);
    parent_rmtree(dir, 0);
    j->pid = 0;
}

/* Kill children that block on themselves or run too long; fail on unkillable ones. */
static void watch_children(void)
{
    static struct procinfo ps[128];
    int n = getprocs(ps, 128);
    long t = parent_now_ns();
    for (int j = 0; j < MAX_JOBS; j++) {
        struct job *jb = &jobs[j];
        if (!jb->pid)
            continue;
        char state = '?';
        for (int i = 0; i < n; i++)
            if (ps[i].pid == jb->pid)
                state = ps[i].state;
        if (jb->killed_at) {
            if (t - jb->killed_at > UNKILLABLE_NS && state != 'Z') {
                parent_failure(
                    "child %d (pid %d, seed %llu) still there (state %c) 20 s after SIGKILL; "
                    "given up on",
                    jb->index, jb->pid, (unsigned long long)jb->seed, state);
                close(jb->rfd);
                jb->pid = 0; /* the run goes on without it (and its frames count as leaked) */
            }
            continue;
        }
        bool idle = state == 'S' || state == 'T'; /* asleep, or stopped by a signal it sent */
        if (idle && !jb->asleep_since)
            jb->asleep_since = t;
        else if (!idle)
            jb->asleep_since = 0;
        const char *why = NULL;
        if (jb->asleep_since && t - jb->asleep_since > BLOCKED_NS)
            why = "blocked";
        else if (t - jb->started > OVERRUN_NS)
            why = "overran";
        if (why) {
            jb->why = why;
            jb->killed_at = t;
            kill(jb->pid, SIGKILL);
            if (strcmp(why, "overran") == 0) /* rare: worth a look */
                printf("sysfuzz: child %d ran over %ld s; replay: sysfuzz -s %llu -C %d -v\n",
                       jb->index, OVERRUN_NS / 1000000000L, (unsigned long long)jb->seed,
                       jb->index);
        }
    }
}

static int running(void)
{
    int n = 0;
    for (int j = 0; j < MAX_JOBS; j++)
        n += jobs[j].pid != 0;
    return n;
}

/* Reap what has exited (WNOHANG); true if something was. */
static bool reap_some(void)
{
    int status;
    bool any = false;
    int pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        any = true;
        for (int j = 0; j < MAX_JOBS; j++)
            if (jobs[j].pid == pid)
                finish_child(&jobs[j], status);
    }
    return any;
}

void parent_run(const struct options *o)
{
    long deadline = o->seconds ? parent_now_ns() + o->seconds * 1000000000L : 0;
    int next = o->only >= 0 ? o->only : 0;
    int last = o->only >= 0 ? o->only + 1 : 0x7fffffff;
    long planned = 0;
    for (;;) {
        bool more = next < last && (o->only >= 0 || planned < o->calls) &&
                    (!deadline || parent_now_ns() < deadline);
        if (more && running() < o->jobs) {
            if (start_child(o->seed, next, o->chunk) == 0) {
                next++;
                planned += o->chunk;
                continue;
            }
            parent_msleep(20); /* out of processes for now (EAGAIN): wait for some to go */
        }
        if (!more && running() == 0)
            break;
        if (!reap_some()) {
            watch_children();
            parent_msleep(10);
        }
    }
}
