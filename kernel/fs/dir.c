/*
 * Directories: files of fixed 64-byte entries {inum, name}; inum 0 is a free
 * slot.  "." and ".." are ordinary entries (the first two).  The caller holds
 * the directory's inode lock for every function here.  A large directory is
 * searched through its in-memory index (dirindex.c), and new entries go to
 * the first free slot at or after dir_free_hint (every slot below it is in
 * use), so neither a lookup nor a create scans a big directory.  A small
 * directory is scanned a block at a time: one buffer-cache access per
 * block, every entry checked (fs_check_dirent) before it is used.
 */
#include "fs/fs.h"
#include "fs/bcache.h"
#include "abi/errno.h"
#include "lib/string.h"

/* What dir_scan calls for each entry: nonzero stops the scan and is returned. */
typedef int (*dir_visit_fn)(const struct qfs_dirent *de, uint64_t off, void *arg);

/*
 * Call visit(entry, offset, arg) for each entry of dp (locked) from offset
 * `from` (a multiple of QFS_DIRENT_SIZE) on, reading each block once; the
 * entry is in a locked buffer, so visit copies what it keeps and sleeps on
 * nothing.  A hole reads as free entries.  0 at the end, visit's nonzero
 * value, or -EIO (a bad entry, or the disk).
 */
static int dir_scan_locked(struct inode *dp, uint64_t from, dir_visit_fn visit, void *arg)
{
    ASSERT_INODE_LOCKED(dp);
    static const struct qfs_dirent free_entry;
    for (uint64_t off = from; off < dp->d.size;) {
        struct buf *b;
        int r = inode_block_read_locked(dp, off / QFS_BLOCK_SIZE, &b);
        if (r)
            return r;
        uint64_t end = MIN(dp->d.size, (off / QFS_BLOCK_SIZE + 1) * QFS_BLOCK_SIZE);
        for (; off < end && !r; off += QFS_DIRENT_SIZE) {
            const struct qfs_dirent *de =
                b ? (const struct qfs_dirent *)(b->data + off % QFS_BLOCK_SIZE) : &free_entry;
            r = fs_check_dirent(dp->fs, de);
            if (!r)
                r = visit(de, off, arg);
        }
        if (b)
            bcache_release(b);
        if (r)
            return r;
    }
    return 0;
}

struct lookup_arg {
    const char *name;
    struct qfs_dirent de; /* the entry found */
    uint64_t off;
};

static int visit_lookup(const struct qfs_dirent *de, uint64_t off, void *arg)
{
    struct lookup_arg *a = arg;
    if (!de->inum || strncmp(de->name, a->name, QFS_NAME_MAX + 1) != 0)
        return 0;
    a->de = *de;
    a->off = off;
    return 1;
}

static int visit_free(const struct qfs_dirent *de, uint64_t off, void *arg)
{
    *(uint64_t *)arg = off;
    return de->inum == 0;
}

static int visit_in_use(const struct qfs_dirent *de, uint64_t off, void *arg)
{
    return de->inum != 0;
}

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
    struct lookup_arg a = {.name = name};
    if (dir_scan_locked(dp, 0, visit_lookup, &a) != 1)
        return NULL;
    if (off)
        *off = a.off;
    return inode_get(dp->fs, a.de.inum);
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
    err = dir_scan_locked(dp, MIN(dp->dir_free_hint, dp->d.size), visit_free, &off);
    if (err < 0)
        return err;
    if (err == 0)
        off = dp->d.size; /* no free slot: grow */
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
    return dir_scan_locked(dp, 2 * QFS_DIRENT_SIZE, visit_in_use, NULL) == 0;
}
