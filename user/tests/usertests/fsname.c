/*
 * usertests, directories and names: many files in one directory read back
 * by readdir, mkdir/rmdir and the errors of path lookup (ENOENT, ENOTDIR,
 * EISDIR, ENAMETOOLONG at the name limit), the working directory (getcwd,
 * chdir, a child's own), hard links and their counts, rename of files and
 * directories (over files, empty directories, into itself, between two
 * names of one file), and symbolic links (relative, absolute, dangling,
 * loops, readlink).
 */
#include "ut.h"

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

static const struct ut_test fsname_tests[] = {
    {"manyfiles", test_manyfiles, UT_QUICK, 0, UT_ANY},
    {"dirs", test_dirs, UT_QUICK, 0, UT_ANY},
    {"cwd", test_cwd, UT_QUICK, 0, UT_ANY},
    {"links", test_links, UT_QUICK, 0, UT_ANY},
    {"rename", test_rename, UT_QUICK, 0, UT_ANY},
    {"symlinks", test_symlinks, UT_QUICK, 0, UT_ANY},
};
UT_REGISTER(fsname_tests);
