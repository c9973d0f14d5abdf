/*
 * sysfuzz: a seeded system-call fuzzer.  Forked children make random calls
 * with adversarial arguments; afterwards the kernel must be alive, every
 * frame back (memfree as before the run) and, checked from the host, the
 * file system clean.
 *
 *   sysfuzz [-s seed] [-n calls] [-t seconds] [-j parallel] [-c calls-per-child]
 *   sysfuzz -s seed -C child -v     replay one child, printing every call
 *   sysfuzz -x name ...             leave these calls out (to narrow down a finding)
 *   sysfuzz -l                      list the table: each call's argument kinds
 *   sysfuzz -F n                    n processes fork and reap forever (for the
 *                                   power-off-while-forking test)
 *
 * The table of calls is kernel/abi/syscalls.def itself (an X-macro): each
 * line's parameter list, as text, says what to pass.  A parameter's type and
 * name give its kind (a path, a pointer, a descriptor, a size, flags, a pid,
 * a signal...), so a call added to syscalls.def is fuzzed with no edit here.
 * A few calls get a hint (see `hints` below), each with its reason.
 *
 * Determinism: child k of seed s draws from its own generator seeded by
 * (s, k), and the number of draws per call does not depend on results, so a
 * seed always makes the same calls with the same arguments (values the
 * kernel returned, like pids and descriptors, can differ between runs).
 *
 * Containment: every path stays inside the child's scratch directory
 * /sysfuzz.<pid>/c<k> (relative paths have no "..", absolute ones start with
 * the scratch directory; the only others are "/", and lookups that must fail),
 * pids are the child itself, its own children, or pids that cannot exist.
 * A child blocked in the kernel for a while (a read of a pipe whose write end
 * it holds itself, a long nanosleep) is killed by the parent: that is normal,
 * and counted.  A child that is not gone 20 s after SIGKILL is a failure.
 *
 * Each child reports the calls it made through a pipe (2 bytes a call: table
 * index and success bit), so the counts stay right when a child dies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <quill/syscall.h>
#include "fuzz.h"

/* -F n: n processes fork and reap children forever (until killed). */
static void fork_storm(int n)
{
    for (int i = 1; i < n; i++)
        if (fork() == 0)
            break;
    for (;;) {
        int pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid > 0)
            waitpid(pid, NULL, 0);
    }
}

static void usage(void)
{
    fprintf(stderr,
            "usage: sysfuzz [-s seed] [-n calls] [-t seconds] [-j parallel 1-%d] "
            "[-c calls-per-child] [-x call]... [-C child [-v]] | -l | -F processes\n",
            MAX_JOBS);
    exit(2);
}

int main(int argc, char **argv)
{
    struct options o = {1, 100000, 0, 2, 400, -1, 0};
    bool list = false;
    int c;
    const char *exclude[16];
    int nexclude = 0;
    while ((c = getopt(argc, argv, "s:n:t:j:c:C:vlF:x:")) != -1) {
        switch (c) {
        case 's':
            o.seed = strtoull(optarg, NULL, 0);
            break;
        case 'n':
            o.calls = strtol(optarg, NULL, 0);
            break;
        case 't':
            o.seconds = strtol(optarg, NULL, 0);
            break;
        case 'j':
            o.jobs = atoi(optarg);
            break;
        case 'c':
            o.chunk = atoi(optarg);
            break;
        case 'C':
            o.only = atoi(optarg);
            break;
        case 'v':
            child_tracing = true;
            break;
        case 'l':
            list = true;
            break;
        case 'F':
            o.forkers = atoi(optarg);
            break;
        case 'x':
            if (nexclude < 16)
                exclude[nexclude++] = optarg;
            break;
        default:
            usage();
        }
    }
    if (o.jobs < 1 || o.jobs > MAX_JOBS || o.chunk < 1 || o.chunk > CHUNK_MAX ||
        table_ncalls > MAX_CALLS)
        usage();
    if (o.forkers > 0)
        fork_storm(o.forkers);
    table_init();
    for (int i = 0; i < nexclude; i++)
        for (int k = 0; k < table_ncalls; k++)
            if (strcmp(table_calls[k].name, exclude[i]) == 0) {
                table_calls[k].flags |= H_SKIP;
                table_calls[k].why = "-x on the command line";
            }
    if (list) {
        table_list();
        return 0;
    }
    snprintf(parent_root_dir, sizeof(parent_root_dir), "/sysfuzz.%d", getpid());
    if (mkdir(parent_root_dir, 0755) != 0) {
        printf("sysfuzz: cannot make %s: %s\n", parent_root_dir, strerror(errno));
        return 1;
    }
    printf("sysfuzz: seed %llu, %s%ld calls, %d at a time, %d per child\n",
           (unsigned long long)o.seed, o.seconds ? "at most " : "", o.calls, o.jobs, o.chunk);
    check_warm_up();
    long base_size = check_own_size(), before = check_memfree(), start = parent_now_ns();
    check_kernel_mem(0, before);
    parent_run(&o);
    long secs = (parent_now_ns() - start) / 1000000000L;
    check_alive();
    parent_rmtree(parent_root_dir, 0);
    long after = check_settled_memfree(before, base_size);
    check_kernel_mem(1, after);
    check_report(&o, secs, before, after, base_size);
    /* More free than before is no leak (a page counted resident twice). */
    if (after < before && !check_mem_held())
        parent_failure("%ld frames leaked (free frames %ld before the run, %ld after)",
                       before - after, before, after);
    printf("sysfuzz: %s\n", parent_tot.failures ? "FAIL" : "PASS");
    return parent_tot.failures ? 1 : 0;
}
