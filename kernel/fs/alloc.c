/*
 * Block and inode allocation from the on-disk bitmaps.  Each bitmap block is
 * a buffer whose sleep lock serializes the threads allocating from it; every
 * change goes through the log, so an allocation and the pointer that uses it
 * commit together.  The hints only speed up the search.
 */
#include "fs/fs.h"
#include "fs/bcache.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define BPB QFS_BITS_PER_BLOCK

/* The first clear bit of bitmap block data at or after bit `from`, below
 * `limit` bits; -1 if none.  Full 64-bit words are skipped whole. */
static int first_clear(const uint8_t *data, uint32_t from, uint32_t limit)
{
    const uint64_t *w = (const uint64_t *)data;
    for (uint32_t i = from / 64; i * 64 < limit; i++) {
        if (w[i] == ~0ull)
            continue;
        for (uint32_t bit = (i == from / 64 ? from % 64 : 0); bit < 64; bit++) {
            uint32_t n = i * 64 + bit;
            if (n >= limit)
                return -1;
            if (!(data[n / 8] & (1 << (n % 8))))
                return (int)n;
        }
    }
    return -1;
}

/* Find a clear bit in [0, nbits) of the bitmap at `start`, set it; from hint on
 * (then from the start: the hint's block is looked at again below the hint). */
static int bitmap_take(struct fs *fs, uint32_t start, uint32_t nbits, uint32_t hint, uint32_t *out)
{
    uint32_t nblocks = (nbits + BPB - 1) / BPB;
    hint = hint < nbits ? hint : 0;
    for (uint32_t k = 0; k <= nblocks; k++) {
        uint32_t blk = (hint / BPB + k) % nblocks;
        uint32_t from = k == 0 ? hint % BPB : 0;
        struct buf *b = bcache_read(fs->dev, start + blk);
        if (!b)
            return -EIO;
        int bit = first_clear(b->data, from, MIN((uint32_t)BPB, nbits - blk * BPB));
        if (bit >= 0) {
            b->data[bit / 8] |= 1 << (bit % 8);
            log_write(&fs->log, b);
            bcache_release(b);
            *out = blk * BPB + (uint32_t)bit;
            return 0;
        }
        bcache_release(b);
    }
    return -ENOSPC;
}

/* Clear bit n of the bitmap at `start`; false if it was already clear. */
static bool bitmap_put(struct fs *fs, uint32_t start, uint32_t n)
{
    struct buf *b = bcache_read(fs->dev, start + n / BPB);
    if (!b)
        return true; /* I/O error: nothing more we can do here */
    uint8_t mask = 1 << (n % 8);
    uint8_t *byte = &b->data[(n % BPB) / 8];
    bool was_set = *byte & mask;
    *byte &= ~mask;
    if (was_set)
        log_write(&fs->log, b);
    bcache_release(b);
    return was_set;
}

/* bitmap_take starting at *hint (under alloc_lock); the hint moves past the result. */
static int take_hinted(struct fs *fs, uint32_t start, uint32_t nbits, uint32_t *hint, uint32_t *out)
{
    spin_lock(&fs->alloc_lock);
    uint32_t from = *hint;
    spin_unlock(&fs->alloc_lock);
    int err = bitmap_take(fs, start, nbits, from, out);
    if (!err) {
        spin_lock(&fs->alloc_lock);
        *hint = *out + 1;
        spin_unlock(&fs->alloc_lock);
    }
    return err;
}

int block_alloc(struct fs *fs, uint32_t *blockno)
{
    if (fs_is_broken(fs))
        return -EIO;
    int err = take_hinted(fs, fs->sb.bmap_start, fs->sb.nblocks, &fs->block_hint, blockno);
    if (err)
        return err;
    if (*blockno < fs->sb.data_start) {
        fs_corrupt(fs, "block bitmap marks a metadata block free: block", *blockno);
        return -EIO;
    }
    struct buf *b = bcache_get_nofill(fs->dev, *blockno);
    memset(b->data, 0, QFS_BLOCK_SIZE);
    log_write(&fs->log, b);
    bcache_release(b);
    return 0;
}

void block_free(struct fs *fs, uint32_t blockno)
{
    if (!fs_data_block_ok(fs, blockno))
        fs_corrupt(fs, "freeing a block outside the data area: block", blockno);
    else if (!bitmap_put(fs, fs->sb.bmap_start, blockno))
        fs_corrupt(fs, "freeing a block that is already free: block", blockno);
}

int bitmap_alloc_inum(struct fs *fs, uint32_t *inum)
{
    if (fs_is_broken(fs))
        return -EIO;
    int err = take_hinted(fs, fs->sb.imap_start, fs->sb.ninodes, &fs->inode_hint, inum);
    if (!err && *inum < QFS_ROOT_INUM) {
        fs_corrupt(fs, "inode bitmap marks a reserved inode free: inode", *inum);
        return -EIO;
    }
    return err;
}

void bitmap_free_inum(struct fs *fs, uint32_t inum)
{
    if (inum <= QFS_ROOT_INUM || inum >= fs->sb.ninodes || !bitmap_put(fs, fs->sb.imap_start, inum))
        fs_corrupt(fs, "freeing an inode that is not in use: inode", inum);
}

static uint64_t count_clear(struct fs *fs, uint32_t start, uint32_t nbits)
{
    uint64_t n = 0;
    for (uint32_t blk = 0; blk * BPB < nbits; blk++) {
        struct buf *b = bcache_read(fs->dev, start + blk);
        if (!b)
            break;
        for (uint32_t i = 0; i < BPB && blk * BPB + i < nbits; i++)
            n += !(b->data[i / 8] & (1 << (i % 8)));
        bcache_release(b);
    }
    return n;
}

void fs_counts(struct fs *fs, uint64_t *free_blocks, uint64_t *free_inodes)
{
    *free_blocks = count_clear(fs, fs->sb.bmap_start, fs->sb.nblocks);
    *free_inodes = count_clear(fs, fs->sb.imap_start, fs->sb.ninodes);
}
