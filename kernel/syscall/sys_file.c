/*
 * File-system system calls: descriptors, paths and the *at() family.  A
 * dirfd of AT_FDCWD means the working directory; any other must be an open
 * directory.  Paths are copied in with arg_path; buffers are moved with the
 * user-copy routines by the layers below (inode_read/inode_write, getdents).
 */
#include "syscall/syscall.h"
#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/stat.h"
#include "fs/file.h"
#include "fs/fs.h"
#include "fs/fsops.h"
#include "fs/pipe.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "proc/proc.h"

#define IO_MAX (1UL << 30) /* one read or write moves at most 1 GiB */

/* Is the whole buffer (pointer argument p, length argument n) in user space? */
static bool user_buffer_ok(const struct sysargs *args, int p, int n)
{
    return arg_long(args, n) == 0 || user_range_ok(arg_ptr(args, p), (size_t)arg_long(args, n));
}

static struct file *get_file(int fd)
{
    return fd_get(proc_current(), fd);
}

/* The directory a *at() path is relative to (not referenced: the caller's
 * descriptor or cwd keeps it alive for the call). */
static int at_base(int dirfd, struct inode **base)
{
    if (dirfd == AT_FDCWD) {
        *base = proc_current()->cwd;
        return 0;
    }
    struct file *f = get_file(dirfd);
    if (!f)
        return -EBADF;
    if (f->type != FILE_INODE || f->ip->d.type != QFS_T_DIR)
        return -ENOTDIR;
    *base = f->ip;
    return 0;
}

/* Copy the path argument i and resolve dirfd argument d. */
static long path_and_base(const struct sysargs *args, int d, int i, struct inode **base,
                          char **path)
{
    long err = at_base(arg_int(args, d), base);
    return err ? err : arg_path(args, i, path);
}

static long install(struct file *f, bool cloexec)
{
    int fd = fd_alloc_cloexec(proc_current(), f, 0, cloexec);
    if (fd < 0)
        file_close(f);
    return fd;
}

long sys_openat(const struct sysargs *args)
{
    struct inode *base;
    char *path;
    struct file *f;
    long err = path_and_base(args, 0, 1, &base, &path);
    if (err)
        return err;
    err = file_open(base, path, arg_int(args, 2), arg_int(args, 3), &f);
    kfree(path);
    return err ? err : install(f, (arg_int(args, 2) & O_CLOEXEC) != 0);
}

long sys_close(const struct sysargs *args)
{
    return fd_close(proc_current(), arg_int(args, 0));
}

long sys_dup(const struct sysargs *args)
{
    struct file *f = get_file(arg_int(args, 0));
    return f ? install(file_dup(f), false) : -EBADF;
}

long sys_dup3(const struct sysargs *args)
{
    struct proc *p = proc_current();
    int oldfd = arg_int(args, 0), newfd = arg_int(args, 1);
    struct file *f = get_file(oldfd);
    if (!f || newfd < 0 || newfd >= FD_MAX)
        return -EBADF;
    if (oldfd == newfd || (arg_int(args, 2) & ~O_CLOEXEC))
        return -EINVAL;
    file_dup(f);
    if (get_file(newfd))
        fd_close(p, newfd);
    /* newfd is free now: it is the lowest free descriptor >= newfd */
    int fd = fd_alloc_cloexec(p, f, newfd, (arg_int(args, 2) & O_CLOEXEC) != 0);
    if (fd < 0)
        file_close(f);
    return fd;
}

long sys_pipe2(const struct sysargs *args)
{
    struct proc *p = proc_current();
    struct file *rf, *wf;
    if (arg_int(args, 1) & ~(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    long err = pipe_create(&rf, &wf);
    if (err)
        return err;
    bool cloexec = (arg_int(args, 1) & O_CLOEXEC) != 0;
    int fds[2] = {fd_alloc_cloexec(p, rf, 0, cloexec), -1};
    if (fds[0] >= 0)
        fds[1] = fd_alloc_cloexec(p, wf, 0, cloexec);
    if (fds[1] < 0 || copy_to_user(arg_ptr(args, 0), fds, sizeof(fds))) {
        err = fds[0] < 0 ? fds[0] : fds[1] < 0 ? fds[1] : -EFAULT;
        if (fds[0] >= 0)
            fd_close(p, fds[0]);
        else
            file_close(rf);
        if (fds[1] >= 0)
            fd_close(p, fds[1]);
        else
            file_close(wf);
        return err;
    }
    return 0;
}

/* read(fd, buf, n) and write(fd, buf, n). */
static long transfer(const struct sysargs *args, bool write)
{
    struct file *f = get_file(arg_int(args, 0));
    size_t n = MIN((size_t)arg_long(args, 2), IO_MAX);
    if (!f)
        return -EBADF;
    if (!user_buffer_ok(args, 1, 2))
        return -EFAULT;
    if (!n)
        return 0;
    return write ? file_write(f, true, arg_ptr(args, 1), n)
                 : file_read(f, true, arg_ptr(args, 1), n);
}

long sys_read(const struct sysargs *args)
{
    return transfer(args, false);
}

long sys_write(const struct sysargs *args)
{
    return transfer(args, true);
}

static long positioned(const struct sysargs *args, bool write)
{
    struct file *f = get_file(arg_int(args, 0));
    size_t n = MIN((size_t)arg_long(args, 2), IO_MAX);
    if (!f)
        return -EBADF;
    if (f->type != FILE_INODE)
        return -ESPIPE;
    if (arg_long(args, 3) < 0)
        return -EINVAL;
    if (!user_buffer_ok(args, 1, 2))
        return -EFAULT;
    if (!n)
        return 0;
    return write ? file_pwrite(f, true, arg_ptr(args, 1), n, arg_long(args, 3))
                 : file_pread(f, true, arg_ptr(args, 1), n, arg_long(args, 3));
}

long sys_pread(const struct sysargs *args)
{
    return positioned(args, false);
}

long sys_pwrite(const struct sysargs *args)
{
    return positioned(args, true);
}

long sys_lseek(const struct sysargs *args)
{
    struct file *f = get_file(arg_int(args, 0));
    return f ? file_lseek(f, arg_long(args, 1), arg_int(args, 2)) : -EBADF;
}

long sys_getdents(const struct sysargs *args)
{
    struct file *f = get_file(arg_int(args, 0));
    if (!f)
        return -EBADF;
    if (!user_range_ok(arg_ptr(args, 1), arg_long(args, 2)))
        return -EFAULT;
    return file_getdents(f, true, arg_ptr(args, 1), arg_long(args, 2));
}

long sys_ftruncate(const struct sysargs *args)
{
    struct file *f = get_file(arg_int(args, 0));
    if (!f)
        return -EBADF;
    if (arg_long(args, 1) < 0)
        return -EINVAL;
    return file_truncate(f, arg_long(args, 1));
}

long sys_fsync(const struct sysargs *args)
{
    struct file *f = get_file(arg_int(args, 0));
    return f ? file_fsync(f) : -EBADF;
}

long sys_sync(const struct sysargs *args)
{
    fs_sync();
    return 0;
}

long sys_fstat(const struct sysargs *args)
{
    struct kstat st;
    struct file *f = get_file(arg_int(args, 0));
    if (!f)
        return -EBADF;
    long err = file_stat(f, &st);
    return err ? err : copy_to_user(arg_ptr(args, 1), &st, sizeof(st));
}

long sys_fstatat(const struct sysargs *args)
{
    struct inode *base;
    struct kstat st;
    char *path;
    long err = path_and_base(args, 0, 1, &base, &path);
    if (err)
        return err;
    err = fs_stat(base, path, !(arg_int(args, 3) & AT_SYMLINK_NOFOLLOW), &st);
    kfree(path);
    return err ? err : copy_to_user(arg_ptr(args, 2), &st, sizeof(st));
}

long sys_mkdirat(const struct sysargs *args)
{
    struct inode *base;
    char *path;
    long err = path_and_base(args, 0, 1, &base, &path);
    if (err)
        return err;
    err = fs_mkdir(base, path, arg_int(args, 2));
    kfree(path);
    return err;
}

long sys_unlinkat(const struct sysargs *args)
{
    struct inode *base;
    char *path;
    long err = path_and_base(args, 0, 1, &base, &path);
    if (err)
        return err;
    err = (arg_int(args, 2) & AT_REMOVEDIR) ? fs_rmdir(base, path) : fs_unlink(base, path);
    kfree(path);
    return err;
}

long sys_symlinkat(const struct sysargs *args)
{
    struct inode *base;
    char *target, *path;
    long err = path_and_base(args, 1, 2, &base, &path);
    if (err)
        return err;
    if ((err = arg_path(args, 0, &target)) == 0) {
        err = fs_symlink(base, target, path);
        kfree(target);
    }
    kfree(path);
    return err;
}

/* linkat and renameat: (olddirfd, oldpath, newdirfd, newpath). */
static long two_paths(const struct sysargs *args,
                      int (*op)(struct inode *, const char *, struct inode *, const char *))
{
    struct inode *obase, *nbase;
    char *opath, *npath;
    long err = path_and_base(args, 0, 1, &obase, &opath);
    if (err)
        return err;
    if ((err = path_and_base(args, 2, 3, &nbase, &npath)) == 0) {
        err = op(obase, opath, nbase, npath);
        kfree(npath);
    }
    kfree(opath);
    return err;
}

long sys_linkat(const struct sysargs *args)
{
    return two_paths(args, fs_link);
}

long sys_renameat(const struct sysargs *args)
{
    return two_paths(args, fs_rename);
}

long sys_readlinkat(const struct sysargs *args)
{
    struct inode *base;
    char *path, *buf;
    long err = path_and_base(args, 0, 1, &base, &path);
    if (err)
        return err;
    size_t size = MIN((size_t)arg_long(args, 3), (size_t)PATH_MAX);
    if ((buf = kmalloc(PATH_MAX + 1)) == NULL) {
        kfree(path);
        return -ENOMEM;
    }
    err = fs_readlink(base, path, buf, size);
    if (err > 0 && copy_to_user(arg_ptr(args, 2), buf, err))
        err = -EFAULT;
    kfree(buf);
    kfree(path);
    return err;
}

long sys_chdir(const struct sysargs *args)
{
    struct proc *p = proc_current();
    struct inode *dir;
    char *path;
    long err = arg_path(args, 0, &path);
    if (err)
        return err;
    err = fs_chdir_lookup(p->cwd, path, &dir);
    kfree(path);
    if (err)
        return err;
    inode_put_op(p->cwd);
    p->cwd = dir;
    return 0;
}

long sys_getcwd(const struct sysargs *args)
{
    size_t size = MIN((size_t)arg_long(args, 1), (size_t)PATH_MAX + 1);
    char *buf = kmalloc(PATH_MAX + 1);
    if (!buf)
        return -ENOMEM;
    long n = fs_getcwd(proc_current()->cwd, buf, size);
    if (n >= 0 && copy_to_user(arg_ptr(args, 0), buf, n + 1))
        n = -EFAULT;
    kfree(buf);
    return n < 0 ? n : n + 1;
}
