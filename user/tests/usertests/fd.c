/*
 * usertests, file descriptors: the offset a fork shares, dup and dup2 (a
 * shared offset, replacing an open descriptor, the EBADF cases, read-only
 * and write-only descriptors), the lowest free number on open, and a
 * process's descriptor limit (at least 256, EMFILE past it, all of them
 * given back on close).
 */
#include "ut.h"

static void test_sharedoffset(void)
{
    int fd = xopen("f", O_CREAT | O_RDWR | O_TRUNC), to_c[2], to_p[2];
    OK(pipe(to_c));
    OK(pipe(to_p));
    char tok, rec[4];
    int pid = xfork();
    if (pid == 0) {
        for (int i = 0; i < 20; i++) {
            xread(to_c[0], &tok, 1);
            snprintf(rec, sizeof(rec), "C%02d", i);
            xwrite(fd, rec, 3);
            xwrite(to_p[1], "t", 1);
        }
        OK(lseek(fd, 0, SEEK_SET));
        _exit(0);
    }
    for (int i = 0; i < 20; i++) {
        snprintf(rec, sizeof(rec), "P%02d", i);
        xwrite(fd, rec, 3);
        xwrite(to_c[1], "t", 1);
        xread(to_p[0], &tok, 1);
    }
    wait_ok(pid, "child");
    CHECK(lseek(fd, 0, SEEK_CUR) == 0, "the child's lseek did not move the shared offset");
    static char buf[200], want[200];
    for (int i = 0; i < 20; i++)
        snprintf(want + 6 * i, 7, "P%02dC%02d", i, i);
    CHECK(read(fd, buf, sizeof(buf)) == 120 && !memcmp(buf, want, 120), "interleaved writes: %.30s",
          buf);
    close(fd);
    OK(unlink("f"));
}

static void test_dup(void)
{
    char buf[8];
    int fd = xopen("f", O_CREAT | O_RDWR | O_TRUNC);
    int d = OK(dup(fd));
    CHECK(d == fd + 1, "dup returned %d, lowest free was %d", d, fd + 1);
    xwrite(fd, "ab", 2);
    xwrite(d, "cd", 2);
    close(fd);
    OK(lseek(d, 0, SEEK_SET));
    CHECK(read(d, buf, 8) == 4 && !memcmp(buf, "abcd", 4),
          "dup'd descriptors do not share the offset");
    CHECK(dup2(d, 20) == 20 && dup2(d, 20) == 20 && dup2(d, d) == d, "dup2");
    CHECK(pread(20, buf, 4, 0) == 4 && !memcmp(buf, "abcd", 4), "read via dup2's copy");
    write_file("g", "gg", 2);
    int g = xopen("g", O_RDWR);
    CHECK(dup2(d, g) == g, "dup2 onto an open descriptor");
    xwrite(g, "ef", 2);
    CHECK(read_file("g", buf, 8) == 2 && !strcmp(buf, "gg"), "dup2 did not replace the old file");
    CHECK(read_file("f", buf, 8) == 6 && !strcmp(buf, "abcdef"), "write via dup2'd descriptor");
    close(g);
    close(20);
    EXPECT_ERR(dup(99), EBADF);
    EXPECT_ERR(dup2(99, 5), EBADF);
    EXPECT_ERR(dup2(d, -1), EBADF);
    EXPECT_ERR(dup2(d, 100000), EBADF);
    EXPECT_ERR(close(99), EBADF);
    EXPECT_ERR(close(-1), EBADF);
    EXPECT_ERR(read(99, buf, 1), EBADF);
    EXPECT_ERR(write(99, buf, 1), EBADF);
    close(d);
    EXPECT_ERR(write(d, "x", 1), EBADF);
    int r = xopen("f", O_RDONLY), w = xopen("f", O_WRONLY);
    EXPECT_ERR(write(r, "x", 1), EBADF);
    EXPECT_ERR(read(w, buf, 1), EBADF);
    close(r);
    close(w);
    OK(unlink("f"));
    OK(unlink("g"));
}

static void test_lowestfd(void)
{
    write_file("f", "x", 1);
    int a = xopen("f", O_RDONLY), b = xopen("f", O_RDONLY), c = xopen("f", O_RDONLY);
    CHECK(b == a + 1 && c == b + 1, "open returned %d %d %d", a, b, c);
    close(b);
    CHECK(xopen("f", O_RDONLY) == b, "open did not reuse the lowest free descriptor");
    close(a);
    CHECK(xopen("f", O_RDONLY) == a, "open did not reuse the lowest free descriptor");
    close(0);
    CHECK(xopen("f", O_RDONLY) == 0, "open did not return 0 after close(0)");
    OK(unlink("f"));
}

static void test_manyfds(void)
{
    enum { MAX = 2000 };
    static int fds[MAX];
    write_file("f", "many", 4);
    int first = OK(dup(0)), n = 0;
    close(first);
    for (; n < MAX; n++) {
        int fd = open("f", O_RDONLY);
        if (fd < 0) {
            CHECK(n >= 200, "open #%d failed: %s", n, errname(errno));
            CHECK(errno == EMFILE || errno == ENFILE, "descriptor limit: %s", errname(errno));
            break;
        }
        CHECK(n == 0 ? fd == first : fd > fds[n - 1], "open #%d returned %d", n, fd);
        fds[n] = fd;
    }
    CHECK(fds[n - 1] >= 255, "only %d descriptors per process", fds[n - 1] + 1);
    char buf[4];
    CHECK(pread(fds[n - 1], buf, 4, 0) == 4 && !memcmp(buf, "many", 4), "read via the last");
    for (int i = 0; i < n; i++)
        OK(close(fds[i]));
    CHECK(xopen("f", O_RDONLY) == first, "descriptors not all freed");
    OK(unlink("f"));
}

static const struct ut_test fd_tests[] = {
    {"sharedoffset", test_sharedoffset, UT_QUICK, 0, UT_ANY},
    {"dup", test_dup, UT_QUICK, 0, UT_ANY},
    {"lowestfd", test_lowestfd, UT_QUICK, 0, UT_ANY},
    {"manyfds", test_manyfds, UT_QUICK, 0, UT_ANY},
};
UT_REGISTER(fd_tests);
