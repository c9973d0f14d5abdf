/*
 * usertests, exec: arguments and environment reach the new image, descriptors
 * survive (O_CLOEXEC ones do not), malformed executables and oversized
 * argument lists fail cleanly.  Also the modes this program runs in when a
 * test execs it (ut_exec_mode).
 */
#include "ut.h"

/* Read-only data touched only by --exec-bus: far into the file, never read in before. */
static const volatile char bus_probe[64 * 1024] = {[sizeof(bus_probe) - 1] = 7};

/* Modes of this program when it is the target of an exec test (main calls it). */
int ut_exec_mode(int argc, char **argv)
{
    extern char **environ;
    const char *mode = argv[1];
    if (strcmp(mode, "--exec-echo") == 0) {
        int nenv = 0;
        for (char **e = environ; e && *e; e++)
            nenv++;
        printf("argc=%d argv0=%s\n", argc, argv[0]);
        for (int i = 2; i < argc; i++)
            printf("[%s]\n", argv[i]);
        printf("UT_ENV=%s nenv=%d\n", getenv("UT_ENV") ? getenv("UT_ENV") : "(none)", nenv);
        fflush(stdout);
        return 42;
    }
    if (strcmp(mode, "--exec-pid") == 0 && argc == 3)
        return atoi(argv[2]) == getpid() ? 42 : 1;
    if (strcmp(mode, "--exec-fds") == 0 && argc == 4) {
        char buf[16] = {0};
        if (read(atoi(argv[2]), buf, sizeof(buf)) != 8 || strcmp(buf, "hello fd") != 0)
            return 2;
        if (read(atoi(argv[3]), buf, sizeof(buf)) != -1 || errno != EBADF)
            return 3; /* O_CLOEXEC descriptor survived exec */
        return 42;
    }
#if QUILL
    if (strcmp(mode, "--exec-faults") == 0) {
        /* Just started: some of the program faulted in (read, or found in the
         * page cache), not all. */
        struct vminfo vi;
        if (vminfo(0, &vi) != 0)
            return 2;
        struct stat st;
        if (stat(argv[0], &st) != 0)
            return 3;
        if (vi.majflt + vi.minflt == 0) /* minor: the page cache had it (the parent runs it) */
            return 4;
        return vi.resident * PAGE < (unsigned long)st.st_size ? 42 : 5;
    }
    if (strcmp(mode, "--exec-bus") == 0 && argc == 4) {
        /* Tell the parent we run, wait until it truncated our file, then
         * touch a page of read-only data that was never read in: SIGBUS. */
        char c = 'r';
        if (write(atoi(argv[2]), &c, 1) != 1 || read(atoi(argv[3]), &c, 1) != 1)
            return 2;
        return bus_probe[sizeof(bus_probe) - 1] == 7 ? 3 : 4;
    }
#endif
    return 99; /* --exec-fail: an exec that must not have succeeded */
}

static void test_exec(void)
{
    static char longarg[3001];
    for (int i = 0; i < 3000; i++)
        longarg[i] = 'a' + i % 26;
    char *argv[] = {self_path, "--exec-echo", "a", "", "b c", longarg, 0};
    char *envp[] = {"UT_ENV=hello", "OTHER=1", 0};
    int p[2];
    OK(pipe(p));
    int pid = xfork();
    if (pid == 0) {
        OK(dup2(p[1], 1));
        close(p[0]);
        close(p[1]);
        execve(self_path, argv, envp);
        fail("execve(%s): %s", self_path, errname(errno));
    }
    close(p[1]);
    static char out[8192], want[8192];
    long n = 0, r;
    while (n < (long)sizeof(out) - 1 && (r = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
        n += r;
    out[n] = 0;
    CHECK(wait_exit(pid) == 42, "exec'd program did not exit 42");
    snprintf(want, sizeof(want), "argc=6 argv0=%s\n[a]\n[]\n[b c]\n[%s]\nUT_ENV=hello nenv=2\n",
             self_path, longarg);
    CHECK(strcmp(out, want) == 0, "exec'd program printed \"%.80s\"...", out);
}

static void test_execmany(void)
{
    for (int i = 0; i < 20; i++) {
        int pid = xfork();
        if (pid == 0) {
            char pidstr[16];
            snprintf(pidstr, sizeof(pidstr), "%d", getpid());
            char *argv[] = {self_path, "--exec-pid", pidstr, 0};
            execv(self_path, argv);
            fail("execv: %s", errname(errno));
        }
        CHECK(wait_exit(pid) == 42, "exec #%d: pid changed or exec failed", i);
    }
}

static void test_execfd(void)
{
    write_file("f", "hello fd", 8);
    int pid = xfork();
    if (pid == 0) {
        int fd = xopen("f", O_RDONLY);
        int fd2 = xopen("f", O_RDONLY | O_CLOEXEC);
        char a[16], b[16];
        snprintf(a, sizeof(a), "%d", fd);
        snprintf(b, sizeof(b), "%d", fd2);
        char *argv[] = {self_path, "--exec-fds", a, b, 0};
        execv(self_path, argv);
        fail("execv: %s", errname(errno));
    }
    int s = wait_exit(pid);
    CHECK(s != 2, "an inherited descriptor did not survive exec");
    CHECK(s != 3, "an O_CLOEXEC descriptor survived exec");
    CHECK(s == 42, "exec'd program exited %d", s);
    OK(unlink("f"));
}

static void exec_expect(const char *path, int e1, int e2)
{
    char *argv[] = {(char *)path, "--exec-fail", 0};
    int r = execv(path, argv);
    int e = errno;
    CHECK(r == -1 && (e == e1 || e == e2), "exec of %s: %s, expected %s", path, errname(e),
          errname(e1));
}

static void test_execerr(void)
{
    static unsigned char hdr[4096];
    int fd = xopen(self_path, O_RDONLY);
    xread(fd, hdr, sizeof(hdr));
    close(fd);
    CHECK(memcmp(hdr, "\177ELF", 4) == 0, "%s is not ELF", self_path);

    write_file("text", "this is not a program\n", 22);
    write_file("empty", "", 0);
    write_file("short", hdr, 40); /* the ELF header cut short */
    unsigned char bad[4096];
    memcpy(bad, hdr, sizeof(bad));
    bad[18] = QUILL ? 0x3e : 0xf3; /* e_machine: x86-64 on Quill, RISC-V elsewhere */
    write_file("machine", bad, sizeof(bad));
    memcpy(bad, hdr, sizeof(bad));
    memset(bad + 32, 0x7f, 8); /* e_phoff far beyond the file */
    write_file("phoff", bad, sizeof(bad));
    memcpy(bad, hdr, sizeof(bad));
    bad[56] = bad[57] = 0xff; /* e_phnum 65535 */
    write_file("phnum", bad, sizeof(bad));

    int keep = 12345;
    exec_expect("text", ENOEXEC, ENOEXEC);
    exec_expect("empty", ENOEXEC, ENOEXEC);
    exec_expect("short", ENOEXEC, ENOEXEC);
    exec_expect("machine", ENOEXEC, ENOEXEC);
    exec_expect("phoff", ENOEXEC, QUILL ? ENOEXEC : EIO);
    exec_expect("phnum", ENOEXEC, ENOEXEC);
    exec_expect("missing", ENOENT, ENOENT);
    exec_expect("text/x", ENOTDIR, ENOTDIR);
    exec_expect(".", EACCES, EISDIR);
    CHECK(keep == 12345, "memory changed by failed execs");
}

static void test_e2big(void)
{
    char *one = malloc(256 * KiB + 1);
    CHECK(one, "malloc");
    memset(one, 'x', 256 * KiB);
    one[256 * KiB] = 0;
    char *argv1[] = {self_path, "--exec-fail", one, 0};
    EXPECT_ERR(execv(self_path, argv1), E2BIG);
    char *envp[] = {one, 0};
    char *argv2[] = {self_path, "--exec-fail", 0};
    EXPECT_ERR(execve(self_path, argv2, envp), E2BIG);
    free(one);

    enum { N = 1000000 };
    char **many = malloc((N + 3) * sizeof(char *));
    CHECK(many, "malloc");
    many[0] = self_path;
    many[1] = "--exec-fail";
    for (int i = 2; i < N + 2; i++)
        many[i] = "x";
    many[N + 2] = 0;
    EXPECT_ERR(execv(self_path, many), E2BIG);
    free(many);
    test_execmany(); /* and exec still works */
}

static const struct ut_test exec_tests[] = {
    {"exec", test_exec, UT_QUICK, 0, UT_ANY},     {"execmany", test_execmany, UT_QUICK, 0, UT_ANY},
    {"execfd", test_execfd, UT_QUICK, 0, UT_ANY}, {"execerr", test_execerr, UT_QUICK, 0, UT_ANY},
    {"e2big", test_e2big, UT_QUICK, 0, UT_ANY},
};
UT_REGISTER(exec_tests);
