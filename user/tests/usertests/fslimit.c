/*
 * usertests, file-system limits: the disk filled up and the inode table used
 * up; the space and the inodes come back after the files are removed.
 */
#include "ut.h"

/* Write until the disk is full; the space comes back after unlink. */
static long fill_disk(void)
{
    static unsigned char buf[64 * 1024];
    memset(buf, 0xab, sizeof(buf));
    int fd = xopen("fill", O_CREAT | O_WRONLY | O_TRUNC);
    long total = 0, r;
    while ((r = write(fd, buf, sizeof(buf))) == (long)sizeof(buf))
        total += r;
    if (r > 0) { /* a short write; the next one must fail */
        total += r;
        r = write(fd, buf, sizeof(buf));
    }
    CHECK(r == -1 && errno == ENOSPC, "write on a full disk: %ld (%s)", r, errname(errno));
    struct stat st;
    OK(fstat(fd, &st));
    CHECK(st.st_size == total, "size %ld, wrote %ld", (long)st.st_size, total);
    close(fd);
    return total;
}

static void test_diskfull(void)
{
    long first = fill_disk();
    CHECK(first > 8 * MiB, "the disk filled after %ld KiB", first / KiB);
    char buf[8];
    CHECK(read_file("fill", buf, sizeof(buf)) == 7, "cannot read a file on a full disk");
    OK(unlink("fill"));
    long again = fill_disk();
    CHECK(again == first, "first fill %ld bytes, second %ld: blocks leak", first, again);
    OK(unlink("fill"));
}

/* Create empty files until the inodes run out; freed inodes are reused. */
static int fill_inodes(int *ndirs, int start)
{
    char name[32];
    int n = start;
    for (;; n++) {
        if (n % 200 == 0 && n / 200 >= *ndirs) {
            snprintf(name, sizeof(name), "d%d", n / 200);
            if (mkdir(name, 0755) != 0) {
                CHECK(errno == ENOSPC, "mkdir %s: %s", name, errname(errno));
                return n;
            }
            (*ndirs)++;
        }
        snprintf(name, sizeof(name), "d%d/f%d", n / 200, n);
        int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) {
            CHECK(errno == ENOSPC, "create %s: %s", name, errname(errno));
            return n;
        }
        close(fd);
    }
}

static void test_inodes(void)
{
    int ndirs = 0;
    char name[32];
    int n = fill_inodes(&ndirs, 0);
    CHECK(n > 500, "inodes ran out after %d files", n);
    int freed = 0;
    for (int i = 0; i < n; i += 2, freed++) {
        snprintf(name, sizeof(name), "d%d/f%d", i / 200, i);
        OK(unlink(name));
    }
    /* Refill with new names in the existing directories. */
    int made = 0;
    for (;; made++) {
        snprintf(name, sizeof(name), "d%d/g%d", made % ndirs, made);
        int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) {
            CHECK(errno == ENOSPC, "create %s: %s", name, errname(errno));
            break;
        }
        close(fd);
    }
    CHECK(made == freed, "freed %d inodes but could create %d files", freed, made);
    for (int i = 1; i < n; i += 2) {
        snprintf(name, sizeof(name), "d%d/f%d", i / 200, i);
        OK(unlink(name));
    }
    for (int i = 0; i < made; i++) {
        snprintf(name, sizeof(name), "d%d/g%d", i % ndirs, i);
        OK(unlink(name));
    }
    for (int d = 0; d < ndirs; d++) {
        snprintf(name, sizeof(name), "d%d", d);
        OK(rmdir(name));
    }
}

static const struct ut_test fslimit_tests[] = {
    {"diskfull", test_diskfull, UT_SLOW, 0, UT_QUILL_ONLY},
    {"inodes", test_inodes, UT_SLOW, 0, UT_QUILL_ONLY},
};
UT_REGISTER(fslimit_tests);
