/*
 * Path resolution.  Absolute paths start at the root, relative ones at cwd;
 * "." and ".." are directory entries like any other (the root's ".." is the
 * root), and repeated slashes are one.  A symbolic link met in the middle of
 * a path is always followed; at the end only when asked.  Following more
 * than SYMLINK_MAX_DEPTH links in one lookup gives -ELOOP (this also stops
 * loops).  A path ending in '/' names a directory: looking up "file/" is
 * -ENOTDIR, and the final symlink of "link/" is followed.  Callers are inside a log operation,
 * because dropping the last reference to an unlinked inode frees it.
 */
#include "fs/fs.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/slab.h"

struct fs *root_fs;

/* Copy the next component of *path to name and advance; 0, 1 at the end, or -errno. */
static int next_component(const char **path, char name[QFS_NAME_MAX + 1])
{
    const char *p = *path;
    while (*p == '/')
        p++;
    if (!*p)
        return 1;
    const char *start = p;
    while (*p && *p != '/')
        p++;
    if (p - start > QFS_NAME_MAX)
        return -ENAMETOOLONG;
    memcpy(name, start, p - start);
    name[p - start] = '\0';
    while (*p == '/')
        p++;
    *path = p;
    return 0;
}

static int walk(struct inode *cwd, const char *path, bool follow, bool parent, struct inode **out,
                char *last, int *depth);

/* Replace *ip (a symlink, referenced) by what its target names, relative to dir. */
static int follow_link(struct inode *dir, struct inode **ip, int *depth)
{
    /* LAB fs BEGIN */
    if (++*depth > SYMLINK_MAX_DEPTH)
        return -ELOOP;
    char *target = kmalloc(PATH_MAX + 1);
    if (!target)
        return -ENOMEM;
    int err = inode_lock(*ip);
    ssize_t n = err ? err : inode_read(*ip, false, (uintptr_t)target, 0, PATH_MAX);
    if (!err)
        inode_unlock(*ip);
    if (n < 0) {
        kfree(target);
        return (int)n;
    }
    target[n] = '\0';
    struct inode *res;
    err = walk(dir, target, true, false, &res, NULL, depth);
    kfree(target);
    if (err)
        return err;
    inode_put(*ip);
    *ip = res;
    return 0;
    /* LAB fs SKELETON
    (void)dir, (void)ip, (void)depth;
    return -ENOSYS; // your code here: docs/labs/fs.md
       LAB fs END */
}

bool path_names_dir(const char *path)
{
    size_t len = strnlen(path, PATH_MAX + 1);
    return len > 0 && path[len - 1] == '/';
}

struct fs *path_fs(struct inode *cwd, const char *path)
{
    return (path[0] == '/' || !cwd) ? root_fs : cwd->fs;
}

static int walk(struct inode *cwd, const char *path, bool follow, bool parent, struct inode **out,
                char *last, int *depth)
{
    char name[QFS_NAME_MAX + 1];
    if (!path[0])
        return -ENOENT;
    size_t len = strnlen(path, PATH_MAX + 1);
    if (len > PATH_MAX)
        return -ENAMETOOLONG;
    bool must_be_dir = path_names_dir(path);
    struct inode *ip =
        (path[0] == '/' || !cwd) ? inode_get(path_fs(cwd, path), QFS_ROOT_INUM) : inode_dup(cwd);
    if (!ip)
        return -ENOMEM;
    int err;
    while ((err = next_component(&path, name)) == 0) {
        bool is_last = *path == '\0';
        if ((err = inode_lock(ip)) != 0)
            break;
        if (ip->d.type != QFS_T_DIR) {
            inode_unlock(ip);
            err = -ENOTDIR;
            break;
        }
        if (parent && is_last) {
            inode_unlock(ip);
            strlcpy(last, name, QFS_NAME_MAX + 1);
            *out = ip;
            return 0;
        }
        struct inode *next = dir_lookup(ip, name, NULL);
        inode_unlock(ip);
        if (!next) {
            err = -ENOENT;
            break;
        }
        if ((err = inode_lock(next)) != 0) {
            inode_put(next);
            break;
        }
        bool is_link = next->d.type == QFS_T_SYMLINK;
        inode_unlock(next);
        if (is_link && (!is_last || follow || must_be_dir) &&
            (err = follow_link(ip, &next, depth)) != 0) {
            inode_put(next);
            break;
        }
        inode_put(ip);
        ip = next;
    }
    if (err == 1 && parent)
        err = -EINVAL; /* "/" or "" has no last component */
    if (err == 1 && must_be_dir && (err = inode_lock(ip)) == 0) {
        err = ip->d.type == QFS_T_DIR ? 1 : -ENOTDIR;
        inode_unlock(ip);
    }
    if (err == 1) {
        *out = ip;
        return 0;
    }
    inode_put(ip);
    return err;
}

int path_lookup(struct inode *cwd, const char *path, bool follow, struct inode **out)
{
    int depth = 0;
    return walk(cwd, path, follow, false, out, NULL, &depth);
}

int path_parent(struct inode *cwd, const char *path, struct inode **parent,
                char name[QFS_NAME_MAX + 1])
{
    int depth = 0;
    return walk(cwd, path, true, true, parent, name, &depth);
}
