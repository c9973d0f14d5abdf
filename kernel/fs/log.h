/*
 * The journal: a redo log that makes each file-system operation atomic, with
 * group commit.
 *
 * An operation brackets its block writes with log_begin_op()/log_end_op()
 * and calls log_write(b) instead of writing b itself.  Operations join the
 * running transaction; ending one writes nothing.  The running transaction
 * commits when
 *   - it is nearly full (the next operation's reservation would not fit):
 *     the operation that finds it so takes it and hands it to the log's
 *     commit thread, then begins in the next transaction at once;
 *   - fsync, sync or an O_SYNC write asks (log_commit_through, log_force):
 *     the caller commits it itself and waits;
 *   - it has been open for the commit interval: the log's commit timer
 *     thread hands it to the commit thread.  The interval is the bootarg
 *     commit_ms (default LOG_COMMIT_MS_DEFAULT, 10..60000).
 *
 * A commit: once the transaction's operations have ended, its blocks are
 * copied into the log's own memory (the commit area) and the next
 * transaction opens; then, while operations go on, the committer
 *   1. flushes the previous commit's home writes, if they are not yet;
 *   2. writes the header and the blocks into the log area (one request)
 *      and flushes: the flush is the commit point (the header's CRC32C
 *      covers the blocks, so the order inside the request does not matter);
 *   3. writes each block home from the commit area.
 * When the log is idle, or on sync, the committer also flushes the home
 * writes and empties the header, so a quiet disk has an empty log.
 *
 * Durability rule: a power cut at any instant leaves the file system
 * consistent, and every operation that returned before the last completed
 * commit is on the disk; one that returned later may be lost (without
 * fsync, at most the last commit interval).  fsync waits for the commit of
 * the transaction holding the file's last change; sync and an O_SYNC write
 * wait for theirs.  At mount, log_init() replays a committed transaction
 * (its header's checksum matches its blocks) and ignores anything else;
 * replaying twice is harmless (redo log).
 *
 * Space: each operation reserves LOG_OP_MAX blocks when it begins; an
 * operation may touch at most that many distinct blocks (big writes are
 * split into several operations).
 */
#ifndef FS_LOG_H
#define FS_LOG_H

#include "types.h"
#include "fs/format.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"

#define LOG_OP_MAX 32
#define LOG_COMMIT_MS_DEFAULT 1000

struct buf;
struct blockdev;
struct thread;

/* One transaction's blocks: home[i] is where bufs[i] (pinned) belongs. */
struct log_tx {
    uint32_t n;
    uint32_t *home;
    struct buf **bufs;
};

struct log {
    struct spinlock lock;
    struct waitq wq;             /* operations waiting to begin; waiters for a commit */
    struct waitq thread_wq;      /* the commit thread waits here for a transaction */
    struct waitq timer_wq;       /* the commit timer waits here for a first block */
    struct blockdev *dev;        /* (i) */
    uint32_t start;              /* (i) header block; data blocks follow */
    uint32_t cap;                /* (i) blocks one transaction may hold */
    uint32_t cap_on_disk;        /* (i) data blocks of the log area */
    uint32_t home_min, home_max; /* (i) logged blocks lie in [home_min, home_max) */
    uint64_t interval_ns;        /* (i) the commit thread's interval */

    /* The running transaction. */
    uint64_t tid;       /* (lock) its id; the header's seq is its low 32 bits */
    int outstanding;    /* (lock) its operations between begin and end */
    bool closing;       /* (lock) a committer is taking it: nobody may begin */
    struct log_tx run;  /* (lock) */
    uint64_t opened_ns; /* (lock) when its first block was logged */

    /* The commit in progress (at most one). */
    bool committing;     /* (lock) a committer owns area, com, home_dirty */
    bool taken;          /* (lock) com awaits the commit thread (committing is set) */
    uint64_t com_tid;    /* (lock) the id of com */
    struct log_tx com;   /* (committer) the transaction being written */
    uint8_t *area;       /* (committer) header + cap blocks, physically contiguous */
    unsigned area_order; /* (i) */
    bool home_dirty;     /* (committer) home writes not flushed yet */
    bool header_full;    /* (committer) the on-disk header holds a transaction */

    uint64_t committed;            /* (lock) every transaction <= this one is durable */
    int error;                     /* (lock) sticky -EIO once a write failed: no more commits */
    bool stop;                     /* (lock) the commit thread is to exit */
    struct thread *thread, *timer; /* (i) "commit" writes, "commit timer" hands off */
    uint64_t commits, flushes;     /* (lock) statistics */
};

/* Set up the log of a mounted file system, replay what was committed and
 * start its commit thread; 0, -EIO, -EINVAL or -ENOMEM. */
int log_init(struct log *log, struct blockdev *dev, const struct qfs_super *sb);
/* Commit everything, empty the log, stop the commit thread, free (unmount). */
int log_shutdown(struct log *log);
/* Start an operation (may sleep, and may commit a full transaction first). */
void log_begin_op(struct log *log);
/* Inside an operation: the id of the transaction it is in (stable until it ends). */
uint64_t log_op_tid(struct log *log);
/* The id of the running transaction: no change made so far is in a later one. */
uint64_t log_running_tid(struct log *log);
/* The last transaction known durable (every one up to it is). */
uint64_t log_committed_tid(struct log *log);
/* Record that b (locked by the caller, inside an operation) was modified. */
void log_write(struct log *log, struct buf *b);
/* End an operation (writes nothing); 0, or -EIO once a commit has failed. */
int log_end_op(struct log *log);
/* Wait until transaction tid is durable, committing it now if it is running. */
int log_commit_through(struct log *log, uint64_t tid);
/* sync: commit everything written so far, wait, and empty the log. */
int log_force(struct log *log);

#endif
