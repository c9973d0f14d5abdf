/*
 * sigtest: the in-guest test of signals, process groups and job control
 * (docs/signals.md).  Each test runs in its own child process, so a test that
 * goes wrong (or dies of a signal it should have caught) fails alone:
 *
 *     sigtest            run every test; "sigtest NAME: OK" / "FAILED (why)"
 *     sigtest NAME...    run only those
 *     sigtest --bench    time a signal to oneself against a bare system call
 *
 * The last line is "sigtest: ALL PASSED" or "sigtest: N FAILED"; the exit
 * status is 0 only if every test passed.  Whole run: a few seconds.
 *
 * The tests live in group files beside this one, one idea each (handlers.c,
 * faults.c, frames.c, eintr.c, children.c, kill.c, exec.c), handed to this
 * runner by SIGTEST_REGISTER (sigtest.h); they run in group (link) order.
 */
#include "sigtest.h"

/* Every group's descriptor, gathered by the linker (SIGTEST_REGISTER). */
extern const struct sigtest_group __start_sigtests[], __stop_sigtests[];

static bool selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return true;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

static int run_one(const struct sigtest *t)
{
    printf("sigtest %s: ", t->name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        t->fn();
        _exit(0);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid) {
        printf("FAILED (fork/wait: errno %d)\n", errno);
        return 1;
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        printf("OK\n");
        return 0;
    }
    if (WIFSIGNALED(st))
        printf("FAILED (killed by %s)\n", strsignal(WTERMSIG(st)));
    else
        printf("FAILED\n");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--exec-child") == 0)
        return sigtest_exec_child();
    if (argc == 2 && strcmp(argv[1], "--bench") == 0)
        return sigtest_bench();
    setvbuf(stdout, NULL, _IONBF, 0);
    int failed = 0;
    for (const struct sigtest_group *g = __start_sigtests; g < __stop_sigtests; g++)
        for (int i = 0; i < g->count; i++)
            if (selected(g->tests[i].name, argc, argv))
                failed += run_one(&g->tests[i]);
    if (failed)
        printf("sigtest: %d FAILED\n", failed);
    else
        printf("sigtest: ALL PASSED\n");
    return failed != 0;
}
