/*
 * The buffer cache: one 4 KiB buffer per cached disk block.
 *
 * Rules (who may hold what):
 *   - bcache_lock (private) guards the hash, the LRU list and every buf's
 *     refcnt/pins; it is a spinlock held only for a few instructions.
 *   - buf->lock (a sleep lock) guards the data and valid/dirty flags.
 *     bcache_read() returns a buffer locked by the caller; bcache_release() unlocks it.
 *     Only one thread uses a buffer's data at a time.
 *   - a buffer with refcnt > 0 is never reused for another block; the log
 *     pins every buffer it holds until the transaction is installed.
 *   - lock order: inode lock -> buf lock (never the reverse), bufs in any
 *     order only within one transaction that holds them briefly.
 */
#ifndef FS_BCACHE_H
#define FS_BCACHE_H

#include "types.h"
#include "lib/list.h"
#include "sync/sleeplock.h"

struct blockdev;

struct buf {
    struct blockdev *dev; /* (bcache_lock) identity while refcnt > 0 or cached */
    uint32_t blockno;
    int refcnt;                 /* (bcache_lock) */
    struct list_head hash_link; /* (bcache_lock) */
    struct list_head lru_link;  /* (bcache_lock) on the LRU list iff refcnt == 0 */
    struct sleeplock lock;
    bool valid;    /* (lock) data holds the block's contents */
    uint8_t *data; /* QFS_BLOCK_SIZE bytes, one page */
    /* (the owning log's lock) the journal and the transaction that last logged
     * this buffer: log.c's test for "already in the running transaction". */
    const void *log_owner;
    uint64_t log_tid;
};

/* Size the cache from RAM (at least 64 buffers). */
void bcache_init(size_t nbufs);
/* The block, locked; NULL if the disk read failed (-EIO).  May sleep. */
struct buf *bcache_read(struct blockdev *dev, uint32_t blockno);
/* Like bcache_read but without reading: for a block about to be fully overwritten. */
struct buf *bcache_get_nofill(struct blockdev *dev, uint32_t blockno);
/* The cached buffer for the block, locked, or NULL if it is not cached. */
struct buf *bcache_get_cached(struct blockdev *dev, uint32_t blockno);
/* Write the buffer to disk now (caller holds it locked); 0 or -EIO. */
int bcache_write(struct buf *b);
/* Unlock and drop a reference. */
void bcache_release(struct buf *b);
/* Keep b cached (the log holds it); bcache_unpin undoes one bcache_pin. */
void bcache_pin(struct buf *b);
void bcache_unpin(struct buf *b);
void bcache_stats(size_t *nbufs, size_t *hits, size_t *misses);
size_t bcache_nbufs(void);
/* Forget the cached contents of blocks [first, first + count) of dev that
 * nobody holds, so the next bcache_read reads the disk (the journal writes
 * its own area without the cache). */
void bcache_forget(struct blockdev *dev, uint32_t first, uint32_t count);

#endif
