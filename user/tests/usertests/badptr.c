/*
 * usertests, bad pointers: every system call that takes a user pointer returns
 * EFAULT for an unmapped address, a kernel address, or a range that runs off
 * the end of mapped memory, and changes nothing.
 */
#include "ut.h"

static void test_badptr_rw(void)
{
    char *bad[] = {unmapped_addr(), KERNEL_ADDR};
    char data[100], back[100];
    pattern((unsigned char *)data, 100, 0, 3);
    write_file("f", data, 100);
    int fd = xopen("f", O_RDWR), p[2];
    OK(pipe(p));
    for (int i = 0; i < 2; i++) {
        OK(lseek(fd, 0, SEEK_SET));
        EXPECT_RAW(r_read(fd, bad[i], 10), EFAULT);
        OK(lseek(fd, 0, SEEK_SET));
        EXPECT_RAW(r_write(fd, bad[i], 10), EFAULT);
        EXPECT_RAW(r_pread(fd, bad[i], 10, 0), EFAULT);
        EXPECT_RAW(r_pwrite(fd, bad[i], 10, 0), EFAULT);
        if (QUILL) /* Linux extends the file before it faults */
            EXPECT_RAW(r_pwrite(fd, bad[i], 10, 200), EFAULT);
        EXPECT_RAW(r_write(p[1], bad[i], 10), EFAULT);
        xwrite(p[1], "0123456789", 10);
        EXPECT_RAW(r_read(p[0], bad[i], 10), EFAULT);
        EXPECT_RAW(r_write(1, bad[i], 10), EFAULT); /* the console */
    }
    if (QUILL) { /* ranges that wrap around or run into the kernel half */
        char *ok = malloc(64);
        unsigned long wrap = 0UL - (uintptr_t)ok + PAGE;
        unsigned long into = (uintptr_t)KERNEL_ADDR - (uintptr_t)ok + PAGE;
        EXPECT_RAW(r_read(fd, ok, wrap), EFAULT);
        EXPECT_RAW(r_write(fd, ok, wrap), EFAULT);
        EXPECT_RAW(r_read(fd, ok, into), EFAULT);
        EXPECT_RAW(r_write(fd, ok, into), EFAULT);
        EXPECT_RAW(r_pread(fd, ok, into, 0), EFAULT);
        EXPECT_RAW(r_pwrite(fd, ok, into, 0), EFAULT);
        free(ok);
    }
    struct stat st;
    OK(fstat(fd, &st));
    CHECK(st.st_size == 100, "file size %ld after failed writes", (long)st.st_size);
    CHECK(pread(fd, back, 100, 0) == 100 && memcmp(back, data, 100) == 0, "file changed");
    close(fd);
    OK(unlink("f"));
}

static void test_badptr_path(void)
{
    write_file("f", "x", 1);
    OK(symlink("f", "s"));
    static char stbuf[512] __attribute__((aligned(16)));
    char *end = region_end(), *bad[3] = {unmapped_addr(), KERNEL_ADDR, end - 16};
    memset(end - 16, 'a', 16); /* a path with no NUL before unmapped memory */
    for (int i = 0; i < 3; i++) {
        char *b = bad[i];
        EXPECT_RAW(r_open(b, O_RDONLY), EFAULT);
        EXPECT_RAW(r_open(b, O_CREAT | O_WRONLY), EFAULT);
        EXPECT_RAW(r_stat(b, stbuf), EFAULT);
        EXPECT_RAW(r_lstat(b, stbuf), EFAULT);
        EXPECT_RAW(r_mkdir(b), EFAULT);
        EXPECT_RAW(r_unlink(b), EFAULT);
        EXPECT_RAW(r_rmdir(b), EFAULT);
        EXPECT_RAW(r_link("f", b), EFAULT);
        EXPECT_RAW(r_link(b, "g"), EFAULT);
        EXPECT_RAW(r_symlink(b, "g"), EFAULT);
        EXPECT_RAW(r_symlink("f", b), EFAULT);
        EXPECT_RAW(r_readlink(b, stbuf, 64), EFAULT);
        EXPECT_RAW(r_rename(b, "g"), EFAULT);
        EXPECT_RAW(r_rename("f", b), EFAULT);
        EXPECT_RAW(r_chdir(b), EFAULT);
        if (i < 2) {
            EXPECT_RAW(r_readlink("s", b, 64), EFAULT);
            EXPECT_RAW(r_stat("f", b), EFAULT);
            EXPECT_RAW(r_lstat("s", b), EFAULT);
        }
    }
    CHECK(exists("f") && exists("s") && !exists("g"), "bad-pointer calls changed the directory");
    CHECK(dir_count(".") == 2, "bad-pointer calls created something");
    OK(unlink("s"));
    OK(unlink("f"));
}

static void test_badptr_misc(void)
{
    char *bad[] = {unmapped_addr(), KERNEL_ADDR};
    int lowest = OK(dup(0));
    OK(close(lowest));
    int dfd = xopen(".", O_RDONLY);
    for (int i = 0; i < 2; i++) {
        char *b = bad[i];
        EXPECT_RAW(r_pipe((int *)b), EFAULT);
        int pid = xfork();
        if (pid == 0)
            _exit(5);
        msleep(50);
        int st = 0;
        EXPECT_RAW(r_wait(pid, (int *)b), EFAULT);
        long r = r_wait(pid, &st); /* the child may or may not have been reaped */
        CHECK(r == -ECHILD || (r == pid && WEXITSTATUS(st) == 5), "wait after EFAULT: %ld %#x", r,
              st);
        EXPECT_RAW(r_getcwd(b, 100), EFAULT);
        EXPECT_RAW(r_fstat(dfd, b), EFAULT);
        EXPECT_RAW(r_getdents(dfd, b, 4096), EFAULT);
        EXPECT_RAW(r_nanosleep(b, 0), EFAULT);
        EXPECT_RAW(r_clock_monotonic(b), EFAULT);
        EXPECT_RAW(r_uname(b), EFAULT);
#if QUILL
        EXPECT_RAW(r_getprocs(b, 10), EFAULT);
#endif
    }
    /* fds[0] mapped, fds[1] not. */
    EXPECT_RAW(r_pipe((int *)(region_end() - sizeof(int))), EFAULT);
    close(dfd);
    int again = OK(dup(0));
    CHECK(again == lowest, "failed pipe() calls leaked descriptors (lowest free %d, was %d)", again,
          lowest);
    close(again);
}

static void test_badptr_exec(void)
{
    char *argv[] = {self_path, "--exec-fail", 0}, *envp[] = {0};
    for (int i = 0; i < 2; i++) {
        char *b = i ? KERNEL_ADDR : unmapped_addr();
        char *badarg[] = {self_path, b, 0};
        EXPECT_RAW(r_execve(b, argv, envp), EFAULT);
        EXPECT_RAW(r_execve(self_path, (char **)b, envp), EFAULT);
        EXPECT_RAW(r_execve(self_path, badarg, envp), EFAULT);
        EXPECT_RAW(r_execve(self_path, argv, (char **)b), EFAULT);
        EXPECT_RAW(r_execve(self_path, argv, badarg + 1), EFAULT);
    }
    char *end = region_end();
    memset(end - 16, 'a', 16);
    EXPECT_RAW(r_execve(end - 16, argv, envp), EFAULT);
    /* An argv array that runs into unmapped memory without its NULL. */
    end = region_end();
    char **av = (char **)end - 2;
    av[0] = self_path;
    av[1] = "--exec-fail";
    EXPECT_RAW(r_execve(self_path, av, envp), EFAULT);
}

static const struct ut_test badptr_tests[] = {
    {"badptr-rw", test_badptr_rw, UT_QUICK, 0, UT_ANY},
    {"badptr-path", test_badptr_path, UT_QUICK, 0, UT_ANY},
    {"badptr-misc", test_badptr_misc, UT_QUICK, 0, UT_ANY},
    {"badptr-exec", test_badptr_exec, UT_QUICK, 0, UT_ANY},
};
UT_REGISTER(badptr_tests);
