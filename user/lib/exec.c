/*
 * The exec family over execve, and the wait family over wait4.
 *
 * execvp searches $PATH (default "/bin") when the name has no '/': each
 * colon-separated directory is tried in order, an empty one meaning the
 * current directory.  A "not found" kind of error moves on to the next
 * directory; any other error (e.g. ENOEXEC, E2BIG, ENOMEM) stops the search.
 * If nothing ran, errno is EACCES when some candidate existed but could not
 * be run, else ENOENT.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ulib.h"

#define DEFAULT_PATH "/bin"
#define EXEC_PATH_MAX 256

extern char **environ;

int execv(const char *path, char *const argv[])
{
    return execve(path, argv, environ);
}

/*
 * Copies the next directory of *pathp joined with file into buf; advances
 * *pathp past it (to NULL after the last).  Returns 0, or -1 if the result
 * would not fit (that candidate is skipped).
 */
int __path_next(const char **pathp, const char *file, char *buf, size_t size)
{
    const char *dir = *pathp;
    const char *colon = strchr(dir, ':');
    size_t dlen = colon ? (size_t)(colon - dir) : strlen(dir);
    size_t flen = strlen(file);

    *pathp = colon ? colon + 1 : NULL;
    if (dlen == 0) {
        dir = ".";
        dlen = 1;
    }
    if (dlen + 1 + flen + 1 > size)
        return -1;
    memcpy(buf, dir, dlen);
    buf[dlen] = '/';
    memcpy(buf + dlen + 1, file, flen + 1);
    return 0;
}

int execvpe(const char *file, char *const argv[], char *const envp[])
{
    char buf[EXEC_PATH_MAX];
    const char *path;
    int saw_eacces = 0;

    if (*file == '\0') {
        errno = ENOENT;
        return -1;
    }
    if (strchr(file, '/'))
        return execve(file, argv, envp);
    path = getenv("PATH");
    if (path == NULL)
        path = DEFAULT_PATH;
    while (path) {
        if (__path_next(&path, file, buf, sizeof buf) < 0)
            continue;
        execve(buf, argv, envp);
        if (errno == EACCES)
            saw_eacces = 1;
        else if (errno != ENOENT && errno != ENOTDIR && errno != ENAMETOOLONG)
            return -1;
    }
    errno = saw_eacces ? EACCES : ENOENT;
    return -1;
}

int execvp(const char *file, char *const argv[])
{
    return execvpe(file, argv, environ);
}

/* Gathers execl's variable argument list (ending in NULL) into argv[]. */
#define EXECL_ARGS(arg0, last, argv)                                                               \
    size_t n_ = 1;                                                                                 \
    va_list ap_;                                                                                   \
    va_start(ap_, last);                                                                           \
    while (va_arg(ap_, char *) != NULL)                                                            \
        n_++;                                                                                      \
    va_end(ap_);                                                                                   \
    char *argv[n_ + 1];                                                                            \
    argv[0] = (char *)(arg0);                                                                      \
    va_start(ap_, last);                                                                           \
    for (size_t i_ = 1; i_ <= n_; i_++)                                                            \
        argv[i_] = va_arg(ap_, char *);                                                            \
    va_end(ap_)

int execl(const char *path, const char *arg0, ...)
{
    EXECL_ARGS(arg0, arg0, argv);
    return execve(path, argv, environ);
}

int execlp(const char *file, const char *arg0, ...)
{
    EXECL_ARGS(arg0, arg0, argv);
    return execvpe(file, argv, environ);
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    return wait4(pid, status, options, NULL);
}

pid_t wait(int *status)
{
    return wait4(-1, status, 0, NULL);
}
