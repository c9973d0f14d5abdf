/*
 * stat, lstat, fstat, fstatat: the kernel fills a fixed-layout
 * struct kstat (kernel/abi/stat.h); we copy it field by field into
 * picolibc's struct stat, whose layout and field types are the C library's
 * business.
 */
#include <quill/kabi.h> /* the kernel's records, before libc's headers */

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

void __stat_from_kstat(struct stat *st, const struct kstat *k)
{
    st->st_dev = k->st_dev;
    st->st_ino = k->st_ino;
    st->st_mode = k->st_mode;
    st->st_nlink = k->st_nlink;
    st->st_uid = k->st_uid;
    st->st_gid = k->st_gid;
    st->st_rdev = k->st_rdev;
    st->st_size = k->st_size;
    st->st_blksize = k->st_blksize;
    st->st_blocks = k->st_blocks;
    st->st_atim.tv_sec = k->st_atime_sec;
    st->st_atim.tv_nsec = k->st_atime_nsec;
    st->st_mtim.tv_sec = k->st_mtime_sec;
    st->st_mtim.tv_nsec = k->st_mtime_nsec;
    st->st_ctim.tv_sec = k->st_ctime_sec;
    st->st_ctim.tv_nsec = k->st_ctime_nsec;
}

int fstatat(int dirfd, const char *restrict path, struct stat *restrict st, int flags)
{
    struct kstat k;
    long r = __sys_fstatat(dirfd, path, &k, flags);

    if (r < 0)
        return __syscall_error(r);
    __stat_from_kstat(st, &k);
    return 0;
}

int fstat(int fd, struct stat *st)
{
    struct kstat k;
    long r = __sys_fstat(fd, &k);

    if (r < 0)
        return __syscall_error(r);
    __stat_from_kstat(st, &k);
    return 0;
}

int stat(const char *restrict path, struct stat *restrict st)
{
    return fstatat(AT_FDCWD, path, st, 0);
}

int lstat(const char *restrict path, struct stat *restrict st)
{
    return fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
