/*
 * ut.h: the scaffolding of usertests (user/tests/usertests.c includes it; nothing
 * else does).  Three parts:
 *
 *   1. Portability.  usertests is a Quill program, but it also builds with the
 *      host's gcc on Linux (`gcc -O2 -o ut user/tests/usertests.c`) so that the
 *      tests themselves can be debugged where a debugger and a sane kernel are at
 *      hand.  QUILL is 1 on Quill; Quill-only checks are written `if (QUILL)`.
 *   2. Raw system calls (r_*): they return the kernel's result (-E on error)
 *      without the C library in between.  The bad-pointer tests need them: a
 *      library wrapper that converts a structure (stat, timespec, utsname) would
 *      itself fault on the bad pointer instead of passing it to the kernel.
 *      On Quill they are the generated __sys_<name> stubs (kernel/abi/syscalls.def).
 *   3. Helpers: fail() and the CHECK macros, fork/wait/file wrappers that fail
 *      the test on any unexpected error, a clock, and rmtree.
 *
 * A test runs in a child of the runner.  fail() appends its reason to the
 * runner's reason file (inherited descriptor ut_reason_fd) and exits 1, from
 * whichever process of the test it is called in.
 */
#ifndef USERTESTS_UT_H
#define USERTESTS_UT_H

#if defined(__riscv) && !defined(__linux__)
#define QUILL 1
#else
#define QUILL 0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if QUILL
#include <quill/syscall.h>
/* The records of getprocs and uname, from the one definition the kernel uses. */
#include "abi/procinfo.h"
#include "abi/utsname.h"
#if __has_include(<sys/utsname.h>)
#include <sys/utsname.h>
#endif
#else
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#endif

#define PAGE 4096UL
#define KiB 1024L
#define MiB (1024L * 1024L)

/* An address in the kernel half (Sv39 upper half: the kernel's direct map). */
#define KERNEL_ADDR ((void *)0xffffffc080000000UL)

#if QUILL
#define NAME_LIMIT 59 /* QFS_NAME_MAX */
#define SELF_PATH "/bin/usertests"
#else
#define NAME_LIMIT 255
#endif

/* ---- raw system calls: result or -errno ---------------------------------- */

#if QUILL
static inline long r_read(int fd, void *b, unsigned long n) { return __sys_read(fd, b, n); }
static inline long r_write(int fd, const void *b, unsigned long n) { return __sys_write(fd, b, n); }
static inline long r_pread(int fd, void *b, unsigned long n, long o) { return __sys_pread(fd, b, n, o); }
static inline long r_pwrite(int fd, const void *b, unsigned long n, long o) { return __sys_pwrite(fd, b, n, o); }
static inline long r_open(const char *p, int fl) { return __sys___openat(AT_FDCWD, p, fl, 0644); }
static inline long r_stat(const char *p, void *st) { return __sys___fstatat(AT_FDCWD, p, st, 0); }
static inline long r_lstat(const char *p, void *st)
{
    return __sys___fstatat(AT_FDCWD, p, st, AT_SYMLINK_NOFOLLOW);
}
static inline long r_fstat(int fd, void *st) { return __sys___fstat(fd, st); }
static inline long r_mkdir(const char *p) { return __sys_mkdirat(AT_FDCWD, p, 0755); }
static inline long r_unlink(const char *p) { return __sys_unlinkat(AT_FDCWD, p, 0); }
static inline long r_rmdir(const char *p) { return __sys_unlinkat(AT_FDCWD, p, AT_REMOVEDIR); }
static inline long r_link(const char *a, const char *b) { return __sys_linkat(AT_FDCWD, a, AT_FDCWD, b, 0); }
static inline long r_symlink(const char *t, const char *l) { return __sys_symlinkat(t, AT_FDCWD, l); }
static inline long r_readlink(const char *p, char *b, unsigned long n)
{
    return __sys_readlinkat(AT_FDCWD, p, b, n);
}
static inline long r_rename(const char *a, const char *b) { return __sys_renameat(AT_FDCWD, a, AT_FDCWD, b); }
static inline long r_chdir(const char *p) { return __sys_chdir(p); }
static inline long r_pipe(int *fds) { return __sys_pipe2(fds, 0); }
static inline long r_wait(int pid, int *st) { return __sys_wait4(pid, st, 0, 0); }
static inline long r_execve(const char *p, char *const *a, char *const *e) { return __sys_execve(p, a, e); }
static inline long r_getcwd(char *b, unsigned long n) { return __sys___getcwd(b, n); }
static inline long r_getdents(int fd, void *b, unsigned long n) { return __sys_getdents(fd, b, n); }
static inline long r_nanosleep(const void *req, void *rem) { return __sys___nanosleep(req, rem); }
/* The kernel's clock ids (kernel/abi/time.h), not picolibc's: CLOCK_MONOTONIC is 1. */
static inline long r_clock_monotonic(void *ts) { return __sys___clock_gettime(1, ts); }
static inline long r_uname(void *buf) { return __sys___uname(buf); }
static inline long r_getprocs(void *buf, int max) { return __sys_getprocs(buf, max); }
#else
static inline long hr(long r) { return r < 0 ? -errno : r; }
static inline long r_read(int fd, void *b, unsigned long n) { return hr(syscall(SYS_read, fd, b, n)); }
static inline long r_write(int fd, const void *b, unsigned long n) { return hr(syscall(SYS_write, fd, b, n)); }
static inline long r_pread(int fd, void *b, unsigned long n, long o) { return hr(syscall(SYS_pread64, fd, b, n, o)); }
static inline long r_pwrite(int fd, const void *b, unsigned long n, long o)
{
    return hr(syscall(SYS_pwrite64, fd, b, n, o));
}
static inline long r_open(const char *p, int fl) { return hr(syscall(SYS_openat, AT_FDCWD, p, fl, 0644)); }
static inline long r_stat(const char *p, void *st) { return hr(syscall(SYS_newfstatat, AT_FDCWD, p, st, 0)); }
static inline long r_lstat(const char *p, void *st)
{
    return hr(syscall(SYS_newfstatat, AT_FDCWD, p, st, AT_SYMLINK_NOFOLLOW));
}
static inline long r_fstat(int fd, void *st) { return hr(syscall(SYS_fstat, fd, st)); }
static inline long r_mkdir(const char *p) { return hr(syscall(SYS_mkdirat, AT_FDCWD, p, 0755)); }
static inline long r_unlink(const char *p) { return hr(syscall(SYS_unlinkat, AT_FDCWD, p, 0)); }
static inline long r_rmdir(const char *p) { return hr(syscall(SYS_unlinkat, AT_FDCWD, p, AT_REMOVEDIR)); }
static inline long r_link(const char *a, const char *b)
{
    return hr(syscall(SYS_linkat, AT_FDCWD, a, AT_FDCWD, b, 0));
}
static inline long r_symlink(const char *t, const char *l) { return hr(syscall(SYS_symlinkat, t, AT_FDCWD, l)); }
static inline long r_readlink(const char *p, char *b, unsigned long n)
{
    return hr(syscall(SYS_readlinkat, AT_FDCWD, p, b, n));
}
static inline long r_rename(const char *a, const char *b)
{
    return hr(syscall(SYS_renameat, AT_FDCWD, a, AT_FDCWD, b));
}
static inline long r_chdir(const char *p) { return hr(syscall(SYS_chdir, p)); }
static inline long r_pipe(int *fds) { return hr(syscall(SYS_pipe2, fds, 0)); }
static inline long r_wait(int pid, int *st) { return hr(syscall(SYS_wait4, pid, st, 0, 0)); }
static inline long r_execve(const char *p, char *const *a, char *const *e) { return hr(syscall(SYS_execve, p, a, e)); }
static inline long r_getcwd(char *b, unsigned long n) { return hr(syscall(SYS_getcwd, b, n)); }
static inline long r_getdents(int fd, void *b, unsigned long n) { return hr(syscall(SYS_getdents64, fd, b, n)); }
static inline long r_nanosleep(const void *req, void *rem) { return hr(syscall(SYS_nanosleep, req, rem)); }
static inline long r_clock_monotonic(void *ts) { return hr(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts)); }
static inline long r_uname(void *buf) { return hr(syscall(SYS_uname, buf)); }
#endif

/* ---- failing a test ------------------------------------------------------------ */

static int ut_reason_fd = -1; /* the runner's reason file, O_APPEND */
static const char *ut_test = "?";

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    char buf[300];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if (n > (int)sizeof(buf) - 2)
        n = sizeof(buf) - 2;
    buf[n++] = '\n';
    if (ut_reason_fd < 0 || write(ut_reason_fd, buf, n) != n) {
        char line[400];
        int m = snprintf(line, sizeof(line), "  %s: %.*s", ut_test, n, buf);
        if (write(1, line, m) < 0)
            _exit(1);
    }
    _exit(1);
}

static inline const char *errname(int e)
{
    static const struct { int e; const char *name; } names[] = {
        {EPERM, "EPERM"}, {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"}, {EINTR, "EINTR"},
        {EIO, "EIO"}, {E2BIG, "E2BIG"}, {ENOEXEC, "ENOEXEC"}, {EBADF, "EBADF"},
        {ECHILD, "ECHILD"}, {EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"},
        {EFAULT, "EFAULT"}, {EBUSY, "EBUSY"}, {EEXIST, "EEXIST"}, {EXDEV, "EXDEV"},
        {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"}, {EINVAL, "EINVAL"}, {ENFILE, "ENFILE"},
        {EMFILE, "EMFILE"}, {EFBIG, "EFBIG"}, {ENOSPC, "ENOSPC"}, {ESPIPE, "ESPIPE"},
        {EMLINK, "EMLINK"}, {EPIPE, "EPIPE"}, {ERANGE, "ERANGE"}, {ENOSYS, "ENOSYS"},
        {ENOTEMPTY, "ENOTEMPTY"}, {ENAMETOOLONG, "ENAMETOOLONG"}, {ELOOP, "ELOOP"},
    };
    static char other[16];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].e == e)
            return names[i].name;
    snprintf(other, sizeof(other), "errno %d", e);
    return other;
}

/* CHECK(condition, "format", ...): fail with the line number unless it holds. */
#define CHECK(cond, ...)                        \
    do {                                        \
        if (!(cond))                            \
            fail_line(__LINE__, __VA_ARGS__);   \
    } while (0)
static void fail_line(int line, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
static void fail_line(int line, const char *fmt, ...)
{
    char buf[240];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fail("line %d: %s", line, buf);
}

/* A libc call must return -1 with errno e (one of two accepted values). */
#define EXPECT_ERR(call, e) expect_err(__LINE__, #call, (long)(call), e, e)
#define EXPECT_ERR2(call, e1, e2) expect_err(__LINE__, #call, (long)(call), e1, e2)
static inline void expect_err(int line, const char *what, long r, int e1, int e2)
{
    int e = errno;
    if (r != -1)
        fail("line %d: %s returned %ld, expected -1/%s", line, what, r, errname(e1));
    if (e != e1 && e != e2)
        fail("line %d: %s failed with %s, expected %s", line, what, errname(e), errname(e1));
}

/* A raw call must return -e. */
#define EXPECT_RAW(call, e) expect_raw(__LINE__, #call, (call), e)
static inline void expect_raw(int line, const char *what, long r, int e)
{
    if (r != -e)
        fail("line %d: %s returned %ld (%s), expected -%s", line, what, r,
             r < 0 ? errname((int)-r) : "success", errname(e));
}

/* A libc call must succeed (not return -1). */
#define OK(call) ok_at(__LINE__, #call, (long)(call))
static inline long ok_at(int line, const char *what, long r)
{
    if (r == -1)
        fail("line %d: %s failed: %s", line, what, errname(errno));
    return r;
}

/* ---- processes ---------------------------------------------------------------- */

static inline int xfork(void)
{
    fflush(stdout);
    int pid = fork();
    if (pid < 0)
        fail("fork failed: %s", errname(errno));
    return pid;
}

/* Wait for pid; it must exit normally.  Returns its exit status. */
static inline int wait_exit(int pid)
{
    int st;
    int r = waitpid(pid, &st, 0);
    if (r != pid)
        fail("waitpid(%d) returned %d (%s)", pid, r, r < 0 ? errname(errno) : "");
    if (WIFSIGNALED(st))
        fail("process %d was killed by signal %d", pid, WTERMSIG(st));
    if (!WIFEXITED(st))
        fail("process %d: odd wait status %#x", pid, st);
    return WEXITSTATUS(st);
}

/* Wait for a helper process that must exit 0 (its own fail() said why if not). */
static inline void wait_ok(int pid, const char *what)
{
    int s = wait_exit(pid);
    if (s != 0)
        fail("%s (pid %d) exited with status %d", what, pid, s);
}

/* Wait for pid; it must have been killed by a signal.  Returns the signal. */
static inline int wait_signal(int pid)
{
    int st;
    int r = waitpid(pid, &st, 0);
    if (r != pid)
        fail("waitpid(%d) returned %d (%s)", pid, r, r < 0 ? errname(errno) : "");
    if (WIFEXITED(st))
        fail("process %d exited with status %d; expected it to be killed", pid, WEXITSTATUS(st));
    return WTERMSIG(st);
}

/* ---- time ------------------------------------------------------------------------ */

static inline long now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        fail("clock_gettime(CLOCK_MONOTONIC): %s", errname(errno));
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static inline void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    if (nanosleep(&ts, 0) != 0)
        fail("nanosleep(%ld ms): %s", ms, errname(errno));
}

/* ---- files ------------------------------------------------------------------------- */

static inline int xopen(const char *path, int flags)
{
    int fd = open(path, flags, 0755);
    if (fd < 0)
        fail("open(%s, %#x): %s", path, flags, errname(errno));
    return fd;
}

static inline void xwrite(int fd, const void *buf, long n)
{
    long r = write(fd, buf, n);
    if (r != n)
        fail("write(fd %d, %ld bytes) returned %ld (%s)", fd, n, r, r < 0 ? errname(errno) : "short");
}

/* Read exactly n bytes (pipes may return less per call); fails on EOF. */
static inline void xread(int fd, void *buf, long n)
{
    for (long got = 0; got < n;) {
        long r = read(fd, (char *)buf + got, n - got);
        if (r <= 0)
            fail("read(fd %d) returned %ld (%s) after %ld of %ld bytes", fd, r,
                 r < 0 ? errname(errno) : "EOF", got, n);
        got += r;
    }
}

static inline void write_file(const char *path, const void *data, long n)
{
    int fd = xopen(path, O_CREAT | O_TRUNC | O_WRONLY);
    xwrite(fd, data, n);
    OK(close(fd));
}

/* The whole file (at most cap bytes, NUL-terminated); returns its length. */
static inline long read_file(const char *path, char *buf, long cap)
{
    int fd = xopen(path, O_RDONLY);
    long n = 0, r;
    while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0)
        n += r;
    if (n < cap - 1 && r < 0)
        fail("read %s: %s", path, errname(errno));
    buf[n] = 0;
    OK(close(fd));
    return n;
}

static inline int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Count the entries of a directory other than "." and "..". */
static inline int dir_count(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        fail("opendir(%s): %s", path, errname(errno));
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != 0)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/*
 * Remove path and everything below it.  Returns 0, or -1 with errno and the
 * failing path in bad.  Reads each directory a name at a time and restarts it
 * after every removal, so it never holds a DIR across a change to it.
 */
static inline int rmtree(const char *path, char *bad, size_t badlen)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        goto out_err;
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) != 0)
            goto out_err;
        return 0;
    }
    for (;;) {
        char child[PATH_MAX];
        DIR *d = opendir(path);
        if (!d)
            goto out_err;
        struct dirent *e;
        child[0] = 0;
        while ((e = readdir(d)) != 0) {
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
                break;
            }
        }
        closedir(d);
        if (!child[0])
            break;
        if (rmtree(child, bad, badlen) != 0)
            return -1;
    }
    if (rmdir(path) != 0)
        goto out_err;
    return 0;
out_err:
    snprintf(bad, badlen, "%s", path);
    return -1;
}

/* Fill buf with a pattern that depends on the position (and a seed). */
static inline void pattern(unsigned char *buf, long n, long pos, int seed)
{
    for (long i = 0; i < n; i++) {
        unsigned long x = (unsigned long)(pos + i);
        buf[i] = (unsigned char)((x * 131 + (x >> 12) * 7 + seed) & 0xff);
    }
}

/* Index of the first byte that differs from the pattern, or -1. */
static inline long pattern_diff(const unsigned char *buf, long n, long pos, int seed)
{
    for (long i = 0; i < n; i++) {
        unsigned long x = (unsigned long)(pos + i);
        if (buf[i] != (unsigned char)((x * 131 + (x >> 12) * 7 + seed) & 0xff))
            return i;
    }
    return -1;
}

#endif
