/*
 * sigtest's shared pieces: the scaffolding every group of tests uses (fail
 * and CHECK end the test's child process with a reason; fork, wait, sleep
 * and sigaction wrappers), the state handlers write, and the way a group
 * file hands its tests to the runner (main.c).
 *
 * A group file (handlers.c, eintr.c, ...) holds the tests of one idea:
 *
 *     #include "sigtest.h"
 *     static void test_thing(void) { ... CHECK(cond, "fmt", ...); ... }
 *     static const struct sigtest thing_tests[] = {{"thing", test_thing}};
 *     SIGTEST_REGISTER(thing_tests);
 *
 * Each test runs in a child process of its own, so the state below starts
 * at zero for every test.
 */
#ifndef SIGTEST_H
#define SIGTEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <quill/syscall.h>
#include "abi/procinfo.h"

/* ---- tests and groups ---- */

struct sigtest {
    const char *name; /* `sigtest NAME` runs it */
    void (*fn)(void); /* runs in a child; returning passes */
};

struct sigtest_group {
    const struct sigtest *tests;
    int count;
};

/* Put a group's table in the section sigtests; the linker gathers it from
 * every file and defines __start_sigtests / __stop_sigtests around it.
 * Groups come in link order (the files' names, sorted). */
#define SIGTEST_REGISTER(array)                                                                    \
    static const struct sigtest_group sigtest_group_##array                                        \
        __attribute__((used, section("sigtests"), aligned(sizeof(void *)))) = {                    \
            array, (int)(sizeof(array) / sizeof((array)[0]))}

/* ---- scaffolding (util.c) ---- */

/* End the test: print "(reason) " and exit 1. */
void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
#define CHECK(c, ...)                                                                              \
    do {                                                                                           \
        if (!(c))                                                                                  \
            fail(__VA_ARGS__);                                                                     \
    } while (0)

double now_s(void);  /* monotonic seconds */
void msleep(int ms); /* sleeps the whole time, across signals */
/* Install a handler (sa_handler / sa_sigaction with SA_SIGINFO). */
void on(int sig, void (*h)(int), int flags);
void on_info(int sig, void (*h)(int, siginfo_t *, void *), int flags);
pid_t xfork(void);
int xwait(pid_t pid); /* its wait status */
/* A child that sends sig to the caller after ms milliseconds, then exits. */
pid_t signal_parent_later(int ms, int sig);

/* ---- what handlers record ---- */

extern volatile sig_atomic_t got; /* count() adds one; others store here */
extern volatile siginfo_t last_info;
void count(int sig);
/* Stores *si in last_info and the signal number in got. */
void info_handler(int sig, siginfo_t *si, void *uc);

/* After exec: the check run by fork-exec-rules (exec.c); its exit status. */
int sigtest_exec_child(void);
/* sigtest --bench (bench.c). */
int sigtest_bench(void);

#endif
