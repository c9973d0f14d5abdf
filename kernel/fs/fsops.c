/*
 * Namespace operations (see fsops.h); rename is in rename.c.  Locking: a
 * directory is locked before anything inside it (parent before child), and
 * at most one directory at a time except in rename.
 */
#include "fs/fsops.h"
#include "fs/fs.h"
#include "abi/errno.h"
#include "abi/stat.h"
#include "lib/string.h"

#define LINK_MAX 65000

void op_begin(void)
{
    fs_begin_op(root_fs);
}

int op_end(int err)
{
    int e = fs_end_op(root_fs);
    return err ? err : e;
}

bool is_dot_or_dotdot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* Make a new inode of type named `name` in dp (locked). */
static int create_in(struct inode *dp, const char *name, uint16_t type, uint16_t mode,
                     uint16_t major, uint16_t minor, struct inode **out)
{
    struct inode *ip;
    if (dp->d.nlink == 0)
        return -ENOENT; /* the directory was removed */
    if (type == QFS_T_DIR && dp->d.nlink >= LINK_MAX)
        return -EMLINK;
    int err = ialloc(dp->fs, type, mode, &ip);
    if (err)
        return err;
    ip->d.major = major;
    ip->d.minor = minor;
    ip->d.nlink = 1;
    if (type == QFS_T_DIR) {
        ip->d.nlink = 2; /* its entry in dp, and its own "." */
        if ((err = dir_link(ip, ".", ip->inum)) || (err = dir_link(ip, "..", dp->inum)))
            goto out_free;
    }
    if ((err = iupdate(ip)) || (err = dir_link(dp, name, ip->inum)))
        goto out_free;
    if (type == QFS_T_DIR) {
        dp->d.nlink++; /* the child's ".." */
    }
    dp->d.mtime = dp->d.ctime = fs_now();
    iupdate(dp);
    *out = ip;
    return 0;
out_free:
    ip->d.nlink = 0; /* iput frees it and its blocks */
    iupdate(ip);
    iunlockput(ip);
    return err;
}

int fs_create_locked(struct inode *cwd, const char *path, uint16_t type, uint16_t mode,
                     uint16_t major, uint16_t minor, bool may_exist, struct inode **out)
{
    char name[QFS_NAME_MAX + 1];
    struct inode *dp, *ip;
    int err = path_parent(cwd, path, &dp, name);
    if (err)
        return err;
    if ((err = ilock(dp)) != 0) {
        iput(dp);
        return err;
    }
    if ((err = name_check(name)) != 0)
        goto out_unlock;
    if ((ip = dir_lookup(dp, name, NULL)) != NULL) {
        iunlockput(dp);
        if ((err = ilock(ip)) != 0) {
            iput(ip);
            return err;
        }
        if (may_exist && ip->d.type == QFS_T_FILE) {
            *out = ip;
            return 0;
        }
        bool is_dir = ip->d.type == QFS_T_DIR;
        iunlockput(ip);
        return may_exist && is_dir ? -EISDIR : -EEXIST;
    }
    err = create_in(dp, name, type, mode, major, minor, out);
out_unlock:
    iunlockput(dp);
    return err;
}

int fs_mkdir(struct inode *cwd, const char *path, unsigned mode)
{
    struct inode *ip;
    op_begin();
    int err = fs_create_locked(cwd, path, QFS_T_DIR, mode & 07777, 0, 0, false, &ip);
    if (!err)
        iunlockput(ip);
    return op_end(err);
}

int fs_mknod(struct inode *cwd, const char *path, unsigned major, unsigned minor)
{
    struct inode *ip;
    op_begin();
    int err = fs_create_locked(cwd, path, QFS_T_DEV, 0666, major, minor, false, &ip);
    if (!err)
        iunlockput(ip);
    return op_end(err);
}

/* Remove name from dp (locked); want_dir selects rmdir or unlink semantics. */
static int remove_locked(struct inode *dp, const char *name, bool want_dir)
{
    uint64_t off;
    if (is_dot_or_dotdot(name))
        return want_dir ? -EINVAL : -EISDIR;
    struct inode *ip = dir_lookup(dp, name, &off);
    if (!ip)
        return -ENOENT;
    int err = ilock(ip);
    if (err) {
        iput(ip);
        return err;
    }
    bool is_dir = ip->d.type == QFS_T_DIR;
    if (want_dir && !is_dir)
        err = -ENOTDIR;
    else if (!want_dir && is_dir)
        err = -EISDIR;
    else if (is_dir && !dir_is_empty(ip))
        err = -ENOTEMPTY;
    else if ((err = dir_unlink(dp, off)) == 0) {
        if (is_dir) {
            dp->d.nlink--; /* its ".." */
            ip->d.nlink = 0;
        } else {
            ip->d.nlink--;
        }
        ip->d.ctime = dp->d.mtime = dp->d.ctime = fs_now();
        iupdate(ip);
        iupdate(dp);
    }
    iunlockput(ip); /* frees it if that was the last link and reference */
    return err;
}

static int remove_path(struct inode *cwd, const char *path, bool want_dir)
{
    char name[QFS_NAME_MAX + 1];
    struct inode *dp;
    op_begin();
    int err = path_parent(cwd, path, &dp, name);
    if (err == -EINVAL && want_dir)
        err = -EBUSY; /* rmdir("/") */
    if (!err) {
        err = ilock(dp);
        if (!err) {
            err = remove_locked(dp, name, want_dir);
            iunlock(dp);
        }
        iput(dp);
    }
    return op_end(err);
}

int fs_unlink(struct inode *cwd, const char *path)
{
    return remove_path(cwd, path, false);
}

int fs_rmdir(struct inode *cwd, const char *path)
{
    return remove_path(cwd, path, true);
}

int fs_link(struct inode *olddir, const char *oldpath, struct inode *newdir, const char *newpath)
{
    char name[QFS_NAME_MAX + 1];
    struct inode *ip, *dp;
    op_begin();
    int err = path_lookup(olddir, oldpath, false, &ip);
    if (err)
        return op_end(err);
    if ((err = ilock(ip)) != 0)
        goto out_put;
    err = ip->d.type == QFS_T_DIR ? -EPERM : ip->d.nlink >= LINK_MAX ? -EMLINK : 0;
    if (!err) {
        ip->d.nlink++; /* first, so a crash never leaves an entry uncounted */
        ip->d.ctime = fs_now();
        err = iupdate(ip);
    }
    iunlock(ip);
    if (err)
        goto out_put;
    if ((err = path_parent(newdir, newpath, &dp, name)) == 0) {
        if ((err = ilock(dp)) == 0) {
            err = dp->fs != ip->fs ? -EXDEV : dir_link(dp, name, ip->inum);
            if (!err)
                dp->d.mtime = dp->d.ctime = fs_now(), iupdate(dp);
            iunlock(dp);
        }
        iput(dp);
    }
    if (err && ilock(ip) == 0) {
        ip->d.nlink--;
        iupdate(ip);
        iunlock(ip);
    }
out_put:
    iput(ip);
    return op_end(err);
}

int fs_symlink(struct inode *cwd, const char *target, const char *linkpath)
{
    struct inode *ip;
    size_t len = strnlen(target, PATH_MAX + 1);
    if (len == 0)
        return -ENOENT;
    if (len > PATH_MAX)
        return -ENAMETOOLONG;
    op_begin();
    int err = fs_create_locked(cwd, linkpath, QFS_T_SYMLINK, 0777, 0, 0, false, &ip);
    if (err)
        return op_end(err);
    ssize_t n = writei(ip, false, (uintptr_t)target, 0, len);
    if (n != (ssize_t)len) {
        /* Out of space for the target: take the half-made link away again. */
        iunlock(ip);
        iput(ip);
        op_end(0);
        fs_unlink(cwd, linkpath);
        return n < 0 ? (int)n : -ENOSPC;
    }
    iunlockput(ip);
    return op_end(0);
}

ssize_t fs_readlink(struct inode *cwd, const char *path, char *buf, size_t size)
{
    struct inode *ip;
    op_begin();
    int err = path_lookup(cwd, path, false, &ip);
    if (err)
        return op_end(err);
    ssize_t n = ilock(ip);
    if (n == 0) {
        n = ip->d.type != QFS_T_SYMLINK ? -EINVAL : readi(ip, false, (uintptr_t)buf, 0, size);
        iunlock(ip);
    }
    iput(ip);
    err = op_end(0);
    return n < 0 ? n : (err ? err : n);
}

int fs_stat(struct inode *cwd, const char *path, bool follow, struct kstat *st)
{
    struct inode *ip;
    op_begin();
    int err = path_lookup(cwd, path, follow, &ip);
    if (!err) {
        if ((err = ilock(ip)) == 0) {
            istat(ip, st);
            iunlock(ip);
        }
        iput(ip);
    }
    return op_end(err);
}

int fs_chdir_lookup(struct inode *cwd, const char *path, struct inode **dir)
{
    struct inode *ip;
    op_begin();
    int err = path_lookup(cwd, path, true, &ip);
    if (!err) {
        if ((err = ilock(ip)) == 0) {
            if (ip->d.type != QFS_T_DIR)
                err = -ENOTDIR;
            iunlock(ip);
        }
        if (err)
            iput(ip);
        else
            *dir = ip;
    }
    return op_end(err);
}

/* Find dir's name in its parent (both referenced); 0 or -errno. */
static int name_in_parent(struct inode *parent, uint32_t inum, char name[QFS_NAME_MAX + 1])
{
    struct qfs_dirent de;
    int err = ilock(parent);
    if (err)
        return err;
    err = -ENOENT;
    for (uint64_t off = 0; off < parent->d.size; off += sizeof(de)) {
        if (readi(parent, false, (uintptr_t)&de, off, sizeof(de)) != sizeof(de))
            break;
        if (de.inum == inum && strcmp(de.name, ".") && strcmp(de.name, "..")) {
            strlcpy(name, de.name, QFS_NAME_MAX + 1);
            err = 0;
            break;
        }
    }
    iunlock(parent);
    return err;
}

long fs_getcwd(struct inode *dir, char *buf, size_t size)
{
    char name[QFS_NAME_MAX + 1];
    size_t len = 0; /* built by prepending "/name" for each level up */
    if (size < 2)
        return -ERANGE;
    buf[0] = '\0';
    op_begin();
    struct inode *ip = dir ? idup(dir) : iget(root_fs, QFS_ROOT_INUM);
    int err = 0;
    while (!err && ip->inum != QFS_ROOT_INUM) {
        struct inode *parent = NULL;
        if ((err = ilock(ip)) == 0) {
            parent = ip->d.nlink ? dir_lookup(ip, "..", NULL) : NULL;
            iunlock(ip);
        }
        if (!err && !parent)
            err = -ENOENT; /* the directory was removed */
        if (!err && (err = name_in_parent(parent, ip->inum, name)) == 0) {
            size_t n = strlen(name);
            if (len + n + 2 > size)
                err = -ERANGE;
            else {
                memmove(buf + n + 1, buf, len + 1);
                buf[0] = '/';
                memcpy(buf + 1, name, n);
                len += n + 1;
            }
        }
        iput(ip);
        ip = parent;
    }
    if (ip)
        iput(ip);
    op_end(0);
    if (err)
        return err;
    if (len == 0) {
        buf[0] = '/';
        buf[1] = '\0';
        len = 1;
    }
    return (long)len;
}

int fs_sync(void)
{
    return log_force(&root_fs->log);
}
