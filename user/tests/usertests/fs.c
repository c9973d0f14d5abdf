/*
 * usertests, files and directories: big and sparse files, many files,
 * directories and the working directory, hard and symbolic links, rename,
 * truncate, append, lseek, unlinked open files, shared offsets, dup and
 * descriptor numbers, concurrent creators and removers.
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

static void test_manyfiles(void)
{
    enum { N = 300 };
    static char seen[N];
    char name[16], buf[16];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "f%03d", i);
        write_file(name, name, 5);
    }
    DIR *d = opendir(".");
    CHECK(d, "opendir: %s", errname(errno));
    struct dirent *e;
    int dots = 0;
    while ((e = readdir(d)) != 0) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            dots++;
            continue;
        }
        int i = atoi(e->d_name + 1);
        CHECK(e->d_name[0] == 'f' && i >= 0 && i < N && !seen[i], "readdir: odd or repeated %s",
              e->d_name);
        seen[i] = 1;
    }
    closedir(d);
    CHECK(dots == 2, "readdir returned %d of . and ..", dots);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "f%03d", i);
        CHECK(seen[i], "readdir missed %s", name);
        CHECK(read_file(name, buf, sizeof(buf)) == 5 && !strcmp(buf, name), "%s content", name);
        OK(unlink(name));
    }
    CHECK(dir_count(".") == 0, "directory not empty after unlinking everything");
}

static void test_dirs(void)
{
    struct stat st, st2;
    OK(mkdir("a", 0755));
    EXPECT_ERR(mkdir("a", 0755), EEXIST);
    OK(mkdir("a/b", 0755));
    write_file("a/b/f", "f", 1);
    OK(stat("a", &st));
    CHECK(S_ISDIR(st.st_mode) && st.st_nlink == 3, "a: mode %o nlink %ld", st.st_mode,
          (long)st.st_nlink);
    OK(stat("a/b/..", &st2));
    CHECK(st2.st_ino == st.st_ino, "a/b/.. is not a");
    OK(stat(".", &st));
    OK(stat("a/..", &st2));
    CHECK(st2.st_ino == st.st_ino, "a/.. is not .");
    EXPECT_ERR2(rmdir("a"), ENOTEMPTY, EEXIST);
    EXPECT_ERR(rmdir("a/b/f"), ENOTDIR);
    EXPECT_ERR2(unlink("a"), EISDIR, EPERM);
    EXPECT_ERR(open("a", O_WRONLY), EISDIR);
    EXPECT_ERR(open("a", O_RDWR), EISDIR);
    EXPECT_ERR(open("nope", O_RDONLY), ENOENT);
    EXPECT_ERR(open("nope/x", O_CREAT | O_WRONLY, 0644), ENOENT);
    EXPECT_ERR(open("", O_RDONLY), ENOENT);
    EXPECT_ERR(open("a/b/f/x", O_RDONLY), ENOTDIR);
    EXPECT_ERR(mkdir("a/b/f/x", 0755), ENOTDIR);
    EXPECT_ERR(chdir("a/b/f"), ENOTDIR);
    EXPECT_ERR(open("a/b/f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    EXPECT_ERR(open("a/b/f", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);

    char name[NAME_LIMIT + 2];
    memset(name, 'n', NAME_LIMIT + 1);
    name[NAME_LIMIT + 1] = 0;
    EXPECT_ERR(open(name, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
    EXPECT_ERR(mkdir(name, 0755), ENAMETOOLONG);
    EXPECT_ERR(stat(name, &st), ENAMETOOLONG);
    name[NAME_LIMIT] = 0;
    write_file(name, "longest", 7);
    OK(unlink(name));

    OK(unlink("a/b/f"));
    OK(rmdir("a/b"));
    OK(stat("a", &st));
    CHECK(st.st_nlink == 2, "a has nlink %ld after rmdir of its only subdirectory",
          (long)st.st_nlink);
    OK(rmdir("a"));
    EXPECT_ERR(stat("a", &st), ENOENT);
}

static void test_cwd(void)
{
    char start[1024], buf[1100], want[1100];
    CHECK(getcwd(start, sizeof(start)), "getcwd: %s", errname(errno));
    CHECK(start[0] == '/' && strstr(start, "/cwd"), "getcwd says %s", start);
    OK(mkdir("c1", 0755));
    OK(mkdir("c1/c2", 0755));
    OK(chdir("c1/c2"));
    snprintf(want, sizeof(want), "%s/c1/c2", start);
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, want), "getcwd in c1/c2: %s", buf);
    write_file("f", "x", 1);
    OK(chdir("../.."));
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, start), "getcwd after ../..: %s", buf);
    CHECK(exists("c1/c2/f"), "relative create went elsewhere");
    CHECK(getcwd(buf, 2) == 0 && errno == ERANGE, "getcwd into 2 bytes: %s", errname(errno));
    EXPECT_ERR(chdir("nope"), ENOENT);
    OK(chdir("/"));
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, "/"), "getcwd at the root: %s", buf);
    OK(chdir(start));
    OK(chdir("c1"));
    int pid = xfork();
    if (pid == 0) { /* inherits the cwd; its chdir is its own */
        snprintf(want, sizeof(want), "%s/c1", start);
        CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, want), "child's cwd %s", buf);
        OK(chdir("/"));
        _exit(0);
    }
    wait_ok(pid, "child");
    CHECK(exists("c2/f"), "the child's chdir moved the parent");
    OK(chdir(".."));
    OK(unlink("c1/c2/f"));
    OK(rmdir("c1/c2"));
    OK(rmdir("c1"));
}

static void test_links(void)
{
    struct stat a, b;
    char buf[32];
    write_file("a", "hello", 5);
    OK(link("a", "b"));
    OK(stat("a", &a));
    OK(stat("b", &b));
    CHECK(a.st_ino == b.st_ino && a.st_nlink == 2, "link: ino %ld/%ld nlink %ld", (long)a.st_ino,
          (long)b.st_ino, (long)a.st_nlink);
    OK(unlink("a"));
    CHECK(read_file("b", buf, sizeof(buf)) == 5 && !strcmp(buf, "hello"),
          "content lost with a link");
    OK(stat("b", &b));
    CHECK(b.st_nlink == 1, "nlink %ld after unlink", (long)b.st_nlink);
    EXPECT_ERR(link("b", "b"), EEXIST);
    EXPECT_ERR(link("nope", "c"), ENOENT);
    OK(mkdir("d", 0755));
    EXPECT_ERR2(link("d", "e"), EPERM, EISDIR);
    OK(link("b", "c"));
    int fd = xopen("c", O_WRONLY | O_APPEND);
    xwrite(fd, " world", 6);
    close(fd);
    CHECK(read_file("b", buf, sizeof(buf)) == 11 && !strcmp(buf, "hello world"),
          "write via a link");
    char name[16];
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "l%d", i);
        OK(link("b", name));
    }
    OK(stat("c", &b));
    CHECK(b.st_nlink == 22, "nlink %ld, expected 22", (long)b.st_nlink);
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "l%d", i);
        OK(unlink(name));
    }
    OK(unlink("b"));
    OK(unlink("c"));
    OK(rmdir("d"));
}

static void test_rename(void)
{
    struct stat st, st2;
    char buf[8];
    write_file("a", "A", 1);
    OK(rename("a", "b"));
    CHECK(!exists("a") && read_file("b", buf, 8) == 1 && buf[0] == 'A', "rename a b");
    write_file("c", "C", 1);
    OK(rename("b", "c"));
    CHECK(!exists("b") && read_file("c", buf, 8) == 1 && buf[0] == 'A', "rename over a file");
    OK(rename("c", "c"));
    CHECK(exists("c"), "rename to itself removed it");
    OK(mkdir("d", 0755));
    OK(rename("c", "d/c"));
    OK(mkdir("e", 0755));
    OK(rename("d", "e/d"));
    CHECK(exists("e/d/c") && !exists("d"), "moving a directory");
    OK(stat("e", &st));
    OK(stat("e/d/..", &st2));
    CHECK(st.st_ino == st2.st_ino, "a moved directory's .. is stale");
    CHECK(st.st_nlink == 3, "new parent nlink %ld", (long)st.st_nlink);
    OK(stat(".", &st));
    CHECK(st.st_nlink == 3, "old parent nlink %ld", (long)st.st_nlink);
    EXPECT_ERR(rename("e", "e/d/x"), EINVAL);
    EXPECT_ERR(rename("nope", "x"), ENOENT);
    write_file("f", "F", 1);
    EXPECT_ERR(rename("f", "e"), EISDIR);
    OK(mkdir("g", 0755));
    EXPECT_ERR(rename("g", "f"), ENOTDIR);
    EXPECT_ERR2(rename("g", "e"), ENOTEMPTY, EEXIST);
    OK(mkdir("h", 0755));
    OK(rename("g", "h"));
    CHECK(!exists("g") && exists("h"), "rename over an empty directory");
    OK(link("f", "f2"));
    OK(rename("f", "f2")); /* two names of one file: nothing happens */
    CHECK(exists("f") && exists("f2"), "rename between links of one file removed a name");
    OK(unlink("f"));
    OK(unlink("f2"));
    OK(rmdir("h"));
    OK(unlink("e/d/c"));
    OK(rmdir("e/d"));
    OK(rmdir("e"));
}

static void test_symlinks(void)
{
    char buf[64];
    struct stat st;
    write_file("t", "target", 6);
    OK(symlink("t", "l"));
    CHECK(readlink("l", buf, sizeof(buf)) == 1 && buf[0] == 't', "readlink l");
    OK(stat("l", &st));
    CHECK(S_ISREG(st.st_mode) && st.st_size == 6, "stat follows the link");
    OK(lstat("l", &st));
    CHECK(S_ISLNK(st.st_mode) && st.st_size == 1, "lstat of a link");
    CHECK(read_file("l", buf, sizeof(buf)) == 6 && !strcmp(buf, "target"), "open through a link");
    OK(symlink("abcdef", "long"));
    CHECK(readlink("long", buf, 3) == 3 && !memcmp(buf, "abc", 3), "readlink into a short buffer");
    OK(symlink("nope", "dangle"));
    EXPECT_ERR(open("dangle", O_RDONLY), ENOENT);
    OK(lstat("dangle", &st));
    OK(symlink("loop2", "loop1"));
    OK(symlink("loop1", "loop2"));
    EXPECT_ERR(open("loop1", O_RDONLY), ELOOP);
    EXPECT_ERR(stat("loop1", &st), ELOOP);
    EXPECT_ERR(readlink("t", buf, sizeof(buf)), EINVAL);
    EXPECT_ERR(symlink("x", "t"), EEXIST);
    OK(mkdir("d", 0755));
    write_file("d/x", "in d", 4);
    OK(symlink("x", "d/lx")); /* relative to the link's own directory */
    CHECK(read_file("d/lx", buf, sizeof(buf)) == 4 && !strcmp(buf, "in d"),
          "relative link in a subdir");
    OK(symlink("d", "ld"));
    CHECK(read_file("ld/x", buf, sizeof(buf)) == 4, "path through a link to a directory");
    char abs[PATH_MAX];
    CHECK(getcwd(abs, sizeof(abs) - 3), "getcwd");
    strcat(abs, "/t");
    OK(symlink(abs, "abs"));
    CHECK(read_file("abs", buf, sizeof(buf)) == 6, "absolute link");
    OK(unlink("l"));
    CHECK(exists("t"), "unlink of a link removed its target");
    static const char *names[] = {"t",   "long", "dangle", "loop1", "loop2",
                                  "d/x", "d/lx", "ld",     "abs"};
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        OK(unlink(names[i]));
    OK(rmdir("d"));
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

static const struct ut_test fs_tests[] = {
    {"bigfile", test_bigfile, UT_QUICK, 0, UT_ANY},
    {"sparse", test_sparse, UT_QUICK, 0, UT_ANY},
    {"manyfiles", test_manyfiles, UT_QUICK, 0, UT_ANY},
    {"dirs", test_dirs, UT_QUICK, 0, UT_ANY},
    {"cwd", test_cwd, UT_QUICK, 0, UT_ANY},
    {"links", test_links, UT_QUICK, 0, UT_ANY},
    {"rename", test_rename, UT_QUICK, 0, UT_ANY},
    {"symlinks", test_symlinks, UT_QUICK, 0, UT_ANY},
    {"truncate", test_truncate, UT_QUICK, 0, UT_ANY},
    {"append", test_append, UT_QUICK, 0, UT_ANY},
    {"lseek", test_lseek, UT_QUICK, 0, UT_ANY},
    {"unlinkopen", test_unlinkopen, UT_QUICK, 0, UT_ANY},
    {"sharedoffset", test_sharedoffset, UT_QUICK, 0, UT_ANY},
    {"dup", test_dup, UT_QUICK, 0, UT_ANY},
    {"lowestfd", test_lowestfd, UT_QUICK, 0, UT_ANY},
    {"manyfds", test_manyfds, UT_QUICK, 0, UT_ANY},
    {"fsrace", test_fsrace, UT_QUICK, 0, UT_ANY},
    {"excl", test_excl, UT_QUICK, 0, UT_ANY},
    {"concdirs", test_concdirs, UT_QUICK, 0, UT_ANY},
    {"fsrace-long", test_fsrace_long, UT_SLOW, 0, UT_ANY},
};
UT_REGISTER(fs_tests);
