/*
 * What the kernel checks before it trusts anything read from a disk.
 *
 * A disk image may be crafted or damaged, so every structure is checked
 * where it enters the kernel:
 *   - at mount: the superblock's regions lie inside the disk and in order,
 *     the block bitmap marks every metadata block as used, the inode bitmap
 *     marks inode 0 and the root, and the root inode is a directory;
 *   - when an inode is read: its type, size and block pointers (in the data
 *     area, none past the end of the file);
 *   - when a pointer is read from an indirect block, or an entry from a
 *     directory block: the block or inode number is in range and the name
 *     is a well-formed, NUL-terminated component.
 *
 * Finding damage after mount calls fs_corrupt: the file system is marked
 * broken and becomes read-only (every later operation that would change it
 * fails with -EIO; reading what is still intact goes on working), and the
 * caller returns -EIO.  Nothing here panics: a bad disk is bad input.
 */
#include "fs/fs.h"
#include "fs/bcache.h"
#include "dev/blockdev.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

void fs_corrupt(struct fs *fs, const char *what, uint32_t num)
{
    spin_lock(&fs->alloc_lock);
    bool first = !fs->broken;
    fs->broken = true;
    spin_unlock(&fs->alloc_lock);
    if (first) /* one message per mount: damage tends to be found again and again */
        printf("qfs: %s: corrupt file system: %s %u; it is read-only from now on\n", fs->dev->name,
               what, num);
}

bool fs_is_broken(struct fs *fs)
{
    spin_lock(&fs->alloc_lock);
    bool broken = fs->broken;
    spin_unlock(&fs->alloc_lock);
    return broken;
}

bool fs_data_block_ok(const struct fs *fs, uint32_t blockno)
{
    return blockno >= fs->sb.data_start && blockno < fs->sb.nblocks;
}

bool fs_super_ok(const struct qfs_super *sb, uint64_t disk_blocks)
{
    if (sb->magic != QFS_MAGIC || sb->version != QFS_VERSION || sb->block_size != QFS_BLOCK_SIZE)
        return false;
    if (sb->nblocks > disk_blocks || sb->ninodes < 2)
        return false;
    /* Regions in order: super < log < imap < bmap < inodes < data <= nblocks,
     * computed in 64 bits so that huge fields cannot wrap around. */
    uint64_t log_end = (uint64_t)sb->log_start + sb->log_blocks;
    uint64_t imap_end = (uint64_t)sb->imap_start + sb->imap_blocks;
    uint64_t bmap_end = (uint64_t)sb->bmap_start + sb->bmap_blocks;
    uint64_t inode_end = (uint64_t)sb->inode_start + sb->inode_blocks;
    return sb->log_start > QFS_SUPER_BLOCK && sb->log_blocks >= 2 && sb->imap_start >= log_end &&
           sb->imap_blocks * (uint64_t)QFS_BITS_PER_BLOCK >= sb->ninodes &&
           sb->bmap_start >= imap_end &&
           sb->bmap_blocks * (uint64_t)QFS_BITS_PER_BLOCK >= sb->nblocks &&
           sb->inode_start >= bmap_end &&
           sb->inode_blocks * (uint64_t)QFS_INODES_PER_BLOCK >= sb->ninodes &&
           sb->data_start >= inode_end && sb->data_start < sb->nblocks;
}

/* Are bits [0, n) of the bitmap at `start` all set? */
static int bits_all_set(struct fs *fs, uint32_t start, uint32_t n)
{
    for (uint32_t blk = 0; blk * (uint64_t)QFS_BITS_PER_BLOCK < n; blk++) {
        struct buf *b = bcache_read(fs->dev, start + blk);
        if (!b)
            return -EIO;
        bool ok = true;
        for (uint32_t i = 0; ok && i < QFS_BITS_PER_BLOCK && blk * QFS_BITS_PER_BLOCK + i < n; i++)
            ok = b->data[i / 8] & (1 << (i % 8));
        bcache_release(b);
        if (!ok)
            return -EINVAL;
    }
    return 0;
}

/* Are the inode's pointers in the data area, with none past the end of the file? */
static bool inode_pointers_ok(const struct fs *fs, const struct qfs_inode *d)
{
    uint64_t nblocks = (d->size + QFS_BLOCK_SIZE - 1) / QFS_BLOCK_SIZE;
    for (uint32_t i = 0; i < QFS_NDIRECT; i++) {
        if (d->direct[i] && (i >= nblocks || !fs_data_block_ok(fs, d->direct[i])))
            return false;
    }
    if (d->indirect && (nblocks <= QFS_NDIRECT || !fs_data_block_ok(fs, d->indirect)))
        return false;
    if (d->dindirect &&
        (nblocks <= QFS_NDIRECT + QFS_PTRS_PER_BLOCK || !fs_data_block_ok(fs, d->dindirect)))
        return false;
    return true;
}

int fs_check_mount(struct fs *fs)
{
    int err = bits_all_set(fs, fs->sb.bmap_start, fs->sb.data_start);
    if (err) {
        if (err == -EINVAL)
            printf("qfs: %s: the block bitmap does not mark every metadata block as used\n",
                   fs->dev->name);
        return err;
    }
    if ((err = bits_all_set(fs, fs->sb.imap_start, QFS_ROOT_INUM + 1)) != 0) {
        if (err == -EINVAL)
            printf("qfs: %s: the inode bitmap does not mark inode 0 and the root as used\n",
                   fs->dev->name);
        return err;
    }
    /* The root, read straight from the table: the inode cache must not hold
     * an inode of a file system that may still be refused. */
    struct buf *b = bcache_read(fs->dev, fs->sb.inode_start + QFS_ROOT_INUM / QFS_INODES_PER_BLOCK);
    if (!b)
        return -EIO;
    struct qfs_inode root;
    memcpy(&root, b->data + (QFS_ROOT_INUM % QFS_INODES_PER_BLOCK) * QFS_INODE_SIZE, sizeof(root));
    bcache_release(b);
    if (root.type == QFS_T_DIR && root.nlink >= 2 && root.size >= 2 * QFS_DIRENT_SIZE &&
        root.size % QFS_DIRENT_SIZE == 0 && root.size <= QFS_MAX_FILE_BLOCKS * QFS_BLOCK_SIZE &&
        inode_pointers_ok(fs, &root))
        return 0;
    printf("qfs: %s: the root inode is not a valid directory\n", fs->dev->name);
    return -EINVAL;
}

int fs_check_inode(struct fs *fs, uint32_t inum, const struct qfs_inode *d)
{
    bool ok = d->type >= QFS_T_FILE && d->type <= QFS_T_DEV &&
              d->size <= QFS_MAX_FILE_BLOCKS * QFS_BLOCK_SIZE && inode_pointers_ok(fs, d);
    if (ok && d->type == QFS_T_DIR)
        ok = d->size % QFS_DIRENT_SIZE == 0 && d->size <= QFS_DIR_MAX_BLOCKS * QFS_BLOCK_SIZE;
    if (ok && fs->ready && d->nlink == 0)
        ok = false; /* orphans were freed at mount: an inode with no links is named nowhere */
    if (ok && d->type == QFS_T_SYMLINK)
        ok = d->size <= PATH_MAX;
    if (ok)
        return 0;
    fs_corrupt(fs, d->type ? "bad inode" : "directory entry names free inode", inum);
    return -EIO;
}

int fs_check_dirent(struct fs *fs, const struct qfs_dirent *de)
{
    if (de->inum == 0)
        return 0;
    size_t len = strnlen(de->name, QFS_NAME_MAX + 1);
    if (de->inum < fs->sb.ninodes && len > 0 && len <= QFS_NAME_MAX && !strchr(de->name, '/'))
        return 0;
    fs_corrupt(fs, "bad directory entry for inode", de->inum);
    return -EIO;
}

int fs_check_pointer(struct fs *fs, uint32_t blockno)
{
    if (blockno == 0 || fs_data_block_ok(fs, blockno))
        return 0;
    fs_corrupt(fs, "indirect block points at block", blockno);
    return -EIO;
}
