/*
 * Mounting: read and check the superblock, recover the journal, check what
 * the kernel relies on (check.c), and free orphaned inodes.  A file system
 * that fails a check is refused with a message; fsck finds the rest, and
 * damage found later makes the file system read-only (check.c).
 */
#include "fs/fs.h"
#include "fs/bcache.h"
#include "dev/blockdev.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/slab.h"

/*
 * Free inodes that are in use but have no links: files that were unlinked
 * while open when the machine stopped.  Their last reference died with the
 * machine, so nothing else will ever free them.  One operation each.
 */
static int reclaim_orphans(struct fs *fs)
{
    int freed = 0;
    for (uint32_t blk = 0; blk < fs->sb.inode_blocks; blk++) {
        uint32_t orphans[QFS_INODES_PER_BLOCK];
        int n = 0;
        struct buf *b = bcache_read(fs->dev, fs->sb.inode_start + blk);
        if (!b)
            return -EIO;
        for (uint32_t i = 0; i < QFS_INODES_PER_BLOCK; i++) {
            const struct qfs_inode *d = (const struct qfs_inode *)(b->data + i * QFS_INODE_SIZE);
            uint32_t inum = blk * QFS_INODES_PER_BLOCK + i;
            if (inum && inum < fs->sb.ninodes && d->type != 0 && d->nlink == 0)
                orphans[n++] = inum;
        }
        bcache_release(b);
        for (int i = 0; i < n; i++) {
            struct inode *ip = inode_get(fs, orphans[i]);
            if (!ip)
                return -ENOMEM;
            fs_op_begin(fs);
            if (inode_lock(ip) == 0)
                inode_unlock(ip); /* read it, so that inode_put sees nlink 0 and frees it */
            inode_put(ip);
            fs_op_end(fs, 0);
            freed++;
        }
    }
    if (freed)
        printf("qfs: freed %d orphaned inode%s (unlinked while open)\n", freed,
               freed > 1 ? "s" : "");
    return 0;
}

int fs_mount(struct blockdev *dev, struct fs **out)
{
    struct fs *fs = kzalloc(sizeof(*fs));
    if (!fs)
        return -ENOMEM;
    fs->dev = dev;
    spin_init(&fs->alloc_lock, "fs alloc");
    list_init(&fs->deferred);
    struct buf *b = bcache_read(dev, QFS_SUPER_BLOCK);
    int err = -EIO;
    if (!b)
        goto out_free;
    memcpy(&fs->sb, b->data, sizeof(fs->sb));
    bcache_release(b);
    err = -EINVAL;
    if (!fs_super_ok(&fs->sb, dev->nsectors / (QFS_BLOCK_SIZE / SECTOR_SIZE))) {
        printf("qfs: %s does not hold a valid file system\n", dev->name);
        goto out_free;
    }
    if ((err = log_init(&fs->log, dev, &fs->sb)) != 0)
        goto out_free;
    if ((err = fs_check_mount(fs)) != 0) {
        printf("qfs: %s: refusing to mount a damaged file system (run fsck)\n", dev->name);
        goto out_log;
    }
    fs->block_hint = fs->sb.data_start;
    fs->inode_hint = QFS_ROOT_INUM;
    if ((err = reclaim_orphans(fs)) != 0)
        goto out_log;
    uint64_t fb, fi;
    fs_counts(fs, &fb, &fi);
    printf("qfs: mounted %s: %u blocks (%lu free), %u inodes (%lu free), log %u blocks\n",
           dev->name, fs->sb.nblocks, fb, fs->sb.ninodes, fi, fs->sb.log_blocks);
    fs->ready = true;
    *out = fs;
    return 0;
out_log:
    log_shutdown(&fs->log);
out_free:
    kfree(fs);
    return err;
}

int fs_unmount(struct fs *fs)
{
    int err = log_shutdown(&fs->log);
    kfree(fs);
    return err;
}

int fs_op_begin(struct fs *fs)
{
    log_begin_op(&fs->log);
    return fs_is_broken(fs) ? -EIO : 0;
}

void fs_defer_put(struct fs *fs, struct inode *ip)
{
    spin_lock(&fs->alloc_lock);
    list_push_back(&fs->deferred, &ip->deferred_link);
    spin_unlock(&fs->alloc_lock);
}

/* Go on freeing deferred inodes: each inode_put frees one more bounded step,
 * in an operation of its own, and defers the inode again if it is not done. */
static void free_deferred(struct fs *fs)
{
    for (;;) {
        spin_lock(&fs->alloc_lock);
        struct list_head *e = list_empty(&fs->deferred) ? NULL : list_pop_front(&fs->deferred);
        spin_unlock(&fs->alloc_lock);
        if (!e)
            return;
        log_begin_op(&fs->log);
        inode_put(list_entry(e, struct inode, deferred_link));
        log_end_op(&fs->log);
    }
}

int fs_op_end(struct fs *fs, int err)
{
    int e = log_end_op(&fs->log);
    free_deferred(fs);
    return err ? err : e;
}
