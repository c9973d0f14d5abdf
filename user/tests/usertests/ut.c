/*
 * ut.c: the helpers of usertests that are not inline (ut.h declares them) and
 * the state every test file shares: this program's path, the reason file, the
 * running test's name.  main.c sets them before a test runs; a test only reads
 * them.
 */
#include "ut.h"

char self_path[PATH_MAX];
int ut_reason_fd = -1;
const char *ut_current = "?";

void fail(const char *fmt, ...)
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
        int m = snprintf(line, sizeof(line), "  %s: %.*s", ut_current, n, buf);
        if (write(1, line, m) < 0)
            _exit(1);
    }
    _exit(1);
}

void fail_at(const char *file, int line, const char *fmt, ...)
{
    char buf[240];
    const char *base = strrchr(file, '/');
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fail("%s:%d: %s", base ? base + 1 : file, line, buf);
}

const char *errname(int e)
{
    static const struct {
        int e;
        const char *name;
    } names[] = {
        {EPERM, "EPERM"},
        {ENOENT, "ENOENT"},
        {ESRCH, "ESRCH"},
        {EINTR, "EINTR"},
        {EIO, "EIO"},
        {E2BIG, "E2BIG"},
        {ENOEXEC, "ENOEXEC"},
        {EBADF, "EBADF"},
        {ECHILD, "ECHILD"},
        {EAGAIN, "EAGAIN"},
        {ENOMEM, "ENOMEM"},
        {EACCES, "EACCES"},
        {EFAULT, "EFAULT"},
        {EBUSY, "EBUSY"},
        {EEXIST, "EEXIST"},
        {EXDEV, "EXDEV"},
        {ENOTDIR, "ENOTDIR"},
        {EISDIR, "EISDIR"},
        {EINVAL, "EINVAL"},
        {ENFILE, "ENFILE"},
        {EMFILE, "EMFILE"},
        {EFBIG, "EFBIG"},
        {ENOSPC, "ENOSPC"},
        {ESPIPE, "ESPIPE"},
        {EMLINK, "EMLINK"},
        {EPIPE, "EPIPE"},
        {ERANGE, "ERANGE"},
        {ENOSYS, "ENOSYS"},
        {ENOTEMPTY, "ENOTEMPTY"},
        {ENAMETOOLONG, "ENAMETOOLONG"},
        {ELOOP, "ELOOP"},
    };
    static char other[16];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].e == e)
            return names[i].name;
    snprintf(other, sizeof(other), "errno %d", e);
    return other;
}

/*
 * Reads each directory a name at a time and restarts it after every removal,
 * so it never holds a DIR across a change to it.
 */
int rmtree(const char *path, char *bad, size_t badlen)
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

long ut_free_frames(void)
{
#if QUILL
    struct vminfo vi;
    struct vmstat vs;
    long free = memfree();
    if (vminfo(0, &vi) != 0 || vmstat(&vs) != 0)
        return -1;
    return free + (long)vi.resident + (long)(vs.page_cache - vs.cache_mapped);
#else
    return -1;
#endif
}

char *unmapped_addr(void)
{
    uintptr_t brk = (uintptr_t)sbrk(0);
    return (char *)(((brk + PAGE - 1) & ~(PAGE - 1)) + 256 * MiB);
}

char *region_end(void)
{
    uintptr_t cur = (uintptr_t)sbrk(0);
    uintptr_t top = (cur + PAGE - 1) & ~(PAGE - 1);
    if (sbrk(top - cur + PAGE) == (void *)-1)
        fail("sbrk for a test region: %s", errname(errno));
    return (char *)top + PAGE;
}

int ut_kill_when(int pid, bool (*ready)(void *arg), void *arg, long poll_ms, long limit_ms,
                 bool *held)
{
    long deadline = now_ns() + limit_ms * 1000000L;
    bool ok;
    /* A busy poll reads the clock only every 256 rounds: it must stay quick. */
    for (long round = 0; !(ok = ready(arg)); round++) {
        if (poll_ms > 0)
            msleep(poll_ms);
        if ((poll_ms > 0 || round % 256 == 255) && now_ns() > deadline)
            break;
    }
    kill(pid, SIGKILL);
    int status;
    if (waitpid(pid, &status, 0) != pid)
        fail("waitpid(%d) after SIGKILL: %s", pid, errname(errno));
    if (held)
        *held = ok;
    return status;
}
