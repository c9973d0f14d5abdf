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
#include "mm/slab.h"

#define LINK_MAX 65000

bool dir_is_dot_or_dotdot(const char *name)
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
    int err = inode_alloc_and_lock(dp->fs, type, mode, &ip);
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
    if ((err = inode_update(ip)) || (err = dir_link(dp, name, ip->inum)))
        goto out_free;
    if (type == QFS_T_DIR) {
        dp->d.nlink++; /* the child's ".." */
    }
    dp->d.mtime = dp->d.ctime = fs_now();
    inode_update(dp);
    *out = ip;
    return 0;
out_free:
    ip->d.nlink = 0; /* inode_put frees it and its blocks */
    inode_update(ip);
    inode_unlock_put(ip);
    return err;
}

struct create_args {
    uint16_t type, mode, major, minor;
    bool may_exist, follow;
};

static int create_and_lock_at(struct inode *cwd, const char *path, const struct create_args *a,
                              int depth, struct inode **out);

/* The existing entry `link` (a symlink, locked; its reference is consumed)
 * was met by create: create or open what it points at, relative to dp. */
static int create_and_lock_through_link(struct inode *dp, struct inode *link,
                                        const struct create_args *a, int depth, struct inode **out)
{
    char *target = depth < SYMLINK_MAX_DEPTH ? kmalloc(PATH_MAX + 1) : NULL;
    ssize_t n = depth >= SYMLINK_MAX_DEPTH ? -ELOOP : !target ? -ENOMEM : 0;
    if (n == 0)
        n = inode_read(link, false, (uintptr_t)target, 0, PATH_MAX);
    inode_unlock_put(link);
    if (n == 0)
        n = -ENOENT; /* an empty target names nothing */
    if (n > 0) {
        target[n] = '\0';
        n = create_and_lock_at(dp, target, a, depth + 1, out);
    }
    kfree(target);
    return (int)n;
}

static int create_and_lock_at(struct inode *cwd, const char *path, const struct create_args *a,
                              int depth, struct inode **out)
{
    char name[QFS_NAME_MAX + 1];
    struct inode *dp, *ip;
    int err = path_parent(cwd, path, &dp, name);
    if (err)
        return err;
    if ((err = inode_lock(dp)) != 0) {
        inode_put(dp);
        return err;
    }
    if ((err = dir_name_check(name)) != 0)
        goto out_unlock;
    if (a->type != QFS_T_DIR && path_names_dir(path)) {
        err = -EISDIR; /* "name/" cannot be a new file */
        goto out_unlock;
    }
    if ((ip = dir_lookup(dp, name, NULL)) != NULL) {
        inode_unlock(dp); /* still referenced: a symlink's target is relative to it */
        if ((err = inode_lock(ip)) != 0) {
            inode_put(ip);
        } else if (a->may_exist && ip->d.type == QFS_T_SYMLINK) {
            err = a->follow ? create_and_lock_through_link(dp, ip, a, depth, out) : -ELOOP;
            if (!a->follow)
                inode_unlock_put(ip);
        } else if (a->may_exist && ip->d.type == QFS_T_FILE) {
            *out = ip;
        } else {
            err = a->may_exist && ip->d.type == QFS_T_DIR ? -EISDIR : -EEXIST;
            inode_unlock_put(ip);
        }
        inode_put(dp);
        return err;
    }
    err = create_in(dp, name, a->type, a->mode, a->major, a->minor, out);
out_unlock:
    inode_unlock_put(dp);
    return err;
}

int fs_create_and_lock(struct inode *cwd, const char *path, uint16_t type, uint16_t mode,
                       uint16_t major, uint16_t minor, bool may_exist, bool follow,
                       struct inode **out)
{
    struct create_args a = {type, mode, major, minor, may_exist, follow};
    return create_and_lock_at(cwd, path, &a, 0, out);
}

int fs_mkdir(struct inode *cwd, const char *path, unsigned mode)
{
    struct fs *fs = path_fs(cwd, path);
    struct inode *ip;
    fs_op_begin(fs);
    int err = fs_create_and_lock(cwd, path, QFS_T_DIR, mode & 07777, 0, 0, false, false, &ip);
    if (!err)
        inode_unlock_put(ip);
    return fs_op_end(fs, err);
}

int fs_mknod(struct inode *cwd, const char *path, unsigned major, unsigned minor)
{
    struct fs *fs = path_fs(cwd, path);
    struct inode *ip;
    fs_op_begin(fs);
    int err = fs_create_and_lock(cwd, path, QFS_T_DEV, 0666, major, minor, false, false, &ip);
    if (!err)
        inode_unlock_put(ip);
    return fs_op_end(fs, err);
}

/* Remove name from dp (locked); want_dir selects rmdir or unlink semantics,
 * must_be_dir that the path ended in '/'. */
static int remove_locked(struct inode *dp, const char *name, bool want_dir, bool must_be_dir)
{
    ASSERT_INODE_LOCKED(dp);
    uint64_t off;
    if (dir_is_dot_or_dotdot(name))
        return want_dir ? -EINVAL : -EISDIR;
    struct inode *ip = dir_lookup(dp, name, &off);
    if (!ip)
        return -ENOENT;
    int err = inode_lock(ip);
    if (err) {
        inode_put(ip);
        return err;
    }
    bool is_dir = ip->d.type == QFS_T_DIR;
    if (want_dir && !is_dir)
        err = -ENOTDIR;
    else if (!want_dir && is_dir)
        err = -EISDIR;
    else if (!is_dir && must_be_dir)
        err = -ENOTDIR; /* unlink("file/") */
    else if (is_dir && !dir_is_empty(ip))
        err = -ENOTEMPTY;
    else if ((err = dir_unlink(dp, off)) == 0) {
        if (is_dir) {
            dp->d.nlink--; /* its ".." */
            ip->d.nlink = 0;
            dir_index_unpin_locked(ip);
        } else {
            ip->d.nlink--;
        }
        ip->d.ctime = dp->d.mtime = dp->d.ctime = fs_now();
        inode_update(ip);
        inode_update(dp);
    }
    inode_unlock_put(ip); /* frees it if that was the last link and reference */
    return err;
}

static int remove_path(struct inode *cwd, const char *path, bool want_dir)
{
    char name[QFS_NAME_MAX + 1];
    struct fs *fs = path_fs(cwd, path);
    struct inode *dp;
    fs_op_begin(fs);
    int err = path_parent(cwd, path, &dp, name);
    if (err == -EINVAL && want_dir)
        err = -EBUSY; /* rmdir("/") */
    if (!err) {
        err = inode_lock(dp);
        if (!err) {
            err = remove_locked(dp, name, want_dir, path_names_dir(path));
            inode_unlock(dp);
        }
        inode_put(dp);
    }
    return fs_op_end(fs, err);
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
    struct fs *fs = path_fs(olddir, oldpath);
    struct inode *ip, *dp;
    fs_op_begin(fs);
    int err = path_lookup(olddir, oldpath, false, &ip);
    if (err)
        return fs_op_end(fs, err);
    if ((err = inode_lock(ip)) != 0)
        goto out_put;
    err = ip->d.type == QFS_T_DIR ? -EPERM : ip->d.nlink >= LINK_MAX ? -EMLINK : 0;
    if (!err) {
        ip->d.nlink++; /* first, so a crash never leaves an entry uncounted */
        ip->d.ctime = fs_now();
        err = inode_update(ip);
    }
    inode_unlock(ip);
    if (err)
        goto out_put;
    if ((err = path_parent(newdir, newpath, &dp, name)) == 0) {
        if ((err = inode_lock(dp)) == 0) {
            err = dp->fs != ip->fs ? -EXDEV : dir_link(dp, name, ip->inum);
            if (!err)
                dp->d.mtime = dp->d.ctime = fs_now(), inode_update(dp);
            inode_unlock(dp);
        }
        inode_put(dp);
    }
    if (err && inode_lock(ip) == 0) {
        ip->d.nlink--;
        inode_update(ip);
        inode_unlock(ip);
    }
out_put:
    inode_put(ip);
    return fs_op_end(fs, err);
}

int fs_symlink(struct inode *cwd, const char *target, const char *linkpath)
{
    struct inode *ip;
    size_t len = strnlen(target, PATH_MAX + 1);
    if (len == 0)
        return -ENOENT;
    if (len > PATH_MAX)
        return -ENAMETOOLONG;
    struct fs *fs = path_fs(cwd, linkpath);
    fs_op_begin(fs);
    int err = fs_create_and_lock(cwd, linkpath, QFS_T_SYMLINK, 0777, 0, 0, false, false, &ip);
    if (err)
        return fs_op_end(fs, err);
    ssize_t n = inode_write(ip, false, (uintptr_t)target, 0, len);
    if (n != (ssize_t)len) {
        /* Out of space for the target: take the half-made link away again. */
        inode_unlock(ip);
        inode_put(ip);
        fs_op_end(fs, 0);
        fs_unlink(cwd, linkpath);
        return n < 0 ? (int)n : -ENOSPC;
    }
    inode_unlock_put(ip);
    return fs_op_end(fs, 0);
}

ssize_t fs_readlink(struct inode *cwd, const char *path, char *buf, size_t size)
{
    struct fs *fs = path_fs(cwd, path);
    struct inode *ip;
    fs_op_begin(fs);
    int err = path_lookup(cwd, path, false, &ip);
    if (err)
        return fs_op_end(fs, err);
    ssize_t n = inode_lock(ip);
    if (n == 0) {
        n = ip->d.type != QFS_T_SYMLINK ? -EINVAL : inode_read(ip, false, (uintptr_t)buf, 0, size);
        inode_unlock(ip);
    }
    inode_put(ip);
    err = fs_op_end(fs, 0);
    return n < 0 ? n : (err ? err : n);
}

int fs_stat(struct inode *cwd, const char *path, bool follow, struct kstat *st)
{
    struct fs *fs = path_fs(cwd, path);
    struct inode *ip;
    fs_op_begin(fs);
    int err = path_lookup(cwd, path, follow, &ip);
    if (!err) {
        if ((err = inode_lock(ip)) == 0) {
            inode_stat(ip, st);
            inode_unlock(ip);
        }
        inode_put(ip);
    }
    return fs_op_end(fs, err);
}

int fs_chdir_lookup(struct inode *cwd, const char *path, struct inode **dir)
{
    struct fs *fs = path_fs(cwd, path);
    struct inode *ip;
    fs_op_begin(fs);
    int err = path_lookup(cwd, path, true, &ip);
    if (!err) {
        if ((err = inode_lock(ip)) == 0) {
            if (ip->d.type != QFS_T_DIR)
                err = -ENOTDIR;
            inode_unlock(ip);
        }
        if (err)
            inode_put(ip);
        else
            *dir = ip;
    }
    return fs_op_end(fs, err);
}

/* Find dir's name in its parent (both referenced); 0 or -errno. */
static int name_in_parent(struct inode *parent, uint32_t inum, char name[QFS_NAME_MAX + 1])
{
    struct qfs_dirent de;
    int err = inode_lock(parent);
    if (err)
        return err;
    err = -ENOENT;
    for (uint64_t off = 0; off < parent->d.size; off += sizeof(de)) {
        if (inode_read(parent, false, (uintptr_t)&de, off, sizeof(de)) != sizeof(de))
            break;
        if (de.inum == inum && strcmp(de.name, ".") && strcmp(de.name, "..")) {
            strlcpy(name, de.name, QFS_NAME_MAX + 1);
            err = 0;
            break;
        }
    }
    inode_unlock(parent);
    return err;
}

long fs_getcwd(struct inode *dir, char *buf, size_t size)
{
    char name[QFS_NAME_MAX + 1];
    size_t len = 0; /* built by prepending "/name" for each level up */
    if (size < 2)
        return -ERANGE;
    buf[0] = '\0';
    struct fs *fs = dir ? dir->fs : root_fs;
    fs_op_begin(fs);
    struct inode *ip = dir ? inode_dup(dir) : inode_get(fs, QFS_ROOT_INUM);
    int err = 0;
    for (int depth = 0; !err && ip->inum != QFS_ROOT_INUM; depth++) {
        if (depth > PATH_MAX / 2) {
            err = -ENOENT; /* ".." never reaches the root: a damaged tree */
            break;
        }
        struct inode *parent = NULL;
        if ((err = inode_lock(ip)) == 0) {
            parent = ip->d.nlink ? dir_lookup(ip, "..", NULL) : NULL;
            inode_unlock(ip);
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
        inode_put(ip);
        ip = parent;
    }
    if (ip)
        inode_put(ip);
    fs_op_end(fs, 0);
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
    return root_fs ? log_force(&root_fs->log) : 0;
}
