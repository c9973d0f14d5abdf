/*
 * usertests, concurrent file-system calls: processes racing create, unlink,
 * link, rename, mkdir, rmdir and stat on a few shared names (the end state
 * consistent: regular files with their data, link counts equal to the
 * names, every inode given back), racing O_CREAT|O_EXCL (exactly one
 * creator each round), and workers filling and emptying one directory.
 */
#include "ut.h"

/* Processes race create/unlink/link/rename/mkdir/rmdir on shared names. */
static void fs_race(int iters)
{
    enum { W = 4, NAMES = 8 };
    int pids[W];
    unsigned long inodes = free_inodes();
    for (int w = 0; w < W; w++) {
        if ((pids[w] = xfork()) != 0)
            continue;
        unsigned seed = 12345 + w * 777;
        char a[8], b[8];
        for (int i = 0; i < iters; i++) {
            seed = seed * 1103515245 + 12345;
            int op = (seed >> 8) % 7;
            snprintf(a, sizeof(a), "n%u", (seed >> 12) % NAMES);
            snprintf(b, sizeof(b), "n%u", (seed >> 20) % NAMES);
            long r = 0;
            int fd;
            struct stat st;
            switch (op) {
            case 0:
                fd = open(a, O_CREAT | O_WRONLY, 0644);
                CHECK(fd >= 0, "create %s: %s", a, errname(errno));
                xwrite(fd, "data", 4);
                close(fd);
                break;
            case 1:
                r = unlink(a);
                break;
            case 2:
                r = link(a, b);
                break;
            case 3:
                r = rename(a, b);
                break;
            case 4:
                r = mkdir(a[1] < '4' ? "d0" : "d1", 0755);
                break;
            case 5:
                r = rmdir(a[1] < '4' ? "d0" : "d1");
                break;
            case 6:
                r = stat(a, &st);
                CHECK(r < 0 || (S_ISREG(st.st_mode) && (st.st_size == 0 || st.st_size == 4)),
                      "stat %s: mode %o size %ld", a, st.st_mode, (long)st.st_size);
                break;
            }
            CHECK(r == 0 || errno == ENOENT || errno == EEXIST, "op %d on %s %s: %s", op, a, b,
                  errname(errno));
        }
        _exit(0);
    }
    for (int w = 0; w < W; w++)
        wait_ok(pids[w], "racer");
    /* Consistent end state: regular files with intact data, nlink = names. */
    struct stat st[NAMES];
    int present[NAMES];
    char name[8], buf[8];
    for (int i = 0; i < NAMES; i++) {
        snprintf(name, sizeof(name), "n%d", i);
        present[i] = lstat(name, &st[i]) == 0;
        if (!present[i])
            continue;
        CHECK(S_ISREG(st[i].st_mode), "%s is not a regular file", name);
        long n = read_file(name, buf, sizeof(buf));
        CHECK((n == 0 && st[i].st_size == 0) || (n == 4 && !strcmp(buf, "data")), "%s content",
              name);
    }
    for (int i = 0; i < NAMES; i++) {
        if (!present[i])
            continue;
        long names = 0;
        for (int k = 0; k < NAMES; k++)
            names += present[k] && st[k].st_ino == st[i].st_ino;
        CHECK((long)st[i].st_nlink == names, "n%d: nlink %ld but %ld names", i,
              (long)st[i].st_nlink, names);
    }
    for (int i = 0; i < NAMES; i++) {
        snprintf(name, sizeof(name), "n%d", i);
        if (present[i])
            OK(unlink(name));
    }
    if (exists("d0"))
        OK(rmdir("d0"));
    if (exists("d1"))
        OK(rmdir("d1"));
    CHECK(dir_count(".") == 0, "leftovers after the race");
    /* The last put of an unlinked inode frees it, however the puts raced. */
    unsigned long after = free_inodes();
    CHECK(!QUILL || after == inodes, "%lu inodes free before the race, %lu after", inodes, after);
}

static void test_fsrace(void)
{
    fs_race(300);
}
static void test_fsrace_long(void)
{
    fs_race(3000);
}

/* Racing O_CREAT|O_EXCL: exactly one process creates the file each round. */
static void test_excl(void)
{
    for (int round = 0; round < 20; round++) {
        int p[2], pids[4], created = 0;
        OK(pipe(p));
        for (int w = 0; w < 4; w++) {
            if ((pids[w] = xfork()) == 0) {
                char c;
                close(p[1]);
                if (read(p[0], &c, 1) != 0)
                    _exit(3);
                int fd = open("x", O_CREAT | O_EXCL | O_WRONLY, 0644);
                if (fd >= 0)
                    _exit(1);
                _exit(errno == EEXIST ? 0 : 2);
            }
        }
        close(p[0]);
        close(p[1]); /* go */
        for (int w = 0; w < 4; w++) {
            int s = wait_exit(pids[w]);
            CHECK(s <= 1, "round %d: racer exit %d", round, s);
            created += s;
        }
        CHECK(created == 1, "round %d: %d processes created the same file", round, created);
        OK(unlink("x"));
    }
}

/* Processes create, check and remove their own files in one shared directory. */
static void test_concdirs(void)
{
    int pids[4];
    for (int w = 0; w < 4; w++) {
        if ((pids[w] = xfork()) != 0)
            continue;
        char name[16], buf[16];
        for (int i = 0; i < 50; i++) {
            snprintf(name, sizeof(name), "w%d_%d", w, i);
            write_file(name, name, strlen(name));
        }
        for (int i = 0; i < 50; i++) {
            snprintf(name, sizeof(name), "w%d_%d", w, i);
            CHECK(read_file(name, buf, sizeof(buf)) == (long)strlen(name) && !strcmp(buf, name),
                  "%s has the wrong content", name);
            OK(unlink(name));
        }
        _exit(0);
    }
    for (int w = 0; w < 4; w++)
        wait_ok(pids[w], "directory worker");
    CHECK(dir_count(".") == 0, "leftover files");
}

static const struct ut_test fsrace_tests[] = {
    {"fsrace", test_fsrace, UT_QUICK, 0, UT_ANY},
    {"excl", test_excl, UT_QUICK, 0, UT_ANY},
    {"concdirs", test_concdirs, UT_QUICK, 0, UT_ANY},
    {"fsrace-long", test_fsrace_long, UT_SLOW, 0, UT_ANY},
};
UT_REGISTER(fsrace_tests);
