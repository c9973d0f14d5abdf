/*
 * Buffer cache: a hash table from (device, block) to buffer, and an LRU list
 * of unreferenced buffers to recycle.  The number of buffers is fixed at boot;
 * when every buffer is referenced, a caller sleeps until one is released.
 */
#include "fs/bcache.h"
#include "fs/format.h"
#include "dev/blockdev.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "lib/printf.h"
#include "sync/waitq.h"

#define NHASH 257
#define SECTORS_PER_BLOCK (QFS_BLOCK_SIZE / SECTOR_SIZE)

static struct spinlock bcache_lock = SPINLOCK_INIT("bcache");
static struct list_head hash[NHASH];
static struct list_head lru = LIST_HEAD_INIT(lru); /* front: least recently used */
static struct waitq free_wq = WAITQ_INIT(free_wq, "bcache free");
static size_t nbuf, hits, misses;
static int free_waiters; /* (bcache_lock) threads asleep in bget for a free buffer */

void bcache_init(size_t n)
{
    for (int i = 0; i < NHASH; i++)
        list_init(&hash[i]);
    for (size_t i = 0; i < n; i++) {
        struct buf *b = kzalloc(sizeof(*b));
        void *data = page_alloc(0);
        if (!b || !data) {
            kfree(b);
            if (data)
                page_free(data, 0);
            break;
        }
        b->data = data;
        sleeplock_init(&b->lock, "buf");
        list_init(&b->hash_link);
        list_push_back(&lru, &b->lru_link);
        nbuf++;
    }
    if (nbuf < 16)
        panic("bcache_init: only %lu buffers", nbuf);
    printf("bcache: %lu buffers (%lu KiB)\n", nbuf, nbuf * QFS_BLOCK_SIZE / 1024);
}

static unsigned hash_of(struct blockdev *dev, uint32_t blockno)
{
    return (unsigned)(((uintptr_t)dev >> 4) ^ (blockno * 2654435761u)) % NHASH;
}

/* The cached buffer for (dev, blockno) with a new reference, or NULL. */
static struct buf *lookup_locked(struct list_head *bucket, struct blockdev *dev, uint32_t blockno)
{
    ASSERT_HELD(&bcache_lock);
    struct list_head *e;
    list_for_each (e, bucket) {
        struct buf *b = list_entry(e, struct buf, hash_link);
        if (b->dev == dev && b->blockno == blockno) {
            if (b->refcnt++ == 0)
                list_remove(&b->lru_link);
            return b;
        }
    }
    return NULL;
}

struct buf *bcache_get_cached(struct blockdev *dev, uint32_t blockno)
{
    spin_lock(&bcache_lock);
    struct buf *b = lookup_locked(&hash[hash_of(dev, blockno)], dev, blockno);
    spin_unlock(&bcache_lock);
    if (b)
        sleeplock_acquire(&b->lock);
    return b;
}

/* Find or recycle the buffer for (dev, blockno); returns it locked. */
static struct buf *bget(struct blockdev *dev, uint32_t blockno)
{
    struct list_head *bucket = &hash[hash_of(dev, blockno)];
    spin_lock(&bcache_lock);
    for (;;) {
        struct buf *b = lookup_locked(bucket, dev, blockno);
        if (b) {
            hits++;
            spin_unlock(&bcache_lock);
            sleeplock_acquire(&b->lock);
            return b;
        }
        struct list_head *victim = list_pop_front(&lru);
        if (victim) {
            struct buf *b = list_entry(victim, struct buf, lru_link);
            list_remove(&b->hash_link);
            b->dev = dev;
            b->blockno = blockno;
            b->refcnt = 1;
            b->valid = false;    /* refcnt was 0: nobody holds its sleep lock */
            b->log_owner = NULL; /* refcnt was 0: no transaction holds it */
            list_push_front(bucket, &b->hash_link);
            misses++;
            spin_unlock(&bcache_lock);
            sleeplock_acquire(&b->lock);
            return b;
        }
        free_waiters++;
        waitq_sleep(&free_wq, &bcache_lock); /* every buffer is in use */
        free_waiters--;
    }
}

struct buf *bcache_read(struct blockdev *dev, uint32_t blockno)
{
    struct buf *b = bget(dev, blockno);
    if (!b->valid) {
        if (blockdev_read(dev, (uint64_t)blockno * SECTORS_PER_BLOCK, b->data, QFS_BLOCK_SIZE)) {
            bcache_release(b);
            return NULL;
        }
        b->valid = true;
    }
    return b;
}

struct buf *bcache_get_nofill(struct blockdev *dev, uint32_t blockno)
{
    struct buf *b = bget(dev, blockno);
    b->valid = true;
    return b;
}

int bcache_write(struct buf *b)
{
    if (!sleeplock_is_held(&b->lock))
        panic("bcache_write: buffer not locked");
    return blockdev_write(b->dev, (uint64_t)b->blockno * SECTORS_PER_BLOCK, b->data,
                          QFS_BLOCK_SIZE);
}

static void drop_ref(struct buf *b)
{
    spin_lock(&bcache_lock);
    if (b->refcnt <= 0)
        panic("bcache_release: buffer %u has no references", b->blockno);
    if (--b->refcnt == 0) {
        list_push_back(&lru, &b->lru_link);
        if (free_waiters)
            waitq_wake_one(&free_wq);
    }
    spin_unlock(&bcache_lock);
}

void bcache_release(struct buf *b)
{
    sleeplock_release(&b->lock);
    drop_ref(b);
}

void bcache_pin(struct buf *b)
{
    spin_lock(&bcache_lock);
    b->refcnt++;
    spin_unlock(&bcache_lock);
}

void bcache_unpin(struct buf *b)
{
    drop_ref(b);
}

void bcache_stats(size_t *n, size_t *h, size_t *m)
{
    spin_lock(&bcache_lock);
    *n = nbuf, *h = hits, *m = misses;
    spin_unlock(&bcache_lock);
}

size_t bcache_nbufs(void)
{
    return nbuf;
}

void bcache_forget(struct blockdev *dev, uint32_t first, uint32_t count)
{
    spin_lock(&bcache_lock);
    for (int i = 0; i < NHASH; i++) {
        struct list_head *e, *next;
        for (e = hash[i].next; e != &hash[i]; e = next) {
            next = e->next;
            struct buf *b = list_entry(e, struct buf, hash_link);
            if (b->dev == dev && b->blockno - first < count && b->refcnt == 0) {
                list_remove(&b->hash_link); /* unreferenced: nobody holds its lock */
                list_init(&b->hash_link);
                b->dev = NULL;
            }
        }
    }
    spin_unlock(&bcache_lock);
}
