/*
 * usertests: the kernel tested from user space, through its system calls.
 *
 *   usertests [-q] [-l] [-x name]... [name ...]
 *
 * Each test is a function run in a child process inside its own scratch
 * directory (WORK/<name>); the child's exit status is the verdict: 0 passes,
 * anything else fails, except that a test listed with a signal must die by that
 * signal (the fault tests).  fail() says why.  -q runs the quick tests only, the
 * default runs quick and slow, names run just those; -x leaves one out; -l lists the tests.  At the
 * end the free-frame count (memfree) must be back at least where it started: a leak of
 * even one page fails the run.  Output, one line per test:
 *
 *   test NAME: OK
 *   test NAME: FAILED (reason)
 *   ...
 *   ALL TESTS PASSED            (exit 0)   or   SOME TESTS FAILED (exit 1)
 *
 * The tests live in group files beside this one (proc.c, mem.c, fs.c, ...),
 * each with a table handed over by UT_REGISTER (ut.h); this file is the runner.
 * It collects every group's tests at start-up, quick tests first, then slow
 * ones, each set in group (link) order, and refuses to start if two tests
 * share a name.  The program also builds on a Linux host (see ut.h) to debug
 * the tests.  docs/usertests.md lists what each test checks.
 */
#include "ut.h"
#if QUILL
#include <quill/memcheck.h>
#endif

static char workdir[256];

/* Every group's descriptor, gathered by the linker (UT_REGISTER). */
extern const struct ut_group __start_ut_groups[], __stop_ut_groups[];

enum { MAX_TESTS = 512 };
static const struct ut_test *tests[MAX_TESTS]; /* quick ones first, then slow */
static int ntests;

/* Fill tests[] from the groups; 0, or -1 after saying what is wrong. */
static int collect_tests(void)
{
    for (int speed = UT_QUICK; speed <= UT_SLOW; speed++) {
        for (const struct ut_group *g = __start_ut_groups; g < __stop_ut_groups; g++) {
            for (int i = 0; i < g->count; i++) {
                if (g->tests[i].speed != speed)
                    continue;
                if (ntests == MAX_TESTS) {
                    fprintf(stderr, "usertests: more than %d tests\n", MAX_TESTS);
                    return -1;
                }
                tests[ntests++] = &g->tests[i];
            }
        }
    }
    for (int i = 0; i < ntests; i++)
        for (int k = 0; k < i; k++)
            if (strcmp(tests[i]->name, tests[k]->name) == 0) {
                fprintf(stderr, "usertests: two tests are named %s\n", tests[i]->name);
                return -1;
            }
    return 0;
}

static int reason_fd = -1;

/* Why the last test failed, from the reason file: its lines joined by "; ". */
static void read_reason(char *out, size_t cap)
{
    long n = pread(reason_fd, out, cap - 1, 0);
    n = n < 0 ? 0 : n;
    while (n > 0 && out[n - 1] == '\n')
        n--;
    out[n] = 0;
    for (long i = 0; i < n; i++) {
        if (out[i] == '\n' && n + 1 < (long)cap) {
            memmove(out + i + 2, out + i + 1, n - i);
            out[i] = ';';
            out[i + 1] = ' ';
            n++;
        }
    }
}

/*
 * Wait for a test child, killing it after timeout_s.  Returns 0 and its status,
 * or -1 (errno) if waitpid failed; *late is set on a timeout.
 */
static int wait_test(int pid, int timeout_s, int *st, int *late)
{
    long deadline = now_ns() + timeout_s * 1000000000L;
    int r;
    *late = 0;
    for (long step = 1; (r = waitpid(pid, st, WNOHANG)) == 0; step = step < 50 ? step * 2 : 50) {
        if (now_ns() > deadline) {
            *late = 1;
            kill(pid, SIGKILL);
            r = waitpid(pid, st, 0);
            break;
        }
        struct timespec ts = {0, step * 1000000L};
        nanosleep(&ts, 0);
    }
    return r == pid ? 0 : -1;
}

/* Run one test; print its line; return 1 if it passed. */
static int run_test(const struct ut_test *t)
{
    char dir[PATH_MAX], verdict[400] = "", reason[360];
    if (!QUILL && t->where == UT_QUILL_ONLY) {
        printf("test %s: OK (skipped: Quill only)\n", t->name);
        fflush(stdout);
        return 1;
    }
    snprintf(dir, sizeof(dir), "%s/%s", workdir, t->name);
    if (ftruncate(reason_fd, 0) != 0 || mkdir(dir, 0755) != 0) {
        printf("test %s: FAILED (cannot set up %s: %s)\n", t->name, dir, errname(errno));
        return 0;
    }
    fflush(stdout);
    int pid = fork();
    if (pid < 0) {
        printf("test %s: FAILED (fork: %s)\n", t->name, errname(errno));
        return 0;
    }
    if (pid == 0) {
        ut_current = t->name;
        ut_reason_fd = reason_fd;
        if (chdir(dir) != 0)
            fail("chdir %s: %s", dir, errname(errno));
        t->fn();
        fflush(stdout);
        _exit(0);
    }
    int late, st = 0;
    int werr = wait_test(pid, t->speed == UT_SLOW ? 900 : 240, &st, &late) ? errno : 0;
    read_reason(reason, sizeof(reason));
    if (werr)
        snprintf(verdict, sizeof(verdict), "waitpid: %s", errname(werr));
    else if (late)
        snprintf(verdict, sizeof(verdict), "timed out after %d s", t->speed == UT_SLOW ? 900 : 240);
    else if (WIFSIGNALED(st) && WTERMSIG(st) != t->sig)
        snprintf(verdict, sizeof(verdict), "killed by signal %d%s%s", WTERMSIG(st),
                 t->sig ? ", expected that signal to be " : "",
                 t->sig ? (t->sig == SIGSEGV  ? "SIGSEGV"
                           : t->sig == SIGILL ? "SIGILL"
                                              : "SIGBUS")
                        : "");
    else if (WIFEXITED(st) && t->sig && !reason[0])
        snprintf(verdict, sizeof(verdict), "exited %d, expected signal %d", WEXITSTATUS(st),
                 t->sig);
    else if (WIFEXITED(st) && WEXITSTATUS(st) == 99 && !reason[0])
        snprintf(verdict, sizeof(verdict), "an execve that should have failed succeeded");
    else if (WIFEXITED(st) && (WEXITSTATUS(st) != 0 || t->sig))
        snprintf(verdict, sizeof(verdict), "%s", reason[0] ? reason : "exited non-zero");
    if (verdict[0] && reason[0] && strcmp(verdict, reason) != 0 && strlen(verdict) < 200)
        snprintf(verdict + strlen(verdict), sizeof(verdict) - strlen(verdict), ": %s", reason);
    char bad[PATH_MAX];
    if (rmtree(dir, bad, sizeof(bad)) != 0 && !verdict[0])
        snprintf(verdict, sizeof(verdict), "cleanup: cannot remove %.200s: %s", bad,
                 errname(errno));
    if (verdict[0])
        printf("test %s: FAILED (%s)\n", t->name, verdict);
    else
        printf("test %s: OK\n", t->name);
    fflush(stdout);
    return !verdict[0];
}

/*
 * Before the first free-frame count: touch what the runner itself will use
 * (stack, heap, stdio, a DIR), and create and free once each kind of kernel
 * object the tests use (processes, exec, files, directories, links, pipes), so
 * that one-time allocations on first use are not counted as leaks.
 */
static void warm_up(void)
{
    volatile char stack[64 * 1024];
    for (size_t i = 0; i < sizeof(stack); i += 512)
        stack[i] = 0;
    char bad[PATH_MAX], dir[300], c = 'w';
    snprintf(dir, sizeof(dir), "%s/warm", workdir);
    int p[2], pids[8], st, late;
    if (mkdir(dir, 0755) == 0 && pipe(p) == 0) {
        for (int i = 0; i < 8; i++) {
            if ((pids[i] = fork()) == 0) {
                char path[PATH_MAX], pidstr[16];
                snprintf(path, sizeof(path), "%s/f%d", dir, i);
                int fd = open(path, O_CREAT | O_RDWR, 0644);
                if (fd >= 0 && write(fd, &c, 1) == 1 && read(p[0], &c, 1) == 1 &&
                    write(p[1], &c, 1) == 1)
                    symlink(path, strcat(path, "l"));
                snprintf(pidstr, sizeof(pidstr), "%d", getpid());
                char *argv[] = {self_path, "--exec-pid", pidstr, 0};
                execv(self_path, argv);
                _exit(1);
            }
        }
        if (write(p[1], &c, 1) != 1)
            printf("usertests: warm-up: pipe write failed\n");
        for (int i = 0; i < 8; i++)
            if (pids[i] > 0)
                wait_test(pids[i], 30, &st, &late);
        close(p[0]);
        close(p[1]);
    }
    if (rmtree(dir, bad, sizeof(bad)) != 0)
        printf("usertests: cannot use %s: %s\n", workdir, errname(errno));
    /* Fill the process table once: the kernel keeps what it grows to (one frame seen). */
    enum { MAX = QUILL ? 1000 : 200 };
    static int many[MAX];
    int n = 0;
    if (pipe(p) != 0)
        return;
    while (n < MAX && (many[n] = fork()) > 0)
        n++;
    if (n < MAX && many[n] == 0) {
        close(p[1]);
        _exit(read(p[0], &c, 1) == 0 ? 0 : 1);
    }
    close(p[0]);
    close(p[1]);
    for (int i = 0; i < n; i++)
        waitpid(many[i], &st, 0);
}

/* The free-frame count of the leak check (ut_free_frames(): free + own
 * resident + unmapped cache), and what the kernel holds (<quill/memcheck.h>). */
#if QUILL
typedef struct memcheck mem_count_t;
static mem_count_t mem_count(void)
{
    mem_count_t m = {ut_free_frames(), 0, 0};
    if (m.frames >= 0)
        memcheck_take(&m, m.frames);
    return m;
}
#else
typedef struct {
    long frames;
} mem_count_t;
static mem_count_t mem_count(void)
{
    return (mem_count_t){ut_free_frames()};
}
static bool memcheck_held(const mem_count_t *before, const mem_count_t *after)
{
    (void)before, (void)after;
    return false;
}
#endif

/*
 * Fewer free frames than at the start is a leak and fails, unless the
 * missing frames are slab fragmentation (<quill/memcheck.h>, which sysfuzz
 * uses too).  More is not: a kernel cache that already held memory at the
 * first count (the directory index keeps the last indexed
 * directories, /bin among them after the warm-up) may have given it back
 * since.
 */
static bool mem_balanced(mem_count_t before)
{
    /* Let init reap the orphans; exited processes free their memory. */
    mem_count_t after = before;
    for (int i = 0; i < 5; i++) {
        sleep(1);
        after = mem_count();
        if (after.frames >= before.frames || memcheck_held(&before, &after))
            break;
    }
    printf("free frames: %ld before the tests, %ld after\n", before.frames, after.frames);
    if (after.frames > before.frames)
        printf("memfree: %ld pages more free than at the start (kernel caches gave memory back)\n",
               after.frames - before.frames);
    if (after.frames >= before.frames)
        return true;
#if QUILL
    char why[256];
    memcheck_explain(why, sizeof(why), &before, &after);
    if (memcheck_held(&before, &after)) {
        printf("memfree: %s: no leak\n", why);
        return true;
    }
    printf("test memfree: FAILED (%ld pages leaked; not all of them are %s)\n",
           before.frames - after.frames, why);
#else
    printf("test memfree: FAILED (%ld pages leaked)\n", before.frames - after.frames);
#endif
    return false;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strncmp(argv[1], "--exec-", 7) == 0)
        return ut_exec_mode(argc, argv);
    int quick = 0, list = 0, first = 1, nskip = 0;
    const char *skip[16];
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (!strcmp(argv[first], "-q"))
            quick = 1;
        else if (!strcmp(argv[first], "-l"))
            list = 1;
        else if (!strcmp(argv[first], "-x") && first + 1 < argc && nskip < 16)
            skip[nskip++] = argv[++first];
        else {
            fprintf(stderr, "usage: usertests [-q] [-l] [-x name]... [name ...]\n");
            return 2;
        }
    }
    if (collect_tests() != 0)
        return 2;
    static char selected[MAX_TESTS];
    for (int i = 0; i < ntests; i++)
        selected[i] = first == argc && (!quick || tests[i]->speed == UT_QUICK);
    for (int s = 0; s < nskip; s++) {
        int found = 0;
        for (int i = 0; i < ntests; i++)
            if (!strcmp(skip[s], tests[i]->name))
                selected[i] = 0, found = 1;
        if (!found) {
            fprintf(stderr, "usertests: no test named %s (usertests -l lists them)\n", skip[s]);
            return 2;
        }
    }
    for (int a = first; a < argc; a++) {
        int found = 0;
        for (int i = 0; i < ntests; i++)
            if (!strcmp(argv[a], tests[i]->name))
                selected[i] = found = 1;
        if (!found) {
            fprintf(stderr, "usertests: no test named %s (usertests -l lists them)\n", argv[a]);
            return 2;
        }
    }
    if (list) {
        for (int i = 0; i < ntests; i++)
            printf("%-16s %s\n", tests[i]->name, tests[i]->speed == UT_SLOW ? "slow" : "quick");
        return 0;
    }
#if QUILL
    snprintf(self_path, sizeof(self_path), "%s", SELF_PATH);
    snprintf(workdir, sizeof(workdir), "/usertests.%d", getpid());
#else
    long r = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
    self_path[r > 0 ? r : 0] = 0;
    snprintf(workdir, sizeof(workdir), "/tmp/usertests.%d", getpid());
#endif
    char reason_path[PATH_MAX];
    snprintf(reason_path, sizeof(reason_path), "%s/.reason", workdir);
    if (mkdir(workdir, 0755) != 0 ||
        (reason_fd = open(reason_path, O_CREAT | O_RDWR | O_APPEND | O_TRUNC, 0644)) < 0) {
        printf("usertests: cannot create %s: %s\n", workdir, errname(errno));
        return 1;
    }
    printf("usertests starting (%s)\n", first < argc ? "selected tests"
                                        : quick      ? "quick tests"
                                                     : "all tests");
    fflush(stdout);
    warm_up();

    mem_count_t before = mem_count();
    int failed = 0;
    for (int i = 0; i < ntests; i++)
        if (selected[i])
            failed += !run_test(tests[i]);

    if (before.frames >= 0)
        failed += !mem_balanced(before);
    close(reason_fd);
    unlink(reason_path);
    if (rmdir(workdir) != 0) {
        printf("usertests: cannot remove %s: %s\n", workdir, errname(errno));
        failed++;
    }
    printf(failed ? "SOME TESTS FAILED\n" : "ALL TESTS PASSED\n");
    fflush(stdout);
    return failed ? 1 : 0;
}
