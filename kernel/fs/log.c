/*
 * Journal implementation; the design and its invariant are in log.h.
 * Lock order: log->lock is taken alone (never while holding a buffer lock
 * that the committer might want), and released before any disk I/O.
 */
#include "fs/log.h"
#include "fs/bcache.h"
#include "dev/blockdev.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

/* Checksum of a header holding seq, n and log->home[]: qfs_log_checksum_start's bytes. */
static uint32_t header_checksum(struct log *log, uint32_t n, uint32_t seq)
{
    uint32_t sum = qfs_checksum(QFS_CHECKSUM_INIT, &seq, sizeof(seq));
    sum = qfs_checksum(sum, &n, sizeof(n));
    return qfs_checksum(sum, log->home, n * sizeof(uint32_t));
}

static int write_header(struct log *log, uint32_t n, uint32_t seq, uint32_t sum)
{
    struct buf *b = bcache_get_nofill(log->dev, log->start);
    struct qfs_log_header *h = (struct qfs_log_header *)b->data;
    memset(h, 0, sizeof(*h));
    h->magic = QFS_LOG_MAGIC;
    h->n = n;
    h->seq = seq;
    h->checksum = sum;
    for (uint32_t i = 0; i < n; i++)
        h->home[i] = log->home[i];
    int err = bcache_write(b);
    bcache_release(b);
    return err;
}

/* Copy home[from..n) into home[] from the on-disk header; 0, 1 (empty) or -EIO. */
static int read_header(struct log *log, uint32_t *n, uint32_t *seq, uint32_t *sum)
{
    struct buf *b = bcache_read(log->dev, log->start);
    if (!b)
        return -EIO;
    struct qfs_log_header *h = (struct qfs_log_header *)b->data;
    int ret = 0;
    if (h->magic != QFS_LOG_MAGIC || h->n == 0 || h->n > log->cap) {
        if (h->magic != QFS_LOG_MAGIC)
            printf("log: no valid header; treating the log as empty\n");
        *seq = h->magic == QFS_LOG_MAGIC ? h->seq : 0;
        ret = 1;
    } else {
        *n = h->n;
        *seq = h->seq;
        *sum = h->checksum;
        memcpy(log->home, h->home, h->n * sizeof(uint32_t));
    }
    bcache_release(b);
    return ret;
}

/* Write logged block i's cached contents to dest (log slot or home). */
static int copy_block(struct log *log, uint32_t i, bool to_log, uint32_t *sum)
{
    struct buf *src = bcache_read(log->dev, log->home[i]);
    if (!src)
        return -EIO;
    int err;
    if (to_log) {
        struct buf *dst = bcache_get_nofill(log->dev, log->start + 1 + i);
        memcpy(dst->data, src->data, QFS_BLOCK_SIZE);
        *sum = qfs_checksum(*sum, src->data, QFS_BLOCK_SIZE);
        err = bcache_write(dst);
        bcache_release(dst);
    } else {
        err = bcache_write(src);
        bcache_unpin(src); /* installed: the cache may recycle it now */
    }
    bcache_release(src);
    return err;
}

/* Drop the log's pin on logged block i without writing it. */
static void unpin_block(struct log *log, uint32_t i)
{
    struct buf *b = bcache_get_cached(log->dev, log->home[i]);
    if (b)
        bcache_unpin(b), bcache_release(b);
}

/*
 * Commit the open transaction.  Caller: the last operation out, with
 * `committing` set, so nobody else touches the log or its blocks.  If the
 * disk fails before the commit point nothing is installed: the disk keeps
 * the previous consistent state, and the error is sticky.
 */
static int commit(struct log *log)
{
    int err = 0;
    if (log->n == 0)
        return 0;
    uint32_t sum = header_checksum(log, log->n, log->seq + 1);
    for (uint32_t i = 0; i < log->n && !err; i++)
        err = copy_block(log, i, true, &sum);
    if (!err)
        err = blockdev_flush(log->dev);
    if (!err)
        err = write_header(log, log->n, log->seq + 1, sum); /* the commit point */
    if (!err)
        err = blockdev_flush(log->dev);
    if (err) {
        for (uint32_t i = 0; i < log->n; i++)
            unpin_block(log, i);
        return err;
    }
    for (uint32_t i = 0; i < log->n; i++) {
        int e = copy_block(log, i, false, NULL); /* also unpins */
        err = err ? err : e;
    }
    if (!err)
        err = blockdev_flush(log->dev);
    if (!err)
        err = write_header(log, 0, log->seq + 1, 0);
    return err;
}

static int recover(struct log *log)
{
    uint32_t n = 0, seq = 0, sum = 0;
    int r = read_header(log, &n, &seq, &sum);
    log->seq = seq;
    if (r)
        return r < 0 ? r : 0;
    for (uint32_t i = 0; i < n; i++) {
        if (log->home[i] < log->home_min || log->home[i] >= log->home_max) {
            printf("log: committed transaction %u names block %u outside the file system\n", seq,
                   log->home[i]);
            return -EINVAL;
        }
    }
    uint32_t check = header_checksum(log, n, seq);
    for (uint32_t i = 0; i < n; i++) {
        struct buf *b = bcache_read(log->dev, log->start + 1 + i);
        if (!b)
            return -EIO;
        check = qfs_checksum(check, b->data, QFS_BLOCK_SIZE);
        bcache_release(b);
    }
    if (check != sum) {
        printf("log: transaction %u is incomplete (checksum mismatch); discarded\n", seq);
        return write_header(log, 0, seq, 0);
    }
    for (uint32_t i = 0; i < n; i++) {
        struct buf *lb = bcache_read(log->dev, log->start + 1 + i);
        if (!lb)
            return -EIO;
        struct buf *home = bcache_get_nofill(log->dev, log->home[i]);
        memcpy(home->data, lb->data, QFS_BLOCK_SIZE);
        int err = bcache_write(home);
        bcache_release(home);
        bcache_release(lb);
        if (err)
            return err;
    }
    printf("log: replayed transaction %u (%u blocks)\n", seq, n);
    int err = blockdev_flush(log->dev);
    return err ? err : write_header(log, 0, seq, 0);
}

int log_init(struct log *log, struct blockdev *dev, const struct qfs_super *sb)
{
    spin_init(&log->lock, "log");
    waitq_init(&log->wq, "log");
    log->dev = dev;
    log->start = sb->log_start;
    log->cap = MIN(sb->log_blocks - 1, (uint32_t)QFS_LOG_MAX);
    log->home_min = sb->imap_start;
    log->home_max = sb->nblocks;
    log->outstanding = 0;
    log->committing = false;
    log->n = 0;
    log->error = 0;
    if (log->cap < LOG_OP_MAX)
        return -EINVAL;
    return recover(log);
}

uint64_t log_begin_op(struct log *log)
{
    spin_lock(&log->lock);
    while (log->committing || log->n + (uint32_t)(log->outstanding + 1) * LOG_OP_MAX > log->cap)
        waitq_sleep(&log->wq, &log->lock);
    log->outstanding++;
    uint64_t round = log->rounds + 1; /* the commit round this operation joins */
    spin_unlock(&log->lock);
    return round;
}

void log_write(struct log *log, struct buf *b)
{
    spin_lock(&log->lock);
    if (log->outstanding < 1)
        panic("log_write: outside an operation");
    uint32_t i;
    for (i = 0; i < log->n; i++)
        if (log->home[i] == b->blockno)
            break; /* absorbed: already in this transaction */
    if (i == log->n) {
        if (log->n >= log->cap)
            panic("log_write: transaction too big");
        log->home[log->n++] = b->blockno;
        bcache_pin(b);
    }
    spin_unlock(&log->lock);
}

int log_end_op(struct log *log)
{
    spin_lock(&log->lock);
    if (--log->outstanding > 0) {
        waitq_wake_all(&log->wq); /* our reservation is free */
        int err = log->error;
        spin_unlock(&log->lock);
        return err;
    }
    log->committing = true;
    spin_unlock(&log->lock);

    int err = commit(log); /* no other operation can run: no lock needed */

    spin_lock(&log->lock);
    if (log->n)
        log->seq++, log->commits++;
    log->n = 0;
    log->rounds++;
    if (err)
        log->error = err;
    log->committing = false;
    waitq_wake_all(&log->wq);
    err = log->error;
    spin_unlock(&log->lock);
    return err;
}

int log_force(struct log *log)
{
    /* Join the open transaction with an empty operation, then wait until
     * the round it belongs to has committed (the last operation out does it). */
    uint64_t round = log_begin_op(log);
    int err = log_end_op(log);
    spin_lock(&log->lock);
    while (log->rounds < round)
        waitq_sleep(&log->wq, &log->lock);
    err = err ? err : log->error;
    spin_unlock(&log->lock);
    return err;
}
