/*
 * Mounting: read and check the superblock, recover the journal, and make
 * the file system the root.  Only sanity checks that protect the kernel are
 * done here (regions inside the disk and in order); fsck does the rest.
 */
#include "fs/fs.h"
#include "fs/bcache.h"
#include "dev/blockdev.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/slab.h"

static bool super_is_sane(const struct qfs_super *sb, uint64_t disk_blocks)
{
    if (sb->magic != QFS_MAGIC || sb->version != QFS_VERSION || sb->block_size != QFS_BLOCK_SIZE)
        return false;
    if (sb->nblocks > disk_blocks || sb->ninodes < 2)
        return false;
    /* Regions in order: super < log < imap < bmap < inodes < data <= nblocks. */
    return sb->log_start > QFS_SUPER_BLOCK && sb->log_blocks >= 2 &&
           sb->imap_start >= sb->log_start + sb->log_blocks &&
           sb->imap_blocks * (uint64_t)QFS_BITS_PER_BLOCK >= sb->ninodes &&
           sb->bmap_start >= sb->imap_start + sb->imap_blocks &&
           sb->bmap_blocks * (uint64_t)QFS_BITS_PER_BLOCK >= sb->nblocks &&
           sb->inode_start >= sb->bmap_start + sb->bmap_blocks &&
           sb->inode_blocks * (uint64_t)QFS_INODES_PER_BLOCK >= sb->ninodes &&
           sb->data_start >= sb->inode_start + sb->inode_blocks && sb->data_start < sb->nblocks;
}

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
        printf("qfs: freed %d orphaned inode%s (unlinked while open)\n", freed, freed > 1 ? "s" : "");
    return 0;
}

int fs_mount(struct blockdev *dev, struct fs **out)
{
    struct fs *fs = kzalloc(sizeof(*fs));
    if (!fs)
        return -ENOMEM;
    fs->dev = dev;
    spin_init(&fs->alloc_lock, "fs alloc");
    struct buf *b = bcache_read(dev, QFS_SUPER_BLOCK);
    int err = -EIO;
    if (!b)
        goto out_free;
    memcpy(&fs->sb, b->data, sizeof(fs->sb));
    bcache_release(b);
    err = -EINVAL;
    if (!super_is_sane(&fs->sb, dev->nsectors / (QFS_BLOCK_SIZE / SECTOR_SIZE))) {
        printf("qfs: %s does not hold a valid file system\n", dev->name);
        goto out_free;
    }
    if ((err = log_init(&fs->log, dev, &fs->sb)) != 0)
        goto out_free;
    fs->block_hint = fs->sb.data_start;
    fs->inode_hint = QFS_ROOT_INUM;
    if ((err = reclaim_orphans(fs)) != 0)
        goto out_free;
    uint64_t fb, fi;
    fs_counts(fs, &fb, &fi);
    printf("qfs: mounted %s: %u blocks (%lu free), %u inodes (%lu free), log %u blocks\n",
           dev->name, fs->sb.nblocks, fb, fs->sb.ninodes, fi, fs->sb.log_blocks);
    *out = fs;
    return 0;
out_free:
    kfree(fs);
    return err;
}

void fs_op_begin(struct fs *fs)
{
    log_begin_op(&fs->log);
}

int fs_op_end(struct fs *fs, int err)
{
    int e = log_end_op(&fs->log);
    return err ? err : e;
}
