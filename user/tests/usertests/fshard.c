/*
 * File-system hardening: what an adversarial program may try against the
 * file system, and the POSIX answer each must get.  rename aliasing (a name
 * and its own ancestor, two names of one file, . and ..), directory offsets
 * that are not entry boundaries, uninitialised bytes in getdents records,
 * writes and pipe reads into buffers that fault part-way (nothing may be
 * left behind: no block, no byte), directories of many entries, trailing
 * slashes and symlinks met by O_CREAT, and truncating and deleting files
 * too large for one journal transaction.  The host fsck after the suite
 * checks that none of it left the disk inconsistent.
 */
#include "ut.h"

static void test_rename_alias(void)
{
    OK(mkdir("ra", 0755));
    OK(mkdir("ra/d", 0755));
    OK(mkdir("ra/d/sub", 0755));
    write_file("ra/d/f", "f", 1);
    /* The new name is the old name's own parent, or a further ancestor. */
    EXPECT_RAW(r_rename("ra/d/f", "ra/d"), EISDIR);
    EXPECT_RAW(r_rename("ra/d/sub", "ra/d"), ENOTEMPTY);
    EXPECT_RAW(r_rename("ra/d/sub", "ra"), ENOTEMPTY);
    EXPECT_RAW(r_rename("ra/d/f", "ra"), EISDIR);
    /* A directory into itself or below itself. */
    EXPECT_RAW(r_rename("ra/d", "ra/d/sub/x"), EINVAL);
    EXPECT_RAW(r_rename("ra/d", "ra/d/sub"), EINVAL);
    EXPECT_RAW(r_rename("ra/d", "ra/d"), 0);
    /* . and .. at either end. */
    EXPECT_RAW(r_rename("ra/d/.", "ra/e"), EINVAL);
    EXPECT_RAW(r_rename("ra/d/..", "ra/e"), EINVAL);
    EXPECT_RAW(r_rename("ra/d/f", "ra/d/."), EINVAL);
    EXPECT_RAW(r_rename("ra/d/f", "ra/d/sub/.."), EINVAL);
    /* Two names of one file: nothing happens, both stay. */
    OK(link("ra/d/f", "ra/d/g"));
    EXPECT_RAW(r_rename("ra/d/f", "ra/d/g"), 0);
    struct stat st;
    OK(stat("ra/d/f", &st));
    CHECK(st.st_nlink == 2, "nlink %d after renaming onto another name of the file",
          (int)st.st_nlink);
    OK(stat("ra/d/g", &st));
    /* Same parent, and across parents, still work. */
    EXPECT_RAW(r_rename("ra/d/g", "ra/d/h"), 0);
    EXPECT_RAW(r_rename("ra/d/h", "ra/d/sub/h"), 0);
    EXPECT_RAW(r_rename("ra/d/sub", "ra/sub2"), 0);
    OK(stat("ra/sub2/h", &st));
    OK(unlink("ra/sub2/h"));
    OK(rmdir("ra/sub2"));
    OK(unlink("ra/d/f"));
    OK(rmdir("ra/d"));
    OK(rmdir("ra"));
}

/* Directory offsets are entry boundaries; a read never frees anything. */
static void test_getdents_offset(void)
{
    char buf[2048];
    OK(mkdir("go", 0755));
    for (int i = 0; i < 20; i++) {
        char p[32];
        snprintf(p, sizeof(p), "go/f%d", i);
        write_file(p, "x", 1);
    }
    int dfd = xopen("go", O_RDONLY);
    for (long off = 1; off < 64 * 22; off += 7) {
        long r = lseek(dfd, off, SEEK_SET);
        if (off % 64)
            CHECK(r == -1 && errno == EINVAL, "lseek(dir, %ld) gave %ld", off, r);
        else
            CHECK(r == off, "lseek(dir, %ld) gave %ld", off, r);
        long n = r_getdents(dfd, buf, sizeof(buf));
        CHECK(n >= 0, "getdents after lseek(%ld): %s", off, errname((int)-n));
    }
    OK(close(dfd));
    for (int i = 0; i < 20; i++) {
        char p[32];
        struct stat st;
        snprintf(p, sizeof(p), "go/f%d", i);
        CHECK(stat(p, &st) == 0 && st.st_size == 1, "%s is damaged after the reads", p);
        OK(unlink(p));
    }
    OK(rmdir("go"));
}

/* Every byte of a getdents record is defined: padding is zero. */
static void test_getdents_padding(void)
{
    unsigned char buf[1024];
    OK(mkdir("gp", 0755));
    write_file("gp/a", "", 0);
    write_file("gp/abcdefghij", "", 0);
    int dfd = xopen("gp", O_RDONLY);
    memset(buf, 0xa5, sizeof(buf));
    long n = r_getdents(dfd, buf, sizeof(buf));
    CHECK(n > 0, "getdents: %ld", n);
    int records = 0;
    for (long off = 0; off < n; records++) {
        unsigned short reclen;
        memcpy(&reclen, buf + off + 8,
               sizeof(reclen)); /* d_ino (8 bytes), d_reclen, d_type, d_name */
        CHECK(reclen >= 12 && off + reclen <= n, "bad d_reclen %u", reclen);
        size_t len = strnlen((char *)buf + off + 11, reclen - 11);
        CHECK(11 + len < reclen, "name not terminated inside its record");
        for (size_t i = 11 + len; i < reclen; i++)
            CHECK(buf[off + i] == 0, "padding byte %zu of a record is %#x", i, buf[off + i]);
        off += reclen;
    }
    CHECK(records == 4, "%d records, expected 4", records);
    OK(close(dfd));
    OK(unlink("gp/a"));
    OK(unlink("gp/abcdefghij"));
    OK(rmdir("gp"));
}

/* A write whose buffer faults part-way keeps what it wrote and leaves no block behind. */
static void test_write_fault_blocks(void)
{
    char *end = region_end();
    memset(end - 2 * PAGE, 'w', 2 * PAGE);
    int fd = xopen("wf", O_CREAT | O_RDWR | O_TRUNC);
    /* One whole block from mapped memory, then a block that faults after 904 bytes. */
    long r = write(fd, end - 5000, 8192);
    CHECK(r == 4096 || (r == -1 && errno == EFAULT), "write returned %ld", r);
    struct stat st;
    OK(fstat(fd, &st));
    long size = r > 0 ? r : 0;
    CHECK(st.st_size == size, "size %ld after a write of %ld", (long)st.st_size, size);
    CHECK(st.st_blocks * 512 <= (size + 4095) / 4096 * 4096, "%ld blocks for %ld bytes",
          (long)st.st_blocks, size);
    /* Past the end: a fault in a block of its own allocates nothing. */
    r = r_pwrite(fd, end - 10, 4096, 64 * 4096);
    CHECK(r == -EFAULT, "pwrite into a faulting buffer returned %ld", r);
    OK(fstat(fd, &st));
    CHECK(st.st_size == size && st.st_blocks * 512 <= (size + 4095) / 4096 * 4096,
          "failed pwrite left size %ld, %ld blocks", (long)st.st_size, (long)st.st_blocks);
    OK(close(fd));
    OK(unlink("wf"));
}

/* A failed write's bytes never appear later, e.g. when ftruncate extends the file. */
static void test_write_fault_bytes(void)
{
    char *end = region_end();
    memset(end - PAGE, 'Z', PAGE);
    int fd = xopen("wb", O_CREAT | O_RDWR | O_TRUNC);
    xwrite(fd, "0123456789", 10);
    long r = r_pwrite(fd, end - 2000, 4000, 10); /* 2000 bytes readable, then a fault */
    CHECK(r == -EFAULT || r == 2000, "pwrite returned %ld", r);
    struct stat st;
    OK(fstat(fd, &st));
    long size = r == 2000 ? 2010 : 10;
    CHECK(st.st_size == size, "size %ld, expected %ld", (long)st.st_size, size);
    OK(ftruncate(fd, 4096));
    char buf[4096];
    CHECK(pread(fd, buf, sizeof(buf), 0) == 4096, "read back");
    CHECK(memcmp(buf, "0123456789", 10) == 0, "the data before the write changed");
    for (long i = size; i < 4096; i++)
        CHECK(buf[i] == 0, "byte %ld past the old end is %#x (the failed write's data)", i, buf[i]);
    OK(close(fd));
    OK(unlink("wb"));
}

/* A pipe read into a bad buffer fails and leaves the bytes in the pipe. */
static void test_pipe_read_fault(void)
{
    int p[2];
    OK(pipe(p));
    const char msg[] = "thirty-nine bytes of pipe data, intact";
    xwrite(p[1], msg, sizeof(msg));
    char *end = region_end();
    EXPECT_RAW(r_read(p[0], end, sizeof(msg)), EFAULT);
    EXPECT_RAW(r_read(p[0], KERNEL_ADDR, sizeof(msg)), EFAULT);
    char buf[sizeof(msg)];
    xread(p[0], buf, sizeof(msg));
    CHECK(memcmp(buf, msg, sizeof(msg)) == 0, "pipe data lost or changed after EFAULT reads");
    OK(close(p[0]));
    OK(close(p[1]));
}

/* A directory of many entries (past the size where it is indexed) behaves like a small one. */
static void test_bigdir(void)
{
    enum { N = 700 };
    char p[48];
    OK(mkdir("bd", 0755));
    for (int i = 0; i < N; i++) {
        snprintf(p, sizeof(p), "bd/entry-%d", i);
        int fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
        CHECK(fd >= 0, "create %s: %s", p, errname(errno));
        OK(close(fd));
    }
    snprintf(p, sizeof(p), "bd/entry-%d", N / 2);
    EXPECT_ERR(open(p, O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    for (int i = 0; i < N; i += 2) { /* free every other slot, then refill them */
        snprintf(p, sizeof(p), "bd/entry-%d", i);
        OK(unlink(p));
    }
    struct stat st;
    for (int i = 0; i < N; i++) {
        snprintf(p, sizeof(p), "bd/entry-%d", i);
        CHECK((stat(p, &st) == 0) == (i % 2 == 1), "stat %s after unlinking the even ones", p);
    }
    for (int i = 0; i < N; i += 2) {
        snprintf(p, sizeof(p), "bd/new-%d", i);
        write_file(p, "n", 1);
    }
    OK(stat("bd", &st));
    CHECK(st.st_size <= (N + 2 + 63) / 64 * 4096,
          "directory grew to %ld bytes: free slots not reused", (long)st.st_size);
    DIR *d = opendir("bd");
    CHECK(d != NULL, "opendir");
    int entries = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        entries++;
    closedir(d);
    CHECK(entries == N + 2, "%d entries listed, expected %d", entries, N + 2);
    for (int i = 0; i < N; i++) {
        snprintf(p, sizeof(p), i % 2 ? "bd/entry-%d" : "bd/new-%d", i);
        OK(unlink(p));
    }
    OK(rmdir("bd"));
}

static void test_posix_corners(void)
{
    struct stat st;
    OK(mkdir("pc", 0755));
    write_file("pc/file", "contents", 8);
    EXPECT_ERR(stat("pc/file/", &st), ENOTDIR);
    EXPECT_ERR(open("pc/file/", O_RDONLY), ENOTDIR);
    EXPECT_ERR(unlink("pc/file/"), ENOTDIR);
    EXPECT_ERR(open("pc/new/", O_CREAT | O_WRONLY, 0644), EISDIR);
    OK(stat("pc/", &st));
    /* O_CREAT through a symlink opens (and truncates) the existing target. */
    OK(symlink("file", "pc/link"));
    int fd = open("pc/link", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CHECK(fd >= 0, "open(link, O_CREAT|O_TRUNC): %s", errname(errno));
    xwrite(fd, "new", 3);
    OK(close(fd));
    OK(stat("pc/file", &st));
    CHECK(st.st_size == 3, "target size %ld after writing through the link", (long)st.st_size);
    EXPECT_ERR(open("pc/link", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    EXPECT_ERR(open("pc/link", O_CREAT | O_WRONLY | O_NOFOLLOW, 0644), ELOOP);
    EXPECT_ERR(stat("pc/link/", &st), ENOTDIR); /* "link/" follows the link to a file */
    /* ... and creates a dangling link's target. */
    OK(symlink("made", "pc/dangling"));
    fd = open("pc/dangling", O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0, "open(dangling link, O_CREAT): %s", errname(errno));
    OK(close(fd));
    OK(stat("pc/made", &st));
    /* A loop is ELOOP, with or without O_CREAT. */
    OK(symlink("loop2", "pc/loop1"));
    OK(symlink("loop1", "pc/loop2"));
    EXPECT_ERR(open("pc/loop1", O_CREAT | O_WRONLY, 0644), ELOOP);
    EXPECT_ERR(open("pc/loop1", O_RDONLY), ELOOP);
    const char *names[] = {"pc/file", "pc/link", "pc/dangling", "pc/made", "pc/loop1", "pc/loop2"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        OK(unlink(names[i]));
    OK(rmdir("pc"));
}

/*
 * Files bigger than one transaction may free: a sparse file of 64 MiB is
 * truncated in steps, and one unlinked while open is freed in steps after
 * the close.  fsck after the suite checks every block came back.
 */
static void test_big_truncate(void)
{
    int fd = xopen("bt", O_CREAT | O_RDWR | O_TRUNC);
    for (long off = 0; off < 64 * MiB; off += 3 * MiB + 4096)
        CHECK(pwrite(fd, "block", 5, off) == 5, "pwrite at %ld: %s", off, errname(errno));
    OK(ftruncate(fd, 5 * MiB + 17));
    struct stat st;
    OK(fstat(fd, &st));
    CHECK(st.st_size == 5 * MiB + 17, "size %ld after ftruncate", (long)st.st_size);
    char b[5];
    CHECK(pread(fd, b, 5, 3 * MiB + 4096) == 5 && memcmp(b, "block", 5) == 0, "kept data lost");
    OK(ftruncate(fd, 0));
    OK(fstat(fd, &st));
    CHECK(st.st_size == 0 && st.st_blocks == 0, "size %ld, %ld blocks after truncating to 0",
          (long)st.st_size, (long)st.st_blocks);
    for (long off = 0; off < 64 * MiB; off += 3 * MiB + 4096)
        CHECK(pwrite(fd, "block", 5, off) == 5, "pwrite at %ld: %s", off, errname(errno));
    OK(unlink("bt"));
    OK(close(fd)); /* the last reference: its blocks are freed now */
    fd = xopen("bt", O_CREAT | O_RDWR | O_TRUNC);
    for (long off = 0; off < 64 * MiB; off += 3 * MiB + 4096)
        CHECK(pwrite(fd, "block", 5, off) == 5, "pwrite at %ld: %s", off, errname(errno));
    OK(close(fd));
    fd = xopen("bt", O_WRONLY | O_TRUNC); /* O_TRUNC of a big file */
    OK(fstat(fd, &st));
    CHECK(st.st_size == 0, "O_TRUNC left %ld bytes", (long)st.st_size);
    OK(close(fd));
    OK(unlink("bt"));
}

static const struct ut_test fshard_tests[] = {
    {"rename-alias", test_rename_alias, UT_QUICK, 0, UT_ANY},
    {"getdents-offset", test_getdents_offset, UT_QUICK, 0, UT_QUILL_ONLY},
    {"getdents-padding", test_getdents_padding, UT_QUICK, 0, UT_QUILL_ONLY},
    {"write-fault-blocks", test_write_fault_blocks, UT_QUICK, 0, UT_ANY},
    {"write-fault-bytes", test_write_fault_bytes, UT_QUICK, 0, UT_ANY},
    {"pipe-read-fault", test_pipe_read_fault, UT_QUICK, 0, UT_ANY},
    {"bigdir", test_bigdir, UT_QUICK, 0, UT_ANY},
    {"posix-corners", test_posix_corners, UT_QUICK, 0, UT_ANY},
    {"big-truncate", test_big_truncate, UT_QUICK, 0, UT_ANY},
};
UT_REGISTER(fshard_tests);
