/*
 * Journal implementation; the design and the durability rule are in log.h.
 *
 * Invariants (what is where, who may touch what):
 *   - On the disk, every transaction before the one in the log area is
 *     home and flushed.  The log area holds nothing valid (n == 0, or a
 *     checksum that does not match) or the last committed transaction,
 *     whose home writes may be partly done: replaying it is always safe.
 *     So a commit flushes the previous commit's home writes (home_dirty)
 *     before it overwrites the log area.
 *   - `committed` only grows, and every transaction with an id <= it has
 *     its commit record flushed: fsync returns once its tid is <= committed.
 *   - Every buffer of the running transaction and of the commit in progress
 *     is pinned (one reference per transaction holding it), so the cache
 *     never recycles a block whose newest contents are not home yet.
 *     Transactions are pinned until their home writes are done.
 *   - Operations add blocks only to the running transaction, and only
 *     between log_begin_op and log_end_op.  A committer sets `closing`, so
 *     that nobody begins, and waits for `outstanding` to reach 0: from then
 *     on nobody changes the transaction's buffers (only operations change
 *     logged buffers), and it copies them into the commit area without
 *     their locks.  Then the next transaction opens (tid + 1, closing
 *     clear) and operations go on while the copy is written: the disk
 *     writes use only the commit area, never the live buffers.
 *   - One commit at a time (`committing`, set from the take until the
 *     home writes are done); it owns the commit area, `com`, home_dirty and
 *     header_full.  A transaction taken by hand_off_locked is written by the
 *     commit thread (`taken`); one taken by commit_through_locked (fsync) by
 *     the caller.  A checkpoint (flush + empty header) also takes
 *     `committing`.
 *   - After a failed write nothing is committed again (error is sticky):
 *     later transactions may depend on the lost one.
 *   - The running transaction never holds more than a quarter of the
 *     buffer cache (cap), so the two pinned transactions leave buffers for
 *     the operations that must end before a commit can start.
 *
 * Lock order: log->lock is taken with no buffer lock the committer needs
 * (it needs none); bcache_lock and wait-queue locks nest inside it.  No
 * disk I/O happens with log->lock held.
 */
#include "fs/log.h"
#include "fs/bcache.h"
#include "dev/blockdev.h"
#include "abi/errno.h"
#include "arch/riscv/timer.h"
#include "init/boot.h"
#include "lib/fdt.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "proc/sched.h"
#include "proc/thread.h"

#define BS QFS_BLOCK_SIZE
#define SECTORS (QFS_BLOCK_SIZE / SECTOR_SIZE)

static void commit_thread(void *arg);

static uint8_t *area_block(struct log *log, uint32_t i)
{
    return log->area + (size_t)(1 + i) * BS; /* logged block i; the header is at 0 */
}

static int flush(struct log *log)
{
    spin_lock(&log->lock);
    log->flushes++;
    spin_unlock(&log->lock);
    return blockdev_flush(log->dev);
}

/* ---- the committer's disk writes (committing is set) ---- */

/* Fill the header at the start of the commit area for com, seq `seq`. */
static void build_header(struct log *log, uint32_t seq)
{
    struct qfs_log_header *h = (struct qfs_log_header *)log->area;
    uint32_t n = log->com.n;
    memset(h, 0, sizeof(*h));
    h->magic = QFS_LOG_MAGIC;
    h->n = n;
    h->seq = seq;
    memcpy(h->home, log->com.home, n * sizeof(uint32_t));
    uint32_t sum = qfs_log_checksum_start(h);
    for (uint32_t i = 0; i < n; i++)
        sum = qfs_log_checksum_block(sum, area_block(log, i));
    h->checksum = sum;
}

/* Steps 1 and 2 of a commit: previous home writes flushed, then the commit record. */
static int write_commit_record(struct log *log, uint32_t seq)
{
    int err = 0;
    if (log->home_dirty && (err = flush(log)) != 0)
        return err;
    log->home_dirty = false;
    build_header(log, seq);
    log->header_full = true;
    err = blockdev_write(log->dev, (uint64_t)log->start * SECTORS, log->area,
                         (size_t)(log->com.n + 1) * BS);
    return err ? err : flush(log); /* the commit point */
}

/* Step 3: write each logged block home, a run of consecutive homes per request. */
static int write_home(struct log *log)
{
    uint32_t n = log->com.n, *home = log->com.home;
    int err = 0;
    for (uint32_t i = 0, j; i < n && !err; i = j) {
        for (j = i + 1; j < n && home[j] == home[j - 1] + 1; j++)
            ;
        err = blockdev_write(log->dev, (uint64_t)home[i] * SECTORS, area_block(log, i),
                             (size_t)(j - i) * BS);
    }
    log->home_dirty = true;
    return err;
}

/* Flush the home writes and mark the log empty on the disk. */
static int write_checkpoint(struct log *log, uint32_t seq)
{
    int err = 0;
    if (!log->header_full)
        return 0;
    if (log->home_dirty && (err = flush(log)) != 0)
        return err;
    log->home_dirty = false;
    struct qfs_log_header *h = (struct qfs_log_header *)log->area;
    memset(h, 0, sizeof(*h));
    h->magic = QFS_LOG_MAGIC;
    h->seq = seq;
    if ((err = blockdev_write(log->dev, (uint64_t)log->start * SECTORS, h, BS)) == 0)
        log->header_full = false;
    return err;
}

static void unpin_all(struct log_tx *tx)
{
    for (uint32_t i = 0; i < tx->n; i++)
        bcache_unpin(tx->bufs[i]);
    tx->n = 0;
}

/* ---- taking the running transaction ---- */

/*
 * Caller: log->lock held, transaction `tid` running and non-empty, no
 * commit or close in progress.  Closes it, waits for its operations,
 * copies its blocks into the commit area and opens the next one.  Returns
 * with the lock held and `committing` set: the caller writes `com`.
 */
static void take_running_locked(struct log *log)
{
    ASSERT_HELD(&log->lock);
    log->closing = true;
    log->committing = true;
    while (log->outstanding > 0)
        waitq_sleep(&log->wq, &log->lock);
    log->com_tid = log->tid;
    struct log_tx t = log->com; /* empty: its arrays become the next running ones */
    log->com = log->run;
    log->run = t;
    log->run.n = 0;
    spin_unlock(&log->lock);
    for (uint32_t i = 0; i < log->com.n; i++)
        memcpy(area_block(log, i), log->com.bufs[i]->data, BS);
    spin_lock(&log->lock);
    log->tid++;
    log->closing = false;
    waitq_wake_all(&log->wq);
}

/* Write the taken transaction `tid` (lock not held); ends the commit. */
static void write_taken(struct log *log, uint64_t tid)
{
    int err = 0;
    spin_lock(&log->lock);
    err = log->error;
    spin_unlock(&log->lock);
    if (!err)
        err = write_commit_record(log, (uint32_t)tid);
    spin_lock(&log->lock);
    if (!err) {
        log->committed = tid;
        log->commits++;
        waitq_wake_all(&log->wq); /* fsync waiters */
    } else if (!log->error) {
        printf("log: commit of transaction %lu failed (%d); the file system stops writing\n", tid,
               err);
        log->error = err;
    }
    spin_unlock(&log->lock);
    if (!err && (err = write_home(log)) != 0) {
        spin_lock(&log->lock);
        log->error = log->error ? log->error : err; /* replayed at the next mount */
        spin_unlock(&log->lock);
    }
    unpin_all(&log->com);
    spin_lock(&log->lock);
    bool idle = log->run.n == 0 && !log->error;
    spin_unlock(&log->lock);
    if (idle)
        write_checkpoint(log, (uint32_t)tid); /* a quiet disk has an empty log */
    spin_lock(&log->lock);
    log->committing = false;
    waitq_wake_all(&log->wq);
    spin_unlock(&log->lock);
}

/*
 * Wait until transaction tid is durable; if it is the running one, commit
 * it (in this thread).  Caller holds log->lock and is in no operation.
 */
static int commit_through_locked(struct log *log, uint64_t tid)
{
    ASSERT_HELD(&log->lock);
    if (tid >= log->tid && log->run.n == 0 && !log->closing)
        tid = log->tid - 1; /* nothing logged in the running one: the one before */
    while (log->committed < tid && !log->error) {
        if (log->tid == tid && !log->closing && !log->committing) {
            take_running_locked(log);
            spin_unlock(&log->lock);
            write_taken(log, tid);
            spin_lock(&log->lock);
        } else {
            waitq_sleep(&log->wq, &log->lock);
        }
    }
    return log->error;
}

/* Take the running transaction and leave its writing to the commit thread:
 * the caller goes on at once, in the next transaction.  Caller holds
 * log->lock; no commit or close is in progress. */
static void hand_off_locked(struct log *log)
{
    ASSERT_HELD(&log->lock);
    take_running_locked(log);
    log->taken = true;
    waitq_wake_all(&log->thread_wq);
}

/* ---- operations ---- */

/* After a failure: let the running transaction go without writing it. */
static void drop_running_locked(struct log *log)
{
    ASSERT_HELD(&log->lock);
    unpin_all(&log->run);
    log->tid++; /* its buffers' log_tid no longer says "in the running transaction" */
}

static bool op_fits_locked(struct log *log)
{
    ASSERT_HELD(&log->lock);
    return log->run.n + (uint32_t)(log->outstanding + 1) * LOG_OP_MAX <= log->cap;
}

void log_begin_op(struct log *log)
{
    spin_lock(&log->lock);
    while (log->closing || !op_fits_locked(log)) {
        if (!log->closing && !log->committing && !log->error && log->run.n > 0)
            hand_off_locked(log); /* nearly full: the commit thread writes it */
        else if (!log->closing && log->error && log->outstanding == 0)
            drop_running_locked(log); /* nothing is committed after a failure */
        else
            waitq_sleep(&log->wq, &log->lock);
    }
    log->outstanding++;
    spin_unlock(&log->lock);
}

uint64_t log_op_tid(struct log *log)
{
    return READ_ONCE(log->tid); /* cannot change while the caller's operation runs */
}

uint64_t log_running_tid(struct log *log)
{
    return READ_ONCE(log->tid);
}

uint64_t log_committed_tid(struct log *log)
{
    spin_lock(&log->lock);
    uint64_t t = log->committed;
    spin_unlock(&log->lock);
    return t;
}

void log_write(struct log *log, struct buf *b)
{
    spin_lock(&log->lock);
    if (log->outstanding < 1)
        panic("log_write: outside an operation");
    if (b->log_owner != log || b->log_tid != log->tid) {
        if (log->run.n >= log->cap)
            panic("log_write: transaction too big");
        log->run.home[log->run.n] = b->blockno;
        log->run.bufs[log->run.n++] = b;
        bcache_pin(b);
        b->log_owner = log;
        b->log_tid = log->tid;
        if (log->run.n == 1) {
            log->opened_ns = timer_now_ns();
            waitq_wake_all(&log->timer_wq);
        }
    }
    spin_unlock(&log->lock);
}

int log_end_op(struct log *log)
{
    spin_lock(&log->lock);
    log->outstanding--;
    waitq_wake_all(&log->wq); /* a committer waits for 0 operations; begin_op for room */
    int err = log->error;
    spin_unlock(&log->lock);
    return err;
}

int log_commit_through(struct log *log, uint64_t tid)
{
    spin_lock(&log->lock);
    int err = commit_through_locked(log, tid);
    spin_unlock(&log->lock);
    return err;
}

/* Take `committing` for a checkpoint: home writes flushed, the log emptied
 * on the disk, and that flushed too.  Caller holds log->lock. */
static void checkpoint_locked(struct log *log)
{
    ASSERT_HELD(&log->lock);
    while (log->committing || log->closing)
        waitq_sleep(&log->wq, &log->lock);
    log->committing = true;
    uint32_t seq = (uint32_t)log->committed;
    bool full = log->header_full;
    spin_unlock(&log->lock);
    int err = full ? write_checkpoint(log, seq) : 0;
    if (!err && full)
        err = flush(log);
    spin_lock(&log->lock);
    if (err && !log->error)
        log->error = err;
    log->committing = false;
    waitq_wake_all(&log->wq);
}

int log_force(struct log *log)
{
    spin_lock(&log->lock);
    int err = commit_through_locked(log, log->tid);
    if (!err) {
        checkpoint_locked(log);
        err = log->error;
    }
    spin_unlock(&log->lock);
    return err;
}

/* ---- the commit threads ---- */

/* Sleep until the running transaction `tid` is interval_ns old, or until
 * it is committed by someone else, or the log stops. */
static void wait_interval(struct log *log, uint64_t tid, uint64_t opened)
{
    while (timer_now_ns() - opened < log->interval_ns) {
        spin_lock(&log->lock);
        bool go_on = !log->stop && log->tid == tid;
        spin_unlock(&log->lock);
        if (!go_on)
            return;
        sched_sleep_ticks(1);
    }
}

/* "commit": writes each transaction handed to it (hand_off_locked). */
static void commit_thread(void *arg)
{
    struct log *log = arg;
    spin_lock(&log->lock);
    while (!log->stop || log->taken) {
        if (!log->taken) {
            waitq_sleep(&log->thread_wq, &log->lock);
            continue;
        }
        log->taken = false;
        uint64_t tid = log->com_tid;
        spin_unlock(&log->lock);
        write_taken(log, tid);
        spin_lock(&log->lock);
    }
    spin_unlock(&log->lock);
}

/* "commit timer": hands the running transaction to the commit thread once it
 * has been open for the commit interval. */
static void commit_timer(void *arg)
{
    struct log *log = arg;
    spin_lock(&log->lock);
    while (!log->stop) {
        if (log->run.n == 0 || log->error) {
            waitq_sleep(&log->timer_wq, &log->lock);
            continue;
        }
        uint64_t tid = log->tid, opened = log->opened_ns;
        spin_unlock(&log->lock);
        wait_interval(log, tid, opened);
        spin_lock(&log->lock);
        while (!log->stop && log->tid == tid && (log->closing || log->committing))
            waitq_sleep(&log->wq, &log->lock); /* the previous commit is still being written */
        if (!log->stop && log->tid == tid && log->run.n > 0 && !log->error)
            hand_off_locked(log);
    }
    spin_unlock(&log->lock);
}

/* ---- mount: recovery ---- */

/* Read the on-disk header into the commit area; 0, or 1 if it holds no
 * transaction, or -EIO. */
static int read_header(struct log *log)
{
    struct qfs_log_header *h = (struct qfs_log_header *)log->area;
    if (blockdev_read(log->dev, (uint64_t)log->start * SECTORS, h, BS))
        return -EIO;
    if (h->magic != QFS_LOG_MAGIC) {
        printf("log: no valid header; treating the log as empty\n");
        h->seq = 0;
        return 1;
    }
    return h->n == 0 || h->n > log->cap_on_disk ? 1 : 0;
}

/* Logged block i of the on-disk log, read into the commit area's block 0. */
static uint8_t *read_logged(struct log *log, uint32_t i)
{
    uint8_t *dst = area_block(log, 0);
    return blockdev_read(log->dev, (uint64_t)(log->start + 1 + i) * SECTORS, dst, BS) ? NULL : dst;
}

/* Does the committed transaction in the header (at the area's start) match its blocks? */
static int header_matches(struct log *log, const struct qfs_log_header *h)
{
    uint32_t sum = qfs_log_checksum_start(h);
    for (uint32_t i = 0; i < h->n; i++) {
        const uint8_t *b = read_logged(log, i);
        if (!b)
            return -EIO;
        sum = qfs_log_checksum_block(sum, b);
    }
    return sum == h->checksum;
}

/* Copy each logged block home through the cache (it may hold a stale copy). */
static int replay(struct log *log, const struct qfs_log_header *h)
{
    for (uint32_t i = 0; i < h->n; i++) {
        const uint8_t *src = read_logged(log, i);
        if (!src)
            return -EIO;
        struct buf *home = bcache_get_nofill(log->dev, h->home[i]);
        memcpy(home->data, src, BS);
        int err = bcache_write(home);
        bcache_release(home);
        if (err)
            return err;
    }
    printf("log: replayed transaction %u (%u blocks)\n", h->seq, h->n);
    return 0;
}

static int recover(struct log *log)
{
    struct qfs_log_header *h = (struct qfs_log_header *)log->area;
    int r = read_header(log);
    if (r < 0)
        return r;
    uint32_t seq = h->seq;
    log->tid = (uint64_t)seq + 1;
    log->committed = seq;
    if (r)
        return 0;
    for (uint32_t i = 0; i < h->n; i++) {
        if (h->home[i] < log->home_min || h->home[i] >= log->home_max) {
            printf("log: committed transaction %u names block %u outside the file system\n", seq,
                   h->home[i]);
            return -EINVAL;
        }
    }
    log->header_full = true; /* rewritten below either way */
    if ((r = header_matches(log, h)) < 0)
        return r;
    if (r == 0)
        printf("log: transaction %u is incomplete (checksum mismatch); discarded\n", seq);
    else if ((r = replay(log, h)) != 0 || (r = flush(log)) != 0)
        return r;
    if ((r = write_checkpoint(log, seq)) != 0)
        return r;
    return flush(log);
}

/* ---- mount and unmount ---- */

static uint64_t commit_interval_ns(void)
{
    char val[16];
    unsigned ms = LOG_COMMIT_MS_DEFAULT;
    if (bootarg_get(boot_fdt.bootargs, "commit_ms", val, sizeof(val)) && val[0]) {
        unsigned v = 0;
        for (const char *p = val; *p >= '0' && *p <= '9' && v < 1000000; p++)
            v = v * 10 + (unsigned)(*p - '0');
        if (v >= 10 && v <= 60000)
            ms = v;
        else
            printf("log: commit_ms=%s out of range [10, 60000], using %u\n", val, ms);
    }
    return (uint64_t)ms * 1000000;
}

/* The commit area: header + cap blocks, contiguous.  Its size is a power of
 * two pages: the largest that fits the log when that still holds two
 * operations' worth, else the smallest that holds the whole log; smaller if
 * memory is short. */
static int alloc_area(struct log *log, uint32_t want)
{
    unsigned order = 0;
    while (order < BUDDY_MAX_ORDER && (1u << order) < want + 1)
        order++;
    if ((1u << order) > want + 1 && (1u << (order - 1)) - 1 >= 2 * LOG_OP_MAX)
        order--;
    for (;; order--) {
        if ((log->area = page_alloc(order)) != NULL) {
            log->area_order = order;
            log->cap = MIN(want, (1u << order) - 1);
            return 0;
        }
        if (order == 0 || (1u << (order - 1)) - 1 < LOG_OP_MAX)
            return -ENOMEM;
    }
}

static void free_arrays(struct log *log)
{
    kfree(log->run.home), kfree(log->run.bufs);
    kfree(log->com.home), kfree(log->com.bufs);
    if (log->area)
        page_free(log->area, log->area_order);
    log->area = NULL;
}

static int alloc_arrays(struct log *log)
{
    size_t hs = log->cap * sizeof(uint32_t), bs = log->cap * sizeof(struct buf *);
    log->run.home = kmalloc(hs), log->run.bufs = kmalloc(bs);
    log->com.home = kmalloc(hs), log->com.bufs = kmalloc(bs);
    return log->run.home && log->run.bufs && log->com.home && log->com.bufs ? 0 : -ENOMEM;
}

/* Stop the commit threads (the thread is written, a timer may not be yet). */
static void stop_threads(struct log *log)
{
    spin_lock(&log->lock);
    log->stop = true;
    waitq_wake_all(&log->thread_wq);
    waitq_wake_all(&log->timer_wq);
    waitq_wake_all(&log->wq);
    spin_unlock(&log->lock);
    thread_join(log->thread);
    if (log->timer)
        thread_join(log->timer);
}

int log_init(struct log *log, struct blockdev *dev, const struct qfs_super *sb)
{
    memset(log, 0, sizeof(*log));
    spin_init(&log->lock, "log");
    waitq_init(&log->wq, "log");
    waitq_init(&log->thread_wq, "log commit");
    waitq_init(&log->timer_wq, "log commit timer");
    crc32c_init();
    log->dev = dev;
    log->start = sb->log_start;
    log->cap_on_disk = MIN(sb->log_blocks - 1, (uint32_t)QFS_LOG_MAX);
    log->home_min = sb->imap_start;
    log->home_max = sb->nblocks;
    log->interval_ns = commit_interval_ns();
    uint32_t want = MIN(log->cap_on_disk, (uint32_t)(bcache_nbufs() / 4));
    if (want < LOG_OP_MAX)
        return -EINVAL;
    int err = alloc_area(log, want);
    if (!err)
        err = alloc_arrays(log);
    if (!err)
        err = recover(log);
    if (!err && !(log->thread = thread_create("commit", commit_thread, log)))
        err = -ENOMEM;
    if (!err && !(log->timer = thread_create("commit timer", commit_timer, log))) {
        stop_threads(log);
        err = -ENOMEM;
    }
    if (err)
        free_arrays(log);
    return err;
}

int log_shutdown(struct log *log)
{
    int err = log_force(log);
    stop_threads(log);
    spin_lock(&log->lock);
    drop_running_locked(log); /* only after a failure: log_force committed the rest */
    spin_unlock(&log->lock);
    free_arrays(log);
    bcache_forget(log->dev, log->start, log->cap_on_disk + 1);
    return err;
}
