/*
 * usertests, mappings: anonymous private and shared mmap, the POSIX errors,
 * MAP_FIXED over an existing mapping, munmap of part of a region, mprotect
 * (read-only, PROT_NONE, back, and copy-on-write kept after fork), file
 * mappings (private copies, shared write-back on msync and munmap, SIGBUS
 * past the end of the file).
 */
#include "ut.h"

static void test_mmapanon(void)
{
    char *p = xmmap(0, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK((uintptr_t)p % PAGE == 0, "unaligned address %p", (void *)p);
    for (long i = 0; i < 16 * (long)PAGE; i += 512)
        CHECK(p[i] == 0, "fresh anonymous byte %ld is %d", i, p[i]);
    pattern((unsigned char *)p, 16 * PAGE, 0, 31);
    char *q = xmmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(q + PAGE <= p || q >= p + 16 * PAGE, "second mapping overlaps the first");
    CHECK(pattern_diff((unsigned char *)p, 16 * PAGE, 0, 31) < 0, "data changed");
    OK(munmap(p, 16 * PAGE));
    OK(munmap(q, PAGE));
    CHECK(touch_signal(p, 0) == SIGSEGV, "read after munmap did not SIGSEGV");
    /* A private mapping is copied at fork like any private memory. */
    p = xmmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 5;
    int pid = xfork();
    if (pid == 0) {
        p[0] = 6;
        _exit(p[0] == 6 ? 0 : 1);
    }
    CHECK(wait_exit(pid) == 0 && p[0] == 5, "private mapping shared with the child");
    OK(munmap(p, PAGE));
}

static void test_mmapshared(void)
{
    char *p = xmmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int pid = xfork();
    if (pid == 0) {
        pattern((unsigned char *)p, 4 * PAGE, 0, 41);
        _exit(0);
    }
    CHECK(wait_exit(pid) == 0, "child");
    CHECK(pattern_diff((unsigned char *)p, 4 * PAGE, 0, 41) < 0,
          "child's writes to a shared mapping not seen");
    OK(munmap(p, 4 * PAGE));
}

static void test_mmaperr(void)
{
    write_file("f", "0123456789", 10);
    int rd = xopen("f", O_RDONLY), wr = xopen("f", O_WRONLY);
    int pp[2];
    OK(pipe(pp));
    const int A = MAP_PRIVATE | MAP_ANONYMOUS, RW = PROT_READ | PROT_WRITE;
    EXPECT_ERR(mmap(0, 0, RW, A, -1, 0), EINVAL);
    EXPECT_ERR(mmap(0, PAGE, RW, MAP_ANONYMOUS, -1, 0), EINVAL);
    EXPECT_ERR(mmap(0, PAGE, RW, MAP_PRIVATE, rd, 100), EINVAL);
    EXPECT_ERR(mmap((void *)(PAGE * 1000 + 1), PAGE, RW, A | MAP_FIXED, -1, 0), EINVAL);
    EXPECT_ERR(mmap(0, PAGE, RW, MAP_PRIVATE, 99, 0), EBADF);
    EXPECT_ERR(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, pp[0], 0), ENODEV);
    EXPECT_ERR(mmap(0, PAGE, PROT_READ, MAP_SHARED, wr, 0), EACCES);
    EXPECT_ERR(mmap(0, PAGE, RW, MAP_SHARED, rd, 0), EACCES);
    EXPECT_ERR(mmap(0, 1UL << 45, RW, A, -1, 0), ENOMEM);
    char *p = xmmap(0, PAGE, PROT_READ, MAP_SHARED, rd, 0);
    EXPECT_ERR(mprotect(p, PAGE, RW), EACCES);
    CHECK(p[3] == '3', "shared read-only mapping reads %d", p[3]);
    OK(munmap(p, PAGE));
    EXPECT_ERR(munmap((void *)(PAGE + 1), PAGE), EINVAL);
    EXPECT_ERR(munmap(p, 0), EINVAL);
    EXPECT_ERR(mprotect(p, PAGE, PROT_READ), ENOMEM);
    EXPECT_ERR(msync(p, PAGE, MS_SYNC), ENOMEM);
    p = xmmap(0, PAGE, RW, A, -1, 0);
    EXPECT_ERR(msync(p, PAGE, MS_SYNC | MS_ASYNC), EINVAL);
    EXPECT_ERR(mprotect(p + 1, PAGE, PROT_READ), EINVAL);
    OK(munmap(p, PAGE));
    close(rd);
    close(wr);
    close(pp[0]);
    close(pp[1]);
}

static void test_mmapfixed(void)
{
    char *p = xmmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 'a', 3 * PAGE);
    char *q = xmmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                    -1, 0);
    CHECK(q == p + PAGE, "MAP_FIXED returned %p, not %p", (void *)q, (void *)(p + PAGE));
    CHECK(p[0] == 'a' && p[PAGE - 1] == 'a' && p[2 * PAGE] == 'a',
          "neighbours of the fixed mapping changed");
    CHECK(p[PAGE] == 0 && p[2 * PAGE - 1] == 0, "MAP_FIXED did not replace the middle page");
    OK(munmap(p, 3 * PAGE));
}

static void test_munmappart(void)
{
    char *p = xmmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pattern((unsigned char *)p, 4 * PAGE, 0, 51);
    OK(munmap(p + PAGE, PAGE));
    CHECK(touch_signal(p + PAGE, 0) == SIGSEGV, "the unmapped page is still there");
    CHECK(pattern_diff((unsigned char *)p, PAGE, 0, 51) < 0, "first page changed");
    CHECK(pattern_diff((unsigned char *)p + 2 * PAGE, 2 * PAGE, 2 * PAGE, 51) < 0,
          "last pages changed");
    OK(munmap(p, 4 * PAGE)); /* the hole inside is fine */
    CHECK(touch_signal(p + 3 * PAGE, 0) == SIGSEGV, "the last page is still there");
}

static void test_mprotect(void)
{
    char *p = xmmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 'x';
    p[PAGE] = 'y';
    OK(mprotect(p, PAGE, PROT_READ));
    CHECK(touch_signal(p, 1) == SIGSEGV, "store to a read-only page");
    CHECK(touch_signal(p, 0) == 0 && p[0] == 'x', "load from a read-only page");
    CHECK(touch_signal(p + PAGE, 1) == 0, "the other page lost its write permission");
    OK(mprotect(p, PAGE, PROT_NONE));
    CHECK(touch_signal(p, 0) == SIGSEGV, "load from a PROT_NONE page");
    OK(mprotect(p, 2 * PAGE, PROT_READ | PROT_WRITE));
    CHECK(p[0] == 'x' && p[PAGE] == 'y', "data lost across mprotect");
    /* A page shared with a child after fork stays copy-on-write through mprotect. */
    OK(mprotect(p, PAGE, PROT_READ));
    int pid = xfork();
    if (pid == 0) {
        if (mprotect(p, PAGE, PROT_READ | PROT_WRITE) != 0)
            _exit(2);
        p[0] = 'c';
        _exit(p[0] == 'c' ? 0 : 3);
    }
    CHECK(wait_exit(pid) == 0, "child could not write after mprotect");
    CHECK(p[0] == 'x', "the child's write reached the parent");
    OK(munmap(p, 2 * PAGE));
}

static void test_mmapfile(void)
{
    const long n = 3 * PAGE + 100;
    unsigned char *data = malloc(n);
    CHECK(data, "malloc");
    pattern(data, n, 0, 61);
    write_file("f", data, n);
    int fd = xopen("f", O_RDWR);
    /* Private: the file's bytes, zeros after its end, writes stay in the process. */
    unsigned char *p =
        (unsigned char *)xmmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(pattern_diff(p, n, 0, 61) < 0, "private mapping differs from the file");
    for (long i = n; i < 4 * (long)PAGE; i++)
        CHECK(p[i] == 0, "byte %ld past the end of the file is %d", i, p[i]);
    p[10] ^= 0xff;
    unsigned char b;
    CHECK(pread(fd, &b, 1, 10) == 1 && b == data[10], "private write reached the file");
    OK(munmap(p, 4 * PAGE));
    /* Shared, at an offset: writes reach the file (msync), reads see the file. */
    p = (unsigned char *)xmmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PAGE);
    CHECK(pattern_diff(p, PAGE, PAGE, 61) < 0, "shared mapping at offset differs");
    memset(p, 'S', 64);
    OK(msync(p, PAGE, MS_SYNC));
    char buf[64];
    CHECK(pread(fd, buf, 64, PAGE) == 64 && buf[0] == 'S' && buf[63] == 'S',
          "msync did not write back");
    p[100] = 'M';
    OK(munmap(p, PAGE));
    CHECK(pread(fd, buf, 1, PAGE + 100) == 1 && buf[0] == 'M', "munmap did not write back");
    struct stat st;
    OK(fstat(fd, &st));
    CHECK(st.st_size == n, "a mapping changed the file size to %ld", (long)st.st_size);
    /* A page past the end of the file: SIGBUS. */
    p = (unsigned char *)xmmap(0, 8 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(touch_signal((char *)p + 6 * PAGE, 0) == SIGBUS, "page past the end of the file");
    OK(munmap(p, 8 * PAGE));
    close(fd);
    free(data);
}

static const struct ut_test mmap_tests[] = {
    {"mmapanon", test_mmapanon, UT_QUICK, 0, UT_ANY},
    {"mmapshared", test_mmapshared, UT_QUICK, 0, UT_ANY},
    {"mmaperr", test_mmaperr, UT_QUICK, 0, UT_ANY},
    {"mmapfixed", test_mmapfixed, UT_QUICK, 0, UT_ANY},
    {"munmappart", test_munmappart, UT_QUICK, 0, UT_ANY},
    {"mprotect", test_mprotect, UT_QUICK, 0, UT_ANY},
    {"mmapfile", test_mmapfile, UT_QUICK, 0, UT_ANY},
};
UT_REGISTER(mmap_tests);
