/*
 * ut.h: what every file of usertests (user/tests/usertests/) includes.
 *
 *   1. Portability.  usertests is a Quill program, but it also builds with the
 *      host's gcc on Linux (`gcc -O2 -o ut user/tests/usertests/[a-z]*.c`) so that
 *      the tests themselves can be debugged where a debugger and a sane kernel
 *      are at hand.  QUILL is 1 on Quill; Quill-only checks are written
 *      `if (QUILL)`.
 *   2. Raw system calls (r_*): they return the kernel's result (-E on error)
 *      without the C library in between.  The bad-pointer tests need them: a
 *      library wrapper that converts a structure (stat, timespec, utsname) would
 *      itself fault on the bad pointer instead of passing it to the kernel.
 *      On Quill they are the generated __sys_<name> stubs (kernel/abi/syscalls.def).
 *   3. Tests and groups: struct ut_test and UT_REGISTER, with which a group
 *      file (proc.c, fs.c, ...) hands its table of tests to the runner (main.c).
 *   4. Helpers: fail() and the CHECK macros, fork/wait/file wrappers that fail
 *      the test on any unexpected error, a clock, rmtree, addresses that must
 *      not work (ut.c holds the ones that are not inline).
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
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#if QUILL
#include <quill/syscall.h>
/* The records of getprocs, statfs and uname, from the one definition the kernel uses. */
#include "abi/procinfo.h"
#include "abi/sysinfo.h"
#include "abi/utsname.h"
#include "abi/vminfo.h"
#if __has_include(<sys/utsname.h>)
#include <sys/utsname.h>
#endif
#else
#include <sys/resource.h>
#include <sys/statvfs.h>
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
static inline long r_read(int fd, void *b, unsigned long n)
{
    return __sys_read(fd, b, n);
}
static inline long r_write(int fd, const void *b, unsigned long n)
{
    return __sys_write(fd, b, n);
}
static inline long r_pread(int fd, void *b, unsigned long n, long o)
{
    return __sys_pread(fd, b, n, o);
}
static inline long r_pwrite(int fd, const void *b, unsigned long n, long o)
{
    return __sys_pwrite(fd, b, n, o);
}
static inline long r_open(const char *p, int fl)
{
    return __sys_openat(AT_FDCWD, p, fl, 0644);
}
static inline long r_stat(const char *p, void *st)
{
    return __sys_fstatat(AT_FDCWD, p, st, 0);
}
static inline long r_lstat(const char *p, void *st)
{
    return __sys_fstatat(AT_FDCWD, p, st, AT_SYMLINK_NOFOLLOW);
}
static inline long r_fstat(int fd, void *st)
{
    return __sys_fstat(fd, st);
}
static inline long r_mkdir(const char *p)
{
    return __sys_mkdirat(AT_FDCWD, p, 0755);
}
static inline long r_unlink(const char *p)
{
    return __sys_unlinkat(AT_FDCWD, p, 0);
}
static inline long r_rmdir(const char *p)
{
    return __sys_unlinkat(AT_FDCWD, p, AT_REMOVEDIR);
}
static inline long r_link(const char *a, const char *b)
{
    return __sys_linkat(AT_FDCWD, a, AT_FDCWD, b, 0);
}
static inline long r_symlink(const char *t, const char *l)
{
    return __sys_symlinkat(t, AT_FDCWD, l);
}
static inline long r_readlink(const char *p, char *b, unsigned long n)
{
    return __sys_readlinkat(AT_FDCWD, p, b, n);
}
static inline long r_rename(const char *a, const char *b)
{
    return __sys_renameat(AT_FDCWD, a, AT_FDCWD, b);
}
static inline long r_chdir(const char *p)
{
    return __sys_chdir(p);
}
static inline long r_pipe(int *fds)
{
    return __sys_pipe2(fds, 0);
}
static inline long r_wait(int pid, int *st)
{
    return __sys_wait4(pid, st, 0, 0);
}
static inline long r_execve(const char *p, char *const *a, char *const *e)
{
    return __sys_execve(p, a, e);
}
static inline long r_getcwd(char *b, unsigned long n)
{
    return __sys_getcwd(b, n);
}
static inline long r_getdents(int fd, void *b, unsigned long n)
{
    return __sys_getdents(fd, b, n);
}
static inline long r_nanosleep(const void *req, void *rem)
{
    return __sys_nanosleep(req, rem);
}
/* The kernel's clock ids (kernel/abi/time.h), not picolibc's: CLOCK_MONOTONIC is 1. */
static inline long r_clock_monotonic(void *ts)
{
    return __sys_clock_gettime(1, ts);
}
static inline long r_uname(void *buf)
{
    return __sys_uname(buf);
}
static inline long r_getprocs(void *buf, int max)
{
    return __sys_getprocs(buf, max);
}
#else
static inline long hr(long r)
{
    return r < 0 ? -errno : r;
}
static inline long r_read(int fd, void *b, unsigned long n)
{
    return hr(syscall(SYS_read, fd, b, n));
}
static inline long r_write(int fd, const void *b, unsigned long n)
{
    return hr(syscall(SYS_write, fd, b, n));
}
static inline long r_pread(int fd, void *b, unsigned long n, long o)
{
    return hr(syscall(SYS_pread64, fd, b, n, o));
}
static inline long r_pwrite(int fd, const void *b, unsigned long n, long o)
{
    return hr(syscall(SYS_pwrite64, fd, b, n, o));
}
static inline long r_open(const char *p, int fl)
{
    return hr(syscall(SYS_openat, AT_FDCWD, p, fl, 0644));
}
static inline long r_stat(const char *p, void *st)
{
    return hr(syscall(SYS_newfstatat, AT_FDCWD, p, st, 0));
}
static inline long r_lstat(const char *p, void *st)
{
    return hr(syscall(SYS_newfstatat, AT_FDCWD, p, st, AT_SYMLINK_NOFOLLOW));
}
static inline long r_fstat(int fd, void *st)
{
    return hr(syscall(SYS_fstat, fd, st));
}
static inline long r_mkdir(const char *p)
{
    return hr(syscall(SYS_mkdirat, AT_FDCWD, p, 0755));
}
static inline long r_unlink(const char *p)
{
    return hr(syscall(SYS_unlinkat, AT_FDCWD, p, 0));
}
static inline long r_rmdir(const char *p)
{
    return hr(syscall(SYS_unlinkat, AT_FDCWD, p, AT_REMOVEDIR));
}
static inline long r_link(const char *a, const char *b)
{
    return hr(syscall(SYS_linkat, AT_FDCWD, a, AT_FDCWD, b, 0));
}
static inline long r_symlink(const char *t, const char *l)
{
    return hr(syscall(SYS_symlinkat, t, AT_FDCWD, l));
}
static inline long r_readlink(const char *p, char *b, unsigned long n)
{
    return hr(syscall(SYS_readlinkat, AT_FDCWD, p, b, n));
}
static inline long r_rename(const char *a, const char *b)
{
    return hr(syscall(SYS_renameat, AT_FDCWD, a, AT_FDCWD, b));
}
static inline long r_chdir(const char *p)
{
    return hr(syscall(SYS_chdir, p));
}
static inline long r_pipe(int *fds)
{
    return hr(syscall(SYS_pipe2, fds, 0));
}
static inline long r_wait(int pid, int *st)
{
    return hr(syscall(SYS_wait4, pid, st, 0, 0));
}
static inline long r_execve(const char *p, char *const *a, char *const *e)
{
    return hr(syscall(SYS_execve, p, a, e));
}
static inline long r_getcwd(char *b, unsigned long n)
{
    return hr(syscall(SYS_getcwd, b, n));
}
static inline long r_getdents(int fd, void *b, unsigned long n)
{
    return hr(syscall(SYS_getdents64, fd, b, n));
}
static inline long r_nanosleep(const void *req, void *rem)
{
    return hr(syscall(SYS_nanosleep, req, rem));
}
static inline long r_clock_monotonic(void *ts)
{
    return hr(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts));
}
static inline long r_uname(void *buf)
{
    return hr(syscall(SYS_uname, buf));
}
#endif

/* ---- tests and groups --------------------------------------------------------- */

enum { UT_QUICK = 0, UT_SLOW = 1 };     /* -q runs the quick ones only */
enum { UT_ANY = 0, UT_QUILL_ONLY = 1 }; /* UT_QUILL_ONLY: skipped on a Linux host */

struct ut_test {
    const char *name; /* unique across all groups: `usertests NAME` runs it */
    void (*fn)(void); /* runs in a child, in the test's own scratch directory */
    int speed;        /* UT_QUICK or UT_SLOW */
    int sig;          /* the signal that must end the test, or 0: it must exit 0 */
    int where;        /* UT_ANY or UT_QUILL_ONLY */
};

/* One group file's table, as the runner sees it. */
struct ut_group {
    const struct ut_test *tests;
    int count;
    const char *file;
};

/*
 * UT_REGISTER(array): make a group file's table of tests known to the runner.
 * It puts a struct ut_group in the section ut_groups; the linker gathers the
 * section from every object and defines __start_ut_groups and __stop_ut_groups
 * around it, so the runner finds every group without a list.  Groups come in
 * link order (the files' names, sorted), tests in their table's order.
 */
#define UT_REGISTER(array)                                                                         \
    static const struct ut_group ut_group_##array                                                  \
        __attribute__((used, section("ut_groups"), aligned(sizeof(void *)))) = {                   \
            array, (int)(sizeof(array) / sizeof((array)[0])), __FILE__}

/* ---- shared state (ut.c) ------------------------------------------------------ */

extern char self_path[PATH_MAX]; /* this program, to exec it */
extern int ut_reason_fd;         /* the runner's reason file (O_APPEND), in a test's processes */
extern const char *ut_current;   /* the running test's name */

/* exec.c: the modes of this program when a test execs it (argv[1] "--exec-..."). */
int ut_exec_mode(int argc, char **argv);

/* ---- failing a test ------------------------------------------------------------ */

/* Append the reason to the reason file and exit 1 (from any process of the test). */
void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* fail("FILE.c:LINE: ...") with the base name of file: where a check is. */
void fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
/* E2BIG, ENOENT...: the name of an errno value. */
const char *errname(int e);

/* CHECK(condition, "format", ...): fail with the file and line unless it holds. */
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fail_at(__FILE__, __LINE__, __VA_ARGS__);                                              \
    } while (0)

/* A libc call must return -1 with errno e (one of two accepted values). */
#define EXPECT_ERR(call, e) expect_err(__FILE__, __LINE__, #call, (long)(call), e, e)
#define EXPECT_ERR2(call, e1, e2) expect_err(__FILE__, __LINE__, #call, (long)(call), e1, e2)
static inline void expect_err(const char *file, int line, const char *what, long r, int e1, int e2)
{
    int e = errno;
    if (r != -1)
        fail_at(file, line, "%s returned %ld, expected -1/%s", what, r, errname(e1));
    if (e != e1 && e != e2)
        fail_at(file, line, "%s failed with %s, expected %s", what, errname(e), errname(e1));
}

/* A raw call must return -e. */
#define EXPECT_RAW(call, e) expect_raw(__FILE__, __LINE__, #call, (call), e)
static inline void expect_raw(const char *file, int line, const char *what, long r, int e)
{
    if (r != -e)
        fail_at(file, line, "%s returned %ld (%s), expected -%s", what, r,
                r < 0 ? errname((int)-r) : "success", errname(e));
}

/* A libc call must succeed (not return -1). */
#define OK(call) ok_at(__FILE__, __LINE__, #call, (long)(call))
static inline long ok_at(const char *file, int line, const char *what, long r)
{
    if (r == -1)
        fail_at(file, line, "%s failed: %s", what, errname(errno));
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

/*
 * ut_kill_when(pid, ready, arg, poll_ms, limit_ms, &held): poll ready(arg)
 * every poll_ms milliseconds (0: without sleeping, for a state that lasts
 * only a moment) until it holds or limit_ms have passed; then SIGKILL pid,
 * whether ready held or not, and reap it.  Returns pid's wait status; *held
 * (held may be NULL) says whether ready held before the kill.  For a test
 * that kills a child once it is visibly inside the call under test.
 */
int ut_kill_when(int pid, bool (*ready)(void *arg), void *arg, long poll_ms, long limit_ms,
                 bool *held);

/* A wait status that says the process was killed by signal sig. */
static inline bool killed_by(int status, int sig)
{
    return WIFSIGNALED(status) && WTERMSIG(status) == sig;
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
        fail("write(fd %d, %ld bytes) returned %ld (%s)", fd, n, r,
             r < 0 ? errname(errno) : "short");
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
 * Free inodes on the file system holding ".": removing what a test created
 * must give back every inode it took.  Compare counts on Quill only (`if
 * (QUILL)`): on a host everything else running moves the count too.
 */
static inline unsigned long free_inodes(void)
{
#if QUILL
    struct kstatfs sf;
    OK(statfs(".", &sf));
    return sf.inodes_free;
#else
    struct statvfs sv;
    OK(statvfs(".", &sv));
    return sv.f_ffree;
#endif
}

/*
 * Remove path and everything below it.  Returns 0, or -1 with errno and the
 * failing path in bad.
 */
int rmtree(const char *path, char *bad, size_t badlen);

/*
 * Free frames plus this process's own resident pages (-1 on a Linux host).
 * A program's pages are made on first touch (text and data read in lazily,
 * heap and stack zero-filled), so its own footprint grows without any leak;
 * a count that leaves it out would take that growth for a leak.  Page-cache
 * frames that no process maps count as free too: they are given back at
 * once under pressure and when their file's last reference goes, and a
 * child that ran code of this program its parent never ran leaves such
 * pages of the parent's still-open program file behind.
 */
long ut_free_frames(void);

/* ---- addresses that must not work ------------------------------------------ */

/* An address nothing is mapped at: far above the heap, far below the stack. */
char *unmapped_addr(void);
/*
 * Grow the heap to a page boundary plus one page and return the end: the bytes
 * below it are mapped, the page at it is not.  Nothing may grow the heap again
 * while the caller relies on that (no malloc in between).
 */
char *region_end(void);

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

/* ---- memory helpers ---------------------------------------------------------------- */

/* Touch p in a child (a store if write); the signal that killed it, or 0. */
static inline int touch_signal(volatile char *p, int write)
{
    int pid = xfork();
    if (pid == 0) {
        if (write)
            *p = 1;
        else
            (void)*p;
        _exit(0);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
    return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

/* mmap that fails the test when it fails. */
static inline char *xmmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    char *p = mmap(addr, len, prot, flags, fd, off);
    CHECK(p != MAP_FAILED, "mmap(%p, %lu, %d, %#x, %d, %ld): %s", addr, (unsigned long)len, prot,
          flags, fd, (long)off, errname(errno));
    return p;
}

#if QUILL
/* This process's memory counters (kernel/abi/vminfo.h). */
static inline struct vminfo vminfo_self(void)
{
    struct vminfo vi;
    OK(vminfo(0, &vi));
    return vi;
}
#endif

#endif
