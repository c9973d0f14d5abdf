/*
 * usertests, pipes: data, EOF, EPIPE, big transfers, blocking readers, many
 * pipes, and several pipes streaming at once.
 */
#include "ut.h"

static void test_pipe(void)
{
    int lowest = OK(dup(0)), p[2];
    close(lowest);
    OK(pipe(p));
    CHECK(p[0] == lowest && p[1] == lowest + 1, "pipe gave %d %d, lowest free %d", p[0], p[1],
          lowest);
    EXPECT_ERR(write(p[0], "x", 1), EBADF);
    EXPECT_ERR(read(p[1], p, 1), EBADF);
    int pid = xfork();
    if (pid == 0) {
        unsigned char buf[1000];
        close(p[0]);
        for (int i = 0; i < 5; i++) {
            pattern(buf, 1000, 1000 * i, 2);
            xwrite(p[1], buf, 1000);
        }
        _exit(0);
    }
    close(p[1]);
    unsigned char buf[700];
    long total = 0, r;
    while ((r = read(p[0], buf, sizeof(buf))) > 0) {
        CHECK(pattern_diff(buf, r, total, 2) < 0, "pipe data wrong at %ld", total);
        total += r;
    }
    CHECK(r == 0 && total == 5000, "read %ld bytes then %ld", total, r);
    wait_ok(pid, "writer");
    close(p[0]);
}

/* EOF only once every write end is closed, the child's copy included. */
static void test_pipeeof(void)
{
    int p[2], go[2];
    char c;
    OK(pipe(p));
    OK(pipe(go));
    int pid = xfork();
    if (pid == 0) {
        close(p[0]);
        xwrite(p[1], "x", 1);
        xread(go[0], &c, 1);
        msleep(200);
        xwrite(p[1], "y", 1);
        _exit(0);
    }
    close(p[1]);
    CHECK(read(p[0], &c, 1) == 1 && c == 'x', "first byte");
    xwrite(go[1], "g", 1);
    CHECK(read(p[0], &c, 1) == 1 && c == 'y', "EOF while the child still held a write end");
    CHECK(read(p[0], &c, 1) == 0, "no EOF after the last writer exited");
    CHECK(read(p[0], &c, 1) == 0, "EOF is not sticky");
    wait_ok(pid, "child");
}

static void test_pipeepipe(void)
{
    int p[2];
    char c;
    signal(SIGPIPE, SIG_IGN);
    OK(pipe(p));
    close(p[0]);
    EXPECT_ERR(write(p[1], "x", 1), EPIPE);
    close(p[1]);

    OK(pipe(p));
    int pid = xfork();
    if (pid == 0) { /* blocks in a big write; the reader goes away */
        long n = 1 << 20;
        char *big = calloc(1, n);
        CHECK(big, "malloc");
        close(p[0]);
        long r = write(p[1], big, n);
        if (r > 0 && r < n)
            r = write(p[1], big, n);
        _exit(r == -1 && errno == EPIPE ? 0 : 1);
    }
    close(p[1]);
    CHECK(read(p[0], &c, 1) == 1, "read");
    msleep(100);
    close(p[0]);
    CHECK(wait_exit(pid) == 0,
          "a writer blocked on a full pipe did not get EPIPE when the reader left");
}

static void test_pipebig(void)
{
    enum { N = 1 << 20 };
    int p[2];
    OK(pipe(p));
    int pid = xfork();
    if (pid == 0) {
        unsigned char *buf = malloc(N);
        CHECK(buf, "malloc");
        pattern(buf, N, 0, 8);
        close(p[0]);
        long r = write(p[1], buf, N);
        CHECK(r == N, "1 MiB write to a pipe returned %ld", r);
        _exit(0);
    }
    close(p[1]);
    static unsigned char buf[1000];
    long total = 0, r;
    while ((r = read(p[0], buf, sizeof(buf))) > 0) {
        CHECK(pattern_diff(buf, r, total, 8) < 0, "pipe data wrong at %ld", total);
        total += r;
    }
    CHECK(total == N, "read %ld of %d bytes", total, N);
    wait_ok(pid, "writer");
}

static void test_pipeblock(void)
{
    int p[2], go[2];
    char c;
    OK(pipe(p));
    OK(pipe(go));
    long t0 = now_ns();
    int pid = xfork();
    if (pid == 0) {
        msleep(300);
        xwrite(p[1], "late", 4);
        xread(go[0], &c, 1); /* keep the write end open */
        _exit(0);
    }
    close(p[1]);
    char buf[100];
    long r = read(p[0], buf, sizeof(buf)); /* blocks, then returns what is there */
    long dt = now_ns() - t0;
    CHECK(r == 4 && !memcmp(buf, "late", 4), "read returned %ld", r);
    CHECK(dt >= 300000000L, "read returned after %ld ns, before the data was written", dt);
    xwrite(go[1], "g", 1);
    wait_ok(pid, "writer");
}

static void test_pipemany(void)
{
    int lowest = OK(dup(0)), p[2];
    close(lowest);
    char c;
    for (int i = 0; i < 500; i++) {
        OK(pipe(p));
        xwrite(p[1], "z", 1);
        CHECK(read(p[0], &c, 1) == 1 && c == 'z', "pipe %d", i);
        close(p[0]);
        close(p[1]);
    }
    static int fds[200];
    for (int i = 0; i < 100; i++)
        OK(pipe(fds + 2 * i));
    for (int i = 0; i < 200; i++)
        OK(close(fds[i]));
    int again = OK(dup(0));
    CHECK(again == lowest, "pipes leaked descriptors");
    close(again);
}

/* Several pipe pairs stream 4 MiB each at the same time. */
static void test_pipestress(void)
{
    enum { PAIRS = 4, N = 4 << 20 };
    int pids[2 * PAIRS];
    for (int k = 0; k < PAIRS; k++) {
        int p[2];
        OK(pipe(p));
        if ((pids[2 * k] = xfork()) == 0) {
            static unsigned char buf[4096];
            close(p[0]);
            for (long pos = 0; pos < N; pos += sizeof(buf)) {
                pattern(buf, sizeof(buf), pos, k);
                xwrite(p[1], buf, sizeof(buf));
            }
            _exit(0);
        }
        if ((pids[2 * k + 1] = xfork()) == 0) {
            static unsigned char buf[3000];
            close(p[1]);
            long total = 0, r;
            while ((r = read(p[0], buf, sizeof(buf))) > 0) {
                CHECK(pattern_diff(buf, r, total, k) < 0, "pair %d: wrong data at %ld", k, total);
                total += r;
            }
            CHECK(total == N, "pair %d: %ld bytes", k, total);
            _exit(0);
        }
        close(p[0]);
        close(p[1]);
    }
    for (int i = 0; i < 2 * PAIRS; i++)
        wait_ok(pids[i], "pipe streamer");
}

static const struct ut_test pipe_tests[] = {
    {"pipe", test_pipe, UT_QUICK, 0, UT_ANY},
    {"pipeeof", test_pipeeof, UT_QUICK, 0, UT_ANY},
    {"pipeepipe", test_pipeepipe, UT_QUICK, 0, UT_ANY},
    {"pipebig", test_pipebig, UT_QUICK, 0, UT_ANY},
    {"pipeblock", test_pipeblock, UT_QUICK, 0, UT_ANY},
    {"pipemany", test_pipemany, UT_QUICK, 0, UT_ANY},
    {"pipestress", test_pipestress, UT_SLOW, 0, UT_ANY},
};
UT_REGISTER(pipe_tests);
