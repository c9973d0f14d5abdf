/*
 * POSIX file-system calls built on the *at() system calls: open, creat,
 * mkdir, rmdir, unlink, link, symlink, readlink, rename, dup2, pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

/* open and openat: the mode argument is there only with O_CREAT. */
static int vopenat(int dirfd, const char *path, int flags, va_list ap)
{
    unsigned int mode = (flags & O_CREAT) ? va_arg(ap, unsigned int) : 0;

    return (int)__syscall_ret(__sys_openat(dirfd, path, flags, mode));
}

int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int fd = vopenat(dirfd, path, flags, ap);
    va_end(ap);
    return fd;
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int fd = vopenat(AT_FDCWD, path, flags, ap);
    va_end(ap);
    return fd;
}

int creat(const char *path, mode_t mode)
{
    return (int)__syscall_ret(__sys_openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode));
}

int mkdir(const char *path, mode_t mode)
{
    return mkdirat(AT_FDCWD, path, mode);
}

int rmdir(const char *path)
{
    return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

int unlink(const char *path)
{
    return unlinkat(AT_FDCWD, path, 0);
}

int link(const char *oldpath, const char *newpath)
{
    return linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

int symlink(const char *target, const char *linkpath)
{
    return symlinkat(target, AT_FDCWD, linkpath);
}

ssize_t readlink(const char *restrict path, char *restrict buf, size_t size)
{
    return readlinkat(AT_FDCWD, path, buf, size);
}

int rename(const char *oldpath, const char *newpath)
{
    return renameat(AT_FDCWD, oldpath, AT_FDCWD, newpath);
}

/* dup3 refuses oldfd == newfd; dup2 returns it if it is open. */
int dup2(int oldfd, int newfd)
{
    if (oldfd == newfd) {
        struct stat st;
        return fstat(oldfd, &st) < 0 ? -1 : newfd;
    }
    return dup3(oldfd, newfd, 0);
}

int pipe(int fds[2])
{
    return pipe2(fds, 0);
}
