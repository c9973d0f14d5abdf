/*
 * Inodes: the in-memory cache, block mapping, truncation and file data I/O.
 * The lifecycle rules are at the top of fs.h.
 *
 * Block mapping of file block bn:
 *
 *   bn < 12                 d.direct[bn]
 *   bn < 12 + 1024          indirect block [bn - 12]
 *   otherwise               dindirect block [(bn - 1036) / 1024]
 *                             -> that block [(bn - 1036) % 1024]
 *
 * A zero pointer is a hole: it reads as zeros and is filled on write.
 */
#include "fs/fs.h"
#include "fs/bcache.h"
#include "abi/errno.h"
#include "abi/stat.h"
#include "dev/rtc.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/page.h"
#include "mm/layout.h"
#include "mm/pcache.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "proc/signal.h"

#define ICACHE_HASH 127
#define BS QFS_BLOCK_SIZE
#define PPB QFS_PTRS_PER_BLOCK
#define NOT_LEAF (~(uint64_t)0) /* walk_level: not the last level */

static struct spinlock icache_lock = SPINLOCK_INIT("icache");
static struct list_head icache[ICACHE_HASH];
static struct kmem_cache *inode_cache;

void inode_cache_init(void)
{
    for (int i = 0; i < ICACHE_HASH; i++)
        list_init(&icache[i]);
    inode_cache = kmem_cache_create("inode", sizeof(struct inode), 16);
    if (!inode_cache)
        panic("inode_cache_init: no memory");
    pcache_init();
}

int64_t fs_now(void)
{
    return rtc_now_ns();
}

/* The cached inode (fs, inum) with a new reference, or NULL. */
static struct inode *icache_find_locked(struct list_head *bucket, struct fs *fs, uint32_t inum)
{
    ASSERT_HELD(&icache_lock);
    struct list_head *e;
    list_for_each (e, bucket) {
        struct inode *ip = list_entry(e, struct inode, link);
        if (ip->fs == fs && ip->inum == inum) {
            ip->ref++;
            return ip;
        }
    }
    return NULL;
}

struct inode *inode_get(struct fs *fs, uint32_t inum)
{
    struct list_head *bucket = &icache[inum % ICACHE_HASH];
    spin_lock(&icache_lock);
    struct inode *ip = icache_find_locked(bucket, fs, inum);
    spin_unlock(&icache_lock);
    if (ip)
        return ip;

    struct inode *fresh = kmem_cache_alloc(inode_cache);
    if (!fresh)
        return NULL;
    memset(fresh, 0, sizeof(*fresh));
    fresh->fs = fs;
    fresh->inum = inum;
    fresh->ref = 1;
    list_init(&fresh->pc_pages);
    fresh->log_tid = log_running_tid(&fs->log);
    sleeplock_init(&fresh->lock, "inode");

    /* Another thread may have added it while we allocated: look again. */
    spin_lock(&icache_lock);
    ip = icache_find_locked(bucket, fs, inum);
    if (!ip)
        list_push_front(bucket, &fresh->link);
    spin_unlock(&icache_lock);
    if (ip) {
        kmem_cache_free(inode_cache, fresh);
        return ip;
    }
    return fresh;
}

struct inode *inode_dup(struct inode *ip)
{
    spin_lock(&icache_lock);
    ip->ref++;
    spin_unlock(&icache_lock);
    return ip;
}

static uint32_t inode_block(struct fs *fs, uint32_t inum)
{
    return fs->sb.inode_start + inum / QFS_INODES_PER_BLOCK;
}

/*
 * Make ip->d valid, reading and checking the on-disk inode the first time.
 * want_free: ip is being allocated, so the disk must say it is free.
 */
static int inode_load_locked(struct inode *ip, bool want_free)
{
    ASSERT_INODE_LOCKED(ip);
    if (ip->valid) {
        if (!want_free || ip->d.type == 0)
            return 0;
        fs_corrupt(ip->fs, "inode bitmap marks an inode in use as free:", ip->inum);
        return -EIO;
    }
    if (ip->inum == 0 || ip->inum >= ip->fs->sb.ninodes) {
        fs_corrupt(ip->fs, "inode number out of range:", ip->inum);
        return -EIO;
    }
    struct buf *b = bcache_read(ip->fs->dev, inode_block(ip->fs, ip->inum));
    if (!b)
        return -EIO;
    struct qfs_inode d;
    memcpy(&d, b->data + (ip->inum % QFS_INODES_PER_BLOCK) * QFS_INODE_SIZE, sizeof(d));
    bcache_release(b);
    int err = 0;
    if (!want_free)
        err = fs_check_inode(ip->fs, ip->inum, &d);
    else if (d.type != 0) {
        fs_corrupt(ip->fs, "inode bitmap marks an inode in use as free:", ip->inum);
        err = -EIO;
    }
    if (err)
        return err;
    ip->d = d;
    ip->valid = true;
    return 0;
}

static int inode_lock_for(struct inode *ip, bool want_free)
{
    sleeplock_acquire(&ip->lock);
    int err = inode_load_locked(ip, want_free);
    if (err)
        sleeplock_release(&ip->lock);
    return err;
}

int inode_lock(struct inode *ip)
{
    return inode_lock_for(ip, false);
}

uint16_t inode_type_of(struct fs *fs, uint32_t inum)
{
    if (inum == 0 || inum >= fs->sb.ninodes)
        return 0;
    struct buf *b = bcache_read(fs->dev, inode_block(fs, inum));
    if (!b)
        return 0;
    uint16_t type =
        ((const struct qfs_inode *)(b->data + (inum % QFS_INODES_PER_BLOCK) * QFS_INODE_SIZE))
            ->type;
    bcache_release(b);
    return type;
}

void inode_unlock(struct inode *ip)
{
    sleeplock_release(&ip->lock);
}

int inode_update(struct inode *ip)
{
    ASSERT_INODE_LOCKED(ip);
    struct buf *b = bcache_read(ip->fs->dev, inode_block(ip->fs, ip->inum));
    if (!b)
        return -EIO;
    memcpy(b->data + (ip->inum % QFS_INODES_PER_BLOCK) * QFS_INODE_SIZE, &ip->d, sizeof(ip->d));
    log_write(&ip->fs->log, b);
    WRITE_ONCE(ip->log_tid, log_op_tid(&ip->fs->log));
    bcache_release(b);
    return 0;
}

/*
 * Has ip lost its last link while still in use on the disk?  Called with
 * icache_lock held and ref == 1: that reference is the caller's, so nobody
 * else holds the inode or its lock, and ip->d cannot change.
 */
static bool inode_unlinked_locked(struct inode *ip)
{
    ASSERT_HELD(&icache_lock);
    return ip->valid && ip->d.nlink == 0 && ip->d.type != 0;
}

enum orphan_result { ORPHAN_FREED, ORPHAN_KEPT, ORPHAN_DEFERRED };

/* Free the unlinked ip's blocks and ip itself on the disk, or one bounded
 * step of them (ORPHAN_DEFERRED: fs_op_end goes on with the rest); KEPT if
 * the file system is broken (read-only) or ip is not an orphan after all. */
static enum orphan_result inode_free_orphan(struct inode *ip)
{
    enum orphan_result r = ORPHAN_KEPT;
    sleeplock_acquire(&ip->lock);
    if (ip->valid && ip->d.nlink == 0 && ip->d.type != 0 && !fs_is_broken(ip->fs)) {
        bool done;
        inode_truncate_step_locked(ip, 0, &done);
        if (!done) {
            sleeplock_release(&ip->lock);
            fs_defer_put(ip->fs, ip); /* our reference goes with it */
            return ORPHAN_DEFERRED;
        }
        ip->d.type = 0;
        inode_update(ip);
        bitmap_free_inum(ip->fs, ip->inum);
        dir_index_drop(ip);
        r = ORPHAN_FREED;
    }
    sleeplock_release(&ip->lock);
    return r;
}

/*
 * Whether the last reference frees the disk inode is decided under
 * icache_lock at the moment the count would reach zero, not before: while
 * this put sleeps on the inode lock (without icache_lock), inode_get may
 * hand ip out again, and whoever got it may unlink it and drop its own
 * reference (seeing ref 2) before this put goes on.  Deciding earlier would
 * let this put drop the last reference of an unlinked inode without freeing
 * it: an orphan on the disk until the next mount.  So the decision is taken
 * again after every step that slept.
 */
void inode_put(struct inode *ip)
{
    spin_lock(&icache_lock);
    while (ip->ref == 1 && inode_unlinked_locked(ip)) {
        /* Keep ref at 1 while freeing: inode_get may hand ip out meanwhile. */
        spin_unlock(&icache_lock);
        enum orphan_result r = inode_free_orphan(ip);
        if (r == ORPHAN_DEFERRED)
            return;
        spin_lock(&icache_lock);
        if (r == ORPHAN_KEPT)
            break;
    }
    if (--ip->ref == 0) {
        list_remove(&ip->link);
        spin_unlock(&icache_lock);
        pcache_inode_drop(ip); /* its cached pages go with it (mm/pcache.h) */
        dir_index_drop(ip);
        kmem_cache_free(inode_cache, ip);
        return;
    }
    spin_unlock(&icache_lock);
}

void inode_unlock_put(struct inode *ip)
{
    inode_unlock(ip);
    inode_put(ip);
}

void inode_put_op(struct inode *ip)
{
    struct fs *fs = ip->fs; /* ip may be freed by the put */
    fs_op_begin(fs);
    inode_put(ip);
    fs_op_end(fs, 0);
}

int inode_alloc_and_lock(struct fs *fs, uint16_t type, uint16_t mode, struct inode **out)
{
    uint32_t inum;
    int err = bitmap_alloc_inum(fs, &inum);
    if (err)
        return err;
    struct inode *ip = inode_get(fs, inum);
    if (!ip) {
        bitmap_free_inum(fs, inum);
        return -ENOMEM;
    }
    err = inode_lock_for(ip, true);
    if (err) {
        inode_put(ip); /* the bitmap bit stays set: the disk says the inode is in use */
        return err;
    }
    int64_t now = fs_now();
    memset(&ip->d, 0, sizeof(ip->d));
    ip->d.type = type;
    ip->d.mode = mode;
    ip->d.atime = ip->d.mtime = ip->d.ctime = now;
    err = inode_update(ip);
    if (err) {
        ip->d.type = 0;
        bitmap_free_inum(fs, inum);
        inode_unlock_put(ip);
        return err;
    }
    *out = ip;
    return 0;
}

/* Pointer slot i of block `blockno`, allocating the block itself if needed. */
static int ptr_block_slot(struct inode *ip, uint32_t *holder, bool holder_in_block, struct buf *hb,
                          bool alloc, uint32_t *out)
{
    if (*holder == 0) {
        if (!alloc) {
            *out = 0;
            return 0;
        }
        int err = block_alloc(ip->fs, holder);
        if (err)
            return err;
        ip->map_n = 0; /* a pointer changed: the window may be stale */
        if (holder_in_block)
            log_write(&ip->fs->log, hb);
    }
    *out = *holder;
    return 0;
}

/* Remember the data pointers idx.. of leaf pointer block ptrs, which map
 * file blocks bn.., in ip's window (only the ones that pass the check). */
static void map_window_fill(struct inode *ip, const uint32_t *ptrs, uint32_t idx, uint64_t bn)
{
    uint32_t n = 0;
    for (; n < INODE_MAP_WINDOW && idx + n < PPB; n++) {
        uint32_t p = ptrs[idx + n];
        if (p && !fs_data_block_ok(ip->fs, p))
            break;
        ip->map[n] = p;
    }
    ip->map_first = bn;
    ip->map_n = n;
}

/* Follow one level: entry idx of pointer block `blk`; allocate if asked.
 * leaf_bn: the file block a data pointer maps (the last level), else NOT_LEAF. */
static int walk_level(struct inode *ip, uint32_t blk, uint32_t idx, bool alloc, uint64_t leaf_bn,
                      uint32_t *out)
{
    struct buf *b = bcache_read(ip->fs->dev, blk);
    if (!b)
        return -EIO;
    uint32_t *ptrs = (uint32_t *)b->data;
    int err = fs_check_pointer(ip->fs, ptrs[idx]);
    if (!err)
        err = ptr_block_slot(ip, &ptrs[idx], true, b, alloc, out);
    if (!err && leaf_bn != NOT_LEAF)
        map_window_fill(ip, ptrs, idx, leaf_bn);
    bcache_release(b);
    return err;
}

/*
 * The disk block holding file block bn, in *out (0 for a hole when !alloc).
 * With alloc, missing blocks (and pointer blocks) are allocated; the caller
 * holds the inode lock, is in an operation, and calls inode_update afterwards.
 */
static int bmap(struct inode *ip, uint64_t bn, bool alloc, uint32_t *out)
{
    uint32_t ptr;
    int err;
    uint64_t file_bn = bn;
    if (bn < QFS_NDIRECT)
        return ptr_block_slot(ip, &ip->d.direct[bn], false, NULL, alloc, out);
    if (bn - ip->map_first < ip->map_n && (ip->map[bn - ip->map_first] || !alloc)) {
        *out = ip->map[bn - ip->map_first]; /* no pointer block to read */
        return 0;
    }
    bn -= QFS_NDIRECT;
    if (bn < PPB) {
        err = ptr_block_slot(ip, &ip->d.indirect, false, NULL, alloc, &ptr);
        if (err || !ptr)
            return *out = 0, err;
        return walk_level(ip, ptr, bn, alloc, file_bn, out);
    }
    bn -= PPB;
    if (bn >= (uint64_t)PPB * PPB)
        return -EFBIG;
    err = ptr_block_slot(ip, &ip->d.dindirect, false, NULL, alloc, &ptr);
    if (err || !ptr)
        return *out = 0, err;
    err = walk_level(ip, ptr, bn / PPB, alloc, NOT_LEAF, &ptr);
    if (err || !ptr)
        return *out = 0, err;
    return walk_level(ip, ptr, bn % PPB, alloc, file_bn, out);
}

/*
 * Free the blocks of pointer block `blk` from entry `from` on; `depth` 1
 * means its entries are data blocks, 2 that they are pointer blocks.  If
 * from == 0 the pointer block itself is freed too (*slot cleared).
 */
static int free_tree(struct inode *ip, uint32_t *slot, uint64_t from, int depth)
{
    uint64_t span = depth == 1 ? 1 : PPB; /* file blocks per entry */
    struct buf *b = bcache_read(ip->fs->dev, *slot);
    if (!b)
        return -EIO;
    uint32_t *ptrs = (uint32_t *)b->data;
    bool changed = false;
    for (uint32_t i = 0; i < PPB; i++) {
        uint64_t first = i * span;
        if (!ptrs[i] || first + span <= from)
            continue;
        if (fs_check_pointer(ip->fs, ptrs[i]) != 0) {
            ptrs[i] = 0; /* drop the bad pointer; fsck accounts for the rest */
        } else if (depth == 1) {
            block_free(ip->fs, ptrs[i]);
            ptrs[i] = 0;
        } else {
            free_tree(ip, &ptrs[i], from > first ? from - first : 0, 1);
        }
        changed = true;
    }
    if (from == 0) {
        bcache_release(b);
        block_free(ip->fs, *slot);
        *slot = 0;
        return 0;
    }
    if (changed)
        log_write(&ip->fs->log, b);
    bcache_release(b);
    return 0;
}

/* Zero bytes [size, end of its block) so a later extension reads zeros. */
static int zero_tail(struct inode *ip, uint64_t size)
{
    uint32_t blk;
    if (size % BS == 0 || bmap(ip, size / BS, false, &blk) || !blk)
        return 0;
    struct buf *b = bcache_read(ip->fs->dev, blk);
    if (!b)
        return -EIO;
    memset(b->data + size % BS, 0, BS - size % BS);
    log_write(&ip->fs->log, b);
    bcache_release(b);
    return 0;
}

/* Free every block of ip from file block `keep` on, pointer blocks included. */
static void free_past(struct inode *ip, uint64_t keep)
{
    ip->map_n = 0; /* pointers are about to change */
    for (uint64_t i = keep; i < QFS_NDIRECT; i++) {
        if (ip->d.direct[i]) {
            block_free(ip->fs, ip->d.direct[i]);
            ip->d.direct[i] = 0;
        }
    }
    uint64_t from = keep > QFS_NDIRECT ? keep - QFS_NDIRECT : 0;
    if (ip->d.indirect && from < PPB)
        free_tree(ip, &ip->d.indirect, from, 1);
    from = keep > QFS_NDIRECT + PPB ? keep - QFS_NDIRECT - PPB : 0;
    if (ip->d.dindirect)
        free_tree(ip, &ip->d.dindirect, from, 2);
}

static uint64_t blocks_for(uint64_t size)
{
    return (size + BS - 1) / BS;
}

/*
 * File blocks one truncation step may free.  Each freed block may dirty a
 * different bitmap block; a step also dirties up to three pointer blocks,
 * the inode and a tail block, and the operation it runs in may have used
 * a few blocks already.  With a small bitmap every block it has fits.
 */
#define TRUNC_BITMAP_BLOCKS (LOG_OP_MAX - 16)
#define TRUNC_STEP_MAX 4096
static uint64_t trunc_step_blocks(const struct fs *fs)
{
    return fs->sb.bmap_blocks <= TRUNC_BITMAP_BLOCKS ? TRUNC_STEP_MAX : TRUNC_BITMAP_BLOCKS;
}

int inode_truncate_step_locked(struct inode *ip, uint64_t size, bool *done)
{
    ASSERT_INODE_LOCKED(ip);
    *done = true;
    if (size > QFS_MAX_FILE_BLOCKS * BS)
        return -EFBIG;
    uint64_t target = size, end = blocks_for(ip->d.size), step = trunc_step_blocks(ip->fs);
    if (size < ip->d.size && end - blocks_for(size) > step) {
        target = (end - step) * BS; /* this step frees the last `step` blocks only */
        *done = false;
    }
    if (target < ip->d.size) {
        free_past(ip, blocks_for(target));
        zero_tail(ip, target);
    }
    pcache_truncate_locked(ip, ip->d.size, target);
    ip->d.size = target;
    ip->d.mtime = ip->d.ctime = fs_now();
    return inode_update(ip);
}

/* A killed caller stops between steps (-EINTR): the file is left at the
 * size the last step gave it, as after a crash between two steps. */
int inode_truncate(struct inode *ip, uint64_t size)
{
    bool done = false;
    int err = 0;
    while (!err && !done) {
        if (sig_fatal_pending()) {
            err = -EINTR;
            break;
        }
        if ((err = fs_op_begin(ip->fs)) == 0 && (err = inode_lock(ip)) == 0) {
            err = ip->d.type == QFS_T_FILE ? inode_truncate_step_locked(ip, size, &done) : -EISDIR;
            inode_unlock(ip);
        }
        err = fs_op_end(ip->fs, err);
    }
    pcache_reap(true); /* unmap the pages it cut off from every process */
    return err;
}

int inode_block_read_locked(struct inode *ip, uint64_t bn, struct buf **b)
{
    ASSERT_INODE_LOCKED(ip);
    uint32_t blk;
    *b = NULL;
    int err = bmap(ip, bn, false, &blk);
    if (err || !blk)
        return err;
    *b = bcache_read(ip->fs->dev, blk);
    return *b ? 0 : -EIO;
}

/* Copy n bytes where one side may be user memory (dst_user / src_user). */
static int copy_chunk(bool user, bool to_user, void *dst, const void *src, size_t n)
{
    if (user && to_user)
        return copy_to_user((uintptr_t)dst, src, n);
    if (user)
        return copy_from_user(dst, (uintptr_t)src, n);
    memcpy(dst, src, n);
    return 0;
}

/* A read into user memory stops early, with what it copied so far, once the
 * caller is being killed (the data goes nowhere else).  A kernel read
 * (user false: exec headers, the page cache) always completes. */
ssize_t inode_read(struct inode *ip, bool user, uintptr_t dst, uint64_t off, size_t n)
{
    if (off >= ip->d.size)
        return 0;
    n = MIN(n, ip->d.size - off);
    size_t done = 0;
    while (done < n) {
        if (user && sig_fatal_pending())
            return done ? (ssize_t)done : -EINTR;
        uint32_t blk;
        size_t m = MIN(n - done, BS - (off % BS));
        struct page *cp = pcache_find(ip, off);
        int err = cp ? 0 : bmap(ip, off / BS, false, &blk);
        if (cp) { /* the cached page: the file's bytes and a shared mapping's stores */
            err = copy_chunk(user, true, (void *)(dst + done),
                             (char *)page_to_kva(cp) + off % PAGE_SIZE, m);
            pcache_unpin(cp);
        } else if (!err && blk) {
            struct buf *b = bcache_read(ip->fs->dev, blk);
            if (!b)
                err = -EIO;
            else {
                err = copy_chunk(user, true, (void *)(dst + done), b->data + off % BS, m);
                bcache_release(b);
            }
        } else if (!err) {
            static const uint8_t zeros[BS];
            err = copy_chunk(user, true, (void *)(dst + done), zeros, m); /* a hole */
        }
        if (err)
            return done ? (ssize_t)done : err;
        done += m;
        off += m;
    }
    return (ssize_t)done;
}

/*
 * User data goes through a bounce buffer before it reaches a cached block,
 * so a fault part-way leaves no trace: the block keeps its old bytes, and
 * the blocks allocated for the refused part are freed again (no block is
 * ever left allocated past the end of the file).
 */
ssize_t inode_write(struct inode *ip, bool user, uintptr_t src, uint64_t off, size_t n)
{
    ASSERT_INODE_LOCKED(ip);
    if (off + n < off || off + n > QFS_MAX_FILE_BLOCKS * BS)
        return -EFBIG;
    if (fs_is_broken(ip->fs))
        return -EIO;
    uint8_t *bounce = NULL;
    if (user && n && !(bounce = kmalloc(BS)))
        return -ENOMEM;
    if (off > ip->d.size)
        pcache_truncate_locked(ip, ip->d.size, off); /* the gap reads as zero */
    size_t done = 0;
    int err = 0;
    while (done < n) {
        uint32_t blk;
        size_t m = MIN(n - done, BS - (off % BS));
        const void *from = (const void *)(src + done);
        if (user && (err = copy_from_user(bounce, src + done, m)) != 0)
            break;
        if ((err = bmap(ip, off / BS, true, &blk)) != 0)
            break;
        /* A block written whole is not read first: every byte is replaced. */
        struct buf *b =
            m == BS ? bcache_get_nofill(ip->fs->dev, blk) : bcache_read(ip->fs->dev, blk);
        if (!b) {
            err = -EIO;
            break;
        }
        memcpy(b->data + off % BS, user ? bounce : from, m);
        log_write(&ip->fs->log, b);
        bcache_release(b);
        pcache_write_locked(ip, off, user ? bounce : from, m); /* the same step */
        done += m;
        off += m;
    }
    kfree(bounce);
    if (done && off > ip->d.size)
        ip->d.size = off; /* only what was written extends the file */
    if (err)
        free_past(ip, blocks_for(ip->d.size)); /* what bmap allocated for the refused part */
    if (done)
        ip->d.mtime = ip->d.ctime = fs_now();
    int uerr = inode_update(ip); /* bmap may have changed pointers even on error */
    if (done)
        return (ssize_t)done;
    return err ? err : uerr;
}

/* Pointer block blk plus the blocks below it (depth 1: data; 2: pointer blocks).
 * Holding blk while reading a child is safe: the caller holds the inode lock,
 * so nobody else is using this file's pointer blocks. */
static uint64_t count_tree(struct inode *ip, uint32_t blk, int depth)
{
    struct buf *b = bcache_read(ip->fs->dev, blk);
    uint64_t n = 1;
    if (!b)
        return n;
    const uint32_t *ptrs = (const uint32_t *)b->data;
    for (uint32_t i = 0; i < PPB; i++)
        if (ptrs[i] && fs_data_block_ok(ip->fs, ptrs[i]))
            n += depth == 1 ? 1 : count_tree(ip, ptrs[i], 1);
    bcache_release(b);
    return n;
}

/* Disk blocks the file uses, pointer blocks included (for st_blocks). */
static uint64_t blocks_in_use(struct inode *ip)
{
    uint64_t n = 0;
    for (int i = 0; i < QFS_NDIRECT; i++)
        n += ip->d.direct[i] != 0;
    if (ip->d.indirect)
        n += count_tree(ip, ip->d.indirect, 1);
    if (ip->d.dindirect)
        n += count_tree(ip, ip->d.dindirect, 2);
    return n;
}

void inode_stat(struct inode *ip, struct kstat *st)
{
    ASSERT_INODE_LOCKED(ip);
    static const unsigned type_bits[] = {0, S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR};
    memset(st, 0, sizeof(*st));
    st->st_dev = 1;
    st->st_ino = ip->inum;
    st->st_mode = (ip->d.type < ARRAY_SIZE(type_bits) ? type_bits[ip->d.type] : 0) | ip->d.mode;
    st->st_nlink = ip->d.nlink;
    st->st_rdev = ((unsigned long)ip->d.major << 8) | ip->d.minor;
    st->st_size = (long)ip->d.size;
    st->st_blksize = BS;
    st->st_blocks = (long)blocks_in_use(ip) * (BS / 512);
    st->st_atime_sec = ip->d.atime / 1000000000, st->st_atime_nsec = ip->d.atime % 1000000000;
    st->st_mtime_sec = ip->d.mtime / 1000000000, st->st_mtime_nsec = ip->d.mtime % 1000000000;
    st->st_ctime_sec = ip->d.ctime / 1000000000, st->st_ctime_nsec = ip->d.ctime % 1000000000;
}
