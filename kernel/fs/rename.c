/*
 * rename(old, new): one journal operation, so after a crash either the old
 * name or the new one exists, never both or neither, and a replaced target
 * is gone only if the new name points at the source.
 *
 * Renames are serialized by rename_lock.  With it held the tree's shape
 * cannot change, so rename can (1) refuse to move a directory below itself
 * and (2) lock the two parent directories ancestor first, the order in which
 * every other operation locks directories (parent before child).
 */
#include "fs/fsops.h"
#include "fs/fs.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "sync/sleeplock.h"

static struct sleeplock rename_lock;
static volatile int rename_lock_ready;

static void rename_lock_acquire(void)
{
    if (!__atomic_exchange_n(&rename_lock_ready, 1, __ATOMIC_SEQ_CST))
        sleeplock_init(&rename_lock, "rename");
    sleeplock_acquire(&rename_lock);
}

/* Is `a` (a directory) an ancestor of, or equal to, directory `b`? */
static bool is_ancestor(struct inode *a, struct inode *b)
{
    struct inode *ip = inode_dup(b);
    for (int depth = 0; depth < 4096; depth++) {
        if (ip == a || ip->inum == a->inum) {
            inode_put(ip);
            return true;
        }
        if (ip->inum == QFS_ROOT_INUM || inode_lock(ip) != 0)
            break;
        struct inode *up = dir_lookup(ip, "..", NULL);
        inode_unlock(ip);
        inode_put(ip);
        if (!up)
            return false;
        ip = up;
    }
    inode_put(ip);
    return false;
}

struct rename_ctx {
    struct inode *op, *np; /* old and new parent */
    char oname[QFS_NAME_MAX + 1], nname[QFS_NAME_MAX + 1];
};

/* Check types and emptiness; returns 0 if the rename may go ahead. */
static int check_target(struct inode *src, struct inode *dst)
{
    bool sdir = src->d.type == QFS_T_DIR, ddir = dst->d.type == QFS_T_DIR;
    if (sdir && !ddir)
        return -ENOTDIR;
    if (!sdir && ddir)
        return -EISDIR;
    if (ddir && !dir_is_empty(dst))
        return -ENOTEMPTY;
    return 0;
}

/* Both parents are locked; src and dst (may be NULL) are referenced. */
static int rename_locked(struct rename_ctx *c, struct inode *src, uint64_t soff, struct inode *dst,
                         uint64_t doff)
{
    ASSERT_INODE_LOCKED(c->op);
    ASSERT_INODE_LOCKED(c->np);
    int err = inode_lock(src);
    if (err)
        return err;
    bool sdir = src->d.type == QFS_T_DIR;
    if (dst) {
        if ((err = inode_lock(dst)) != 0)
            goto out_src;
        if ((err = check_target(src, dst)) == 0 &&
            (err = dir_set_entry(c->np, doff, src->inum)) == 0) {
            dst->d.nlink = dst->d.type == QFS_T_DIR ? 0 : dst->d.nlink - 1;
            if (dst->d.type == QFS_T_DIR) {
                c->np->d.nlink--; /* the replaced directory's ".." */
                dir_index_unpin_locked(dst);
            }
            dst->d.ctime = fs_now();
            inode_update(dst);
        }
        inode_unlock(dst);
    } else {
        err = dir_link(c->np, c->nname, src->inum);
    }
    if (err)
        goto out_src;
    if ((err = dir_unlink(c->op, soff)) != 0)
        goto out_src;
    if (sdir && c->op != c->np) {
        uint64_t dotdot;
        struct inode *old = dir_lookup(src, "..", &dotdot);
        if (old)
            inode_put(old);
        dir_set_entry(src, dotdot, c->np->inum);
        c->op->d.nlink--;
        c->np->d.nlink++;
    }
    src->d.ctime = c->op->d.mtime = c->np->d.mtime = fs_now();
    inode_update(src);
    inode_update(c->op);
    if (c->np != c->op)
        inode_update(c->np);
out_src:
    inode_unlock(src);
    return err;
}

/* name's inode in dir (referenced) and its type, or NULL; nothing stays locked. */
static struct inode *lookup_typed(struct inode *dir, const char *name, uint16_t *type, int *err)
{
    if ((*err = inode_lock(dir)) != 0)
        return NULL;
    struct inode *ip = dir_lookup(dir, name, NULL);
    inode_unlock(dir);
    if (ip && (*err = inode_lock(ip)) == 0) {
        *type = ip->d.type;
        inode_unlock(ip);
    } else if (ip) {
        inode_put(ip);
        ip = NULL;
    }
    return ip;
}

/*
 * With nothing locked (rename_lock keeps directories where they are): find
 * the source, refuse to move a directory below itself, and refuse to
 * replace a directory that contains the source (the target is then one of
 * the source's ancestors, which the locked phase could not lock in order).
 * *inum gets the source's inode number so the locked phase can see that it
 * is the same.
 */
static int precheck(struct rename_ctx *c, uint32_t *inum)
{
    uint16_t stype = 0, dtype = 0;
    int err;
    struct inode *src = lookup_typed(c->op, c->oname, &stype, &err);
    if (!src)
        return err ? err : -ENOENT;
    bool sdir = stype == QFS_T_DIR;
    if (sdir && c->op != c->np && is_ancestor(src, c->np))
        err = -EINVAL; /* a directory cannot move below itself */
    struct inode *dst = err ? NULL : lookup_typed(c->np, c->nname, &dtype, &err);
    if (dst && dst != src && dtype == QFS_T_DIR && is_ancestor(dst, c->op))
        err = sdir ? -ENOTEMPTY : -EISDIR; /* the target holds the source */
    if (dst)
        inode_put(dst);
    *inum = src->inum;
    inode_put(src);
    return err;
}

/* Lock the parents (ancestor first), look the names up, and rename. */
static int rename_in(struct rename_ctx *c)
{
    uint32_t inum;
    int err = precheck(c, &inum);
    if (err)
        return err;
    struct inode *first = c->op, *second = c->np;
    if (c->op != c->np && is_ancestor(c->np, c->op))
        first = c->np, second = c->op;
    if ((err = inode_lock(first)) != 0)
        return err;
    if (second != first && (err = inode_lock(second)) != 0) {
        inode_unlock(first);
        return err;
    }
    uint64_t soff, doff;
    struct inode *src = dir_lookup(c->op, c->oname, &soff);
    struct inode *dst = src ? dir_lookup(c->np, c->nname, &doff) : NULL;
    if (!src || src->inum != inum)
        err = -ENOENT; /* the name changed meanwhile */
    else if (c->np->d.nlink == 0)
        err = -ENOENT; /* the target directory was removed */
    else if (dst == src)
        err = 0; /* two names of one file: nothing to do */
    else if (dst == c->op || dst == c->np)
        err = src->inum == QFS_ROOT_INUM || dst->d.type != QFS_T_DIR ? -EINVAL : -ENOTEMPTY;
    else
        err = rename_locked(c, src, soff, dst, doff);
    if (dst)
        inode_put(dst);
    if (src)
        inode_put(src);
    if (second != first)
        inode_unlock(second);
    inode_unlock(first);
    return err;
}

int fs_rename(struct inode *olddir, const char *oldpath, struct inode *newdir, const char *newpath)
{
    struct rename_ctx c;
    struct fs *fs = path_fs(olddir, oldpath);
    rename_lock_acquire();
    fs_op_begin(fs);
    int err = path_parent(olddir, oldpath, &c.op, c.oname);
    if (err)
        goto out;
    if ((err = path_parent(newdir, newpath, &c.np, c.nname)) != 0)
        goto out_op;
    if (dir_is_dot_or_dotdot(c.oname) || dir_is_dot_or_dotdot(c.nname))
        err = -EINVAL;
    else if ((err = dir_name_check(c.nname)) == 0)
        err = c.op->fs != c.np->fs ? -EXDEV : rename_in(&c);
    inode_put(c.np);
out_op:
    inode_put(c.op);
out:
    err = fs_op_end(fs, err);
    sleeplock_release(&rename_lock);
    return err;
}
