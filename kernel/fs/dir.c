/*
 * Directories: files of fixed 64-byte entries {inum, name}; inum 0 is a free
 * slot.  "." and ".." are ordinary entries (the first two).  The caller holds
 * the directory's inode lock for every function here.  A large directory is
 * searched through its in-memory index (dirindex.c), and new entries go to
 * the first free slot at or after dir_free_hint (every slot below it is in
 * use), so neither a lookup nor a create scans a big directory.
 */
#include "fs/fs.h"
#include "abi/errno.h"
#include "lib/string.h"

int dir_name_check(const char *name)
{
    size_t n = strnlen(name, QFS_NAME_MAX + 1);
    if (n == 0)
        return -ENOENT;
    if (n > QFS_NAME_MAX)
        return -ENAMETOOLONG;
    return strchr(name, '/') ? -EINVAL : 0;
}

int dir_read_entry(struct inode *dp, uint64_t off, struct qfs_dirent *de)
{
    ssize_t n = inode_read(dp, false, (uintptr_t)de, off, sizeof(*de));
    if (n < 0)
        return (int)n;
    return n == sizeof(*de) ? fs_check_dirent(dp->fs, de) : -EIO;
}

struct inode *dir_lookup(struct inode *dp, const char *name, uint64_t *off)
{
    ASSERT_INODE_LOCKED(dp);
    struct qfs_dirent de;
    if (dp->d.type != QFS_T_DIR)
        return NULL;
    if (dir_index_ready_locked(dp)) {
        uint64_t o;
        if (dir_index_find_locked(dp, name, &de, &o) != 1)
            return NULL;
        if (off)
            *off = o;
        return inode_get(dp->fs, de.inum);
    }
    for (uint64_t o = 0; o < dp->d.size; o += sizeof(de)) {
        if (dir_read_entry(dp, o, &de))
            return NULL;
        if (de.inum && strncmp(de.name, name, QFS_NAME_MAX + 1) == 0) {
            if (off)
                *off = o;
            return inode_get(dp->fs, de.inum);
        }
    }
    return NULL;
}

int dir_set_entry(struct inode *dp, uint64_t off, uint32_t inum)
{
    struct qfs_dirent de;
    int err = dir_read_entry(dp, off, &de);
    if (err)
        return err;
    uint32_t old = de.inum;
    de.inum = inum;
    ssize_t n = inode_write(dp, false, (uintptr_t)&de, off, sizeof(de));
    if (n != sizeof(de))
        return n < 0 ? (int)n : -EIO;
    if (old && !inum) {
        dir_index_remove_locked(dp, de.name, off);
        dp->dir_free_hint = MIN(dp->dir_free_hint, off);
    }
    return 0;
}

int dir_link(struct inode *dp, const char *name, uint32_t inum)
{
    struct qfs_dirent de;
    int err = dir_name_check(name);
    if (err)
        return err;
    struct inode *existing = dir_lookup(dp, name, NULL);
    if (existing) {
        inode_put(existing);
        return -EEXIST;
    }
    uint64_t off;
    for (off = MIN(dp->dir_free_hint, dp->d.size); off < dp->d.size; off += sizeof(de)) {
        if ((err = dir_read_entry(dp, off, &de)) != 0)
            return err;
        if (de.inum == 0)
            break;
    }
    memset(&de, 0, sizeof(de));
    de.inum = inum;
    strlcpy(de.name, name, sizeof(de.name));
    if (off == dp->d.size && off / QFS_BLOCK_SIZE >= QFS_DIR_MAX_BLOCKS)
        return -ENOSPC; /* the largest directory QFS has */
    if (off == dp->d.size) {
        /* Grow by a whole block of free slots, so directories stay in blocks. */
        static const struct qfs_dirent empty[QFS_DIRENTS_PER_BLOCK];
        ssize_t n = inode_write(dp, false, (uintptr_t)empty, off, sizeof(empty));
        if (n != sizeof(empty)) {
            bool done;
            if (n > 0)
                inode_truncate_step_locked(dp, off, &done); /* one block: one step */
            return n < 0 ? (int)n : -ENOSPC;
        }
    }
    ssize_t n = inode_write(dp, false, (uintptr_t)&de, off, sizeof(de));
    if (n != sizeof(de))
        return n < 0 ? (int)n : -EIO;
    dp->dir_free_hint = off + sizeof(de);
    dir_index_add_locked(dp, name, off);
    return 0;
}

int dir_unlink(struct inode *dp, uint64_t off)
{
    return dir_set_entry(dp, off, 0);
}

bool dir_is_empty(struct inode *dp)
{
    struct qfs_dirent de;
    for (uint64_t off = 2 * sizeof(de); off < dp->d.size; off += sizeof(de)) {
        if (dir_read_entry(dp, off, &de))
            return false;
        if (de.inum)
            return false;
    }
    return true;
}
