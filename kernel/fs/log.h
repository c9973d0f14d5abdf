/*
 * The journal: a redo log that makes each file-system operation atomic.
 *
 * An operation brackets its block writes with log_begin_op()/log_end_op()
 * and calls log_write(b) instead of writing b itself.  Concurrent operations
 * join one transaction (group commit); when the last of them ends, that
 * thread commits:
 *
 *   1. copy every modified block into the log area, then flush the disk
 *   2. write the header with n > 0 and a checksum   <- the commit point
 *   3. write each block to its home location, flush
 *   4. write the header with n = 0 (the log is empty again)
 *
 * Invariant: a power cut at any instant leaves the file system consistent,
 * and every operation whose system call returned before the last completed
 * commit is on the disk.  At mount, log_recover() replays a committed
 * transaction (its header has n > 0 and the checksum matches its blocks)
 * and ignores anything else; replaying twice is harmless (redo log).
 *
 * Space: each operation reserves LOG_OP_MAX blocks when it begins; an
 * operation may touch at most that many distinct blocks (big writes are
 * split into several operations).  log_begin_op sleeps while the
 * transaction could overflow or while a commit is running.
 */
#ifndef FS_LOG_H
#define FS_LOG_H

#include "types.h"
#include "fs/format.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"

#define LOG_OP_MAX 32

struct buf;
struct blockdev;

struct log {
    struct spinlock lock;
    struct waitq wq;
    struct blockdev *dev;
    uint32_t start;              /* header block; data blocks follow */
    uint32_t cap;                /* data blocks available for one transaction */
    uint32_t home_min, home_max; /* logged blocks lie in [home_min, home_max): past the log */
    int outstanding;             /* (lock) operations between begin and end */
    bool committing;             /* (lock) */
    uint32_t n;                  /* (lock) blocks in the open transaction */
    uint32_t seq;                /* (lock) sequence number of the last commit */
    uint64_t commits;            /* (lock) statistics */
    uint64_t rounds;             /* (lock) commit rounds finished, empty ones included */
    int error;                   /* (lock) sticky -EIO once a commit failed */
    uint32_t home[QFS_LOG_MAX];  /* (lock) home block of each logged block */
};

/* Set up the log of a mounted file system and replay what was committed; 0 or -EIO. */
int log_init(struct log *log, struct blockdev *dev, const struct qfs_super *sb);
/* Start an operation (may sleep); returns the commit round it joined. */
uint64_t log_begin_op(struct log *log);
/* Record that b (locked by the caller, inside an operation) was modified. */
void log_write(struct log *log, struct buf *b);
/* End an operation; commits if it was the last one.  0 or -EIO. */
int log_end_op(struct log *log);
/* Commit everything written so far and wait until it is on disk (fsync, sync). */
int log_force(struct log *log);

#endif
