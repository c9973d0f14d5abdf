/*
 * usertests, file data: what a file holds and how big it is.  A file past
 * the direct and indirect blocks written and read back (read, pread,
 * pwrite in the middle, ftruncate), a sparse file's hole, O_TRUNC and
 * ftruncate down and up again, two appenders through their own descriptors,
 * lseek's whences and errors, and an unlinked file that stays readable and
 * writable through the descriptors still open on it.
 */
#include "ut.h"

static void test_bigfile(void)
{
    const long size = 5 * MiB + 1234; /* past 12 direct + 1024 indirect blocks */
    static unsigned char buf[8192];
    int fd = xopen("big", O_CREAT | O_RDWR | O_TRUNC);
    for (long pos = 0; pos < size; pos += sizeof(buf)) {
        long n = size - pos < (long)sizeof(buf) ? size - pos : (long)sizeof(buf);
        pattern(buf, n, pos, 7);
        xwrite(fd, buf, n);
    }
    struct stat st;
    OK(fstat(fd, &st));
    CHECK(st.st_size == size, "size %ld, wrote %ld", (long)st.st_size, size);
    CHECK(st.st_blocks >= size / 512, "st_blocks %ld for %ld bytes", (long)st.st_blocks, size);
    OK(lseek(fd, 0, SEEK_SET));
    long pos = 0, r;
    while ((r = read(fd, buf, 3000)) > 0) {
        long d = pattern_diff(buf, r, pos, 7);
        CHECK(d < 0, "byte %ld reads back wrong", pos + d);
        pos += r;
    }
    CHECK(r == 0 && pos == size, "read back %ld of %ld bytes (last read %ld)", pos, size, r);
    static const long at[] = {0, 12 * 4096 - 3, 1036 * 4096 - 5, 5 * MiB + 1224};
    for (int i = 0; i < 4; i++) {
        CHECK(pread(fd, buf, 10, at[i]) == 10, "pread at %ld", at[i]);
        CHECK(pattern_diff(buf, 10, at[i], 7) < 0, "pread at %ld reads wrong data", at[i]);
    }
    pattern(buf, 5000, 0, 9);
    CHECK(pwrite(fd, buf, 5000, 2 * MiB + 100) == 5000, "pwrite");
    CHECK(pread(fd, buf, 5200, 2 * MiB) == 5200, "pread");
    CHECK(pattern_diff(buf, 100, 2 * MiB, 7) < 0 && pattern_diff(buf + 100, 5000, 0, 9) < 0 &&
              pattern_diff(buf + 5100, 100, 2 * MiB + 5100, 7) < 0,
          "overwrite in the middle went wrong");
    OK(ftruncate(fd, 100000));
    OK(fstat(fd, &st));
    CHECK(st.st_size == 100000, "size %ld after ftruncate", (long)st.st_size);
    CHECK(pread(fd, buf, 10, 200000) == 0, "read past the truncated end");
    CHECK(pread(fd, buf, 100, 99950) == 50 && pattern_diff(buf, 50, 99950, 7) < 0,
          "truncated tail");
    close(fd);
    OK(unlink("big"));
}

static void test_sparse(void)
{
    int fd = xopen("s", O_CREAT | O_RDWR | O_TRUNC);
    CHECK(lseek(fd, 3 * MiB, SEEK_SET) == 3 * MiB, "lseek past the end");
    xwrite(fd, "end", 3);
    struct stat st;
    OK(fstat(fd, &st));
    CHECK(st.st_size == 3 * MiB + 3, "size %ld", (long)st.st_size);
    CHECK(st.st_blocks <= 64, "a 3 MiB hole uses %ld sectors", (long)st.st_blocks);
    static char buf[4096], zero[4096];
    for (long off = 0; off < 3 * MiB; off += 768 * KiB)
        CHECK(pread(fd, buf, 4096, off) == 4096 && memcmp(buf, zero, 4096) == 0, "hole at %ld",
              off);
    CHECK(pread(fd, buf, 10, 3 * MiB - 1) == 4 && memcmp(buf, "\0end", 4) == 0,
          "data after the hole");
    close(fd);
    OK(unlink("s"));
}

static void test_truncate(void)
{
    static unsigned char buf[20000], zero[20000];
    pattern(buf, 10000, 0, 1);
    write_file("f", buf, 10000);
    int fd = xopen("f", O_WRONLY | O_TRUNC);
    struct stat st;
    OK(fstat(fd, &st));
    CHECK(st.st_size == 0, "O_TRUNC left %ld bytes", (long)st.st_size);
    close(fd);
    write_file("f", buf, 10000);
    fd = xopen("f", O_RDWR);
    OK(ftruncate(fd, 5000));
    OK(ftruncate(fd, 20000));
    CHECK(pread(fd, buf, 20000, 0) == 20000, "pread");
    CHECK(pattern_diff(buf, 5000, 0, 1) < 0, "data below the cut changed");
    CHECK(memcmp(buf + 5000, zero, 15000) == 0, "regrown bytes are not zero");
    OK(ftruncate(fd, 0));
    OK(fstat(fd, &st));
    CHECK(st.st_size == 0, "ftruncate(0): size %ld", (long)st.st_size);
    close(fd);
    fd = xopen("f", O_RDONLY);
    EXPECT_ERR2(ftruncate(fd, 10), EBADF, EINVAL);
    close(fd);
    OK(unlink("f"));
}

/* Two processes append records through separate descriptors: none is lost. */
static void test_append(void)
{
    enum { N = 200 };
    write_file("log", "", 0);
    int pids[2];
    for (int w = 0; w < 2; w++) {
        if ((pids[w] = xfork()) == 0) {
            int fd = xopen("log", O_WRONLY | O_APPEND);
            char rec[16];
            for (int i = 0; i < N; i++) {
                snprintf(rec, sizeof(rec), "%c%08d\n", 'A' + w, i);
                xwrite(fd, rec, 10);
            }
            _exit(0);
        }
    }
    wait_ok(pids[0], "appender");
    wait_ok(pids[1], "appender");
    static char buf[2 * N * 10 + 1];
    CHECK(read_file("log", buf, sizeof(buf)) == 2 * N * 10, "log has %ld bytes", (long)strlen(buf));
    int next[2] = {0, 0};
    for (int r = 0; r < 2 * N; r++) {
        char *rec = buf + 10 * r;
        int w = rec[0] - 'A';
        CHECK((w == 0 || w == 1) && rec[9] == '\n' && atoi(rec + 1) == next[w], "record %d mangled",
              r);
        next[w]++;
    }
    int fd = xopen("log", O_RDWR | O_APPEND);
    OK(lseek(fd, 0, SEEK_SET));
    xwrite(fd, "z", 1);
    CHECK(lseek(fd, 0, SEEK_CUR) == 2 * N * 10 + 1, "O_APPEND write did not go to the end");
    close(fd);
    OK(unlink("log"));
}

static void test_lseek(void)
{
    char buf[100];
    pattern((unsigned char *)buf, 100, 0, 4);
    write_file("f", buf, 100);
    int fd = xopen("f", O_RDONLY), p[2];
    CHECK(lseek(fd, 0, SEEK_END) == 100, "SEEK_END");
    CHECK(lseek(fd, -10, SEEK_END) == 90, "SEEK_END - 10");
    CHECK(read(fd, buf, 100) == 10 && pattern_diff((unsigned char *)buf, 10, 90, 4) < 0,
          "read at 90");
    CHECK(lseek(fd, 5, SEEK_CUR) == 105, "SEEK_CUR past the end");
    CHECK(read(fd, buf, 10) == 0, "read past the end");
    EXPECT_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    EXPECT_ERR(lseek(fd, 0, 99), EINVAL);
    CHECK(lseek(fd, 0, SEEK_CUR) == 105, "a failed lseek moved the offset");
    OK(pipe(p));
    EXPECT_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
    close(fd);
    EXPECT_ERR(lseek(fd, 0, SEEK_SET), EBADF);
    OK(unlink("f"));
}

static void test_unlinkopen(void)
{
    static unsigned char buf[10000];
    pattern(buf, sizeof(buf), 0, 5);
    write_file("f", buf, sizeof(buf));
    int fd = xopen("f", O_RDWR);
    OK(unlink("f"));
    struct stat st;
    EXPECT_ERR(stat("f", &st), ENOENT);
    OK(fstat(fd, &st));
    CHECK(st.st_nlink == 0 && st.st_size == 10000, "unlinked open file: nlink %ld size %ld",
          (long)st.st_nlink, (long)st.st_size);
    write_file("f", "new", 3); /* a new file with the old name */
    memset(buf, 0, sizeof(buf));
    CHECK(read(fd, buf, sizeof(buf)) == 10000 && pattern_diff(buf, 10000, 0, 5) < 0, "old data");
    xwrite(fd, "more", 4);
    int pid = xfork();
    if (pid == 0) {
        char c[4];
        CHECK(pread(fd, c, 4, 10000) == 4 && !memcmp(c, "more", 4),
              "child reads the unlinked file");
        _exit(0);
    }
    wait_ok(pid, "child");
    close(fd);
    CHECK(read_file("f", (char *)buf, 16) == 3, "new file disturbed");
    OK(unlink("f"));
}

static const struct ut_test fsdata_tests[] = {
    {"bigfile", test_bigfile, UT_QUICK, 0, UT_ANY},
    {"sparse", test_sparse, UT_QUICK, 0, UT_ANY},
    {"truncate", test_truncate, UT_QUICK, 0, UT_ANY},
    {"append", test_append, UT_QUICK, 0, UT_ANY},
    {"lseek", test_lseek, UT_QUICK, 0, UT_ANY},
    {"unlinkopen", test_unlinkopen, UT_QUICK, 0, UT_ANY},
};
UT_REGISTER(fsdata_tests);
