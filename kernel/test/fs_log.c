/*
 * selftest=fs-log: the journal's invariants (kernel/fs/log.c), checked on
 * the disk itself (blockdev_read, past the buffer cache):
 *   - a change not yet committed is not on its home block (a redo log
 *     writes nothing home before the commit);
 *   - a changed block stays pinned in the cache until its commit: after
 *     reading more blocks than the cache holds, the file still reads back
 *     the uncommitted change, not the older copy on the disk;
 *   - `committed` covers the file's transaction once fsync returns;
 *   - sync leaves the log empty on the disk and every change home.
 */
#include "test/fs_util.h"
#include "test/selftest.h"
#include "dev/blockdev.h"
#include "fs/bcache.h"
#include "mm/page.h"

#define T "fs-log"
#define FILE_PATH "/t_log"

/* Disk block 0 of FILE_PATH (the file is one block). */
static int file_block(uint32_t *blockno)
{
    struct inode *ip;
    int err = path_lookup(NULL, FILE_PATH, true, &ip);
    if (err)
        return err;
    struct buf *b = NULL;
    if ((err = inode_lock(ip)) == 0) {
        err = inode_block_read_locked(ip, 0, &b);
        inode_unlock(ip);
    }
    if (b) {
        *blockno = b->blockno;
        bcache_release(b);
    }
    inode_put_op(ip);
    return err ? err : b ? 0 : -EIO;
}

/* Does the disk hold the pattern `seed` at block blockno? */
static bool disk_has(uint32_t blockno, uint32_t seed, uint8_t *page)
{
    if (blockdev_read(root_fs->dev, (uint64_t)blockno * (QFS_BLOCK_SIZE / SECTOR_SIZE), page,
                      QFS_BLOCK_SIZE))
        return false;
    return check_pattern(page, QFS_BLOCK_SIZE, seed, 0);
}

/* Read more distinct blocks than the cache holds, so every unpinned buffer is recycled. */
static void churn_cache(void)
{
    size_t n = bcache_nbufs() + 64;
    for (uint32_t b = root_fs->sb.data_start, k = 0; k < n && b < root_fs->sb.nblocks; b++, k++) {
        struct buf *bp = bcache_read(root_fs->dev, b);
        if (bp)
            bcache_release(bp);
    }
}

static int check_log(uint8_t *page)
{
    struct file *f;
    uint32_t blk = 0;
    CHECK(T, put_pattern_file(FILE_PATH, QFS_BLOCK_SIZE, 1) == 0, "write failed");
    CHECK(T, file_open(NULL, FILE_PATH, O_RDWR, 0, &f) == 0, "open failed");
    uint64_t tid = READ_ONCE(f->ip->log_tid);
    CHECK(T, file_fsync(f) == 0, "fsync failed");
    CHECK(T, log_committed_tid(&root_fs->log) >= tid,
          "fsync returned before transaction %lu committed", tid);
    CHECK(T, file_block(&blk) == 0, "no block");

    /* A change after the commit: in the cache (pinned), not on the disk. */
    fill_pattern(page, QFS_BLOCK_SIZE, 2, 0);
    CHECK(T, file_pwrite(f, false, (uintptr_t)page, QFS_BLOCK_SIZE, 0) == QFS_BLOCK_SIZE,
          "rewrite failed");
    CHECK(T, !disk_has(blk, 2, page), "an uncommitted change reached its home block");
    churn_cache();
    CHECK(T, check_pattern_file(FILE_PATH, QFS_BLOCK_SIZE, 2) == 0,
          "the uncommitted change was lost from the cache (not pinned)");
    file_close(f);

    /* sync: everything home, the log empty on the disk. */
    CHECK(T, fs_sync() == 0, "sync failed");
    CHECK(T, disk_has(blk, 2, page), "sync did not write the change home");
    CHECK(T,
          blockdev_read(root_fs->dev,
                        (uint64_t)root_fs->sb.log_start * (QFS_BLOCK_SIZE / SECTOR_SIZE), page,
                        QFS_BLOCK_SIZE) == 0,
          "reading the log header failed");
    const struct qfs_log_header *h = (const struct qfs_log_header *)page;
    CHECK(T, h->magic == QFS_LOG_MAGIC && h->n == 0, "after sync the log holds %u blocks", h->n);
    CHECK(T, fs_unlink(NULL, FILE_PATH) == 0, "unlink failed");
    return 0;
}

int fs_log_selftest(void)
{
    if (!root_fs)
        return printf("selftest %s: SKIP (no file system mounted)\n", T), 0;
    struct free_counts start;
    counts_mark(&start);
    uint8_t *page = page_alloc(0);
    CHECK(T, page != NULL, "no memory");
    int err = check_log(page);
    page_free(page, 0);
    if (err)
        return err;
    if ((err = counts_check(T, &start)) != 0)
        return err;
    printf("selftest %s: PASS\n", T);
    return 0;
}
