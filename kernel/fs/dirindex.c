/*
 * The directory index: an in-memory hash table over the names of a large
 * directory, so that looking a name up (and so creating one, which first
 * checks that the name is new) costs about the same in a directory of
 * thousands of entries as in a small one.
 *
 * The table maps a name's hash to entry numbers (offset / QFS_DIRENT_SIZE);
 * a lookup reads the entries its probe sequence names and compares the
 * names, so a hash collision costs a comparison, never a wrong answer.  It
 * is built from the directory the first time a directory of at least
 * DIRX_MIN_BYTES is searched, kept up to date by dir.c's link and unlink,
 * rebuilt larger when it fills, and dropped when the in-memory inode goes
 * or the directory is freed.  Nothing of it is on the disk.  Without
 * memory for a table, dir.c scans the directory as before.
 *
 * An in-memory inode lives only while it is referenced, so the last
 * DIRX_PINNED indexed directories are kept referenced here (`pins`, least
 * recently indexed first out); a directory let go of, or removed, has that
 * reference dropped through fs_defer_put, after the operation and with no
 * lock held.
 *
 * Locking: every function is called with the directory's inode lock held,
 * which guards ip->dindex and the table it points to; pin_lock guards pins.
 */
#include "fs/fs.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/page.h"
#include "mm/slab.h"

#define DIRX_MIN_BYTES (2 * QFS_BLOCK_SIZE)
#define DIRX_EMPTY 0u
#define DIRX_TOMB 0xffffffffu
#define DIRX_MIN_ORDER 0 /* one page: 1024 slots */

struct dir_index {
    uint32_t cap;    /* slots, a power of two */
    uint32_t used;   /* slots not empty (live entries and tombstones) */
    unsigned order;  /* the slots' pages */
    uint32_t *slots; /* entry number + 1, DIRX_EMPTY or DIRX_TOMB */
};

#define DIRX_PINNED 8
static struct spinlock pin_lock = SPINLOCK_INIT("dirindex pins");
static struct inode *pins[DIRX_PINNED]; /* (pin_lock) referenced; pins[0] the oldest */

/* Keep dp referenced while it has an index: the newest pin, dropping the oldest. */
static void pin(struct inode *dp)
{
    struct inode *out = NULL;
    spin_lock(&pin_lock);
    int i;
    for (i = 0; i < DIRX_PINNED && pins[i] != dp; i++)
        ;
    if (i == DIRX_PINNED) {
        out = pins[0];
        memmove(&pins[0], &pins[1], (DIRX_PINNED - 1) * sizeof(pins[0]));
        pins[DIRX_PINNED - 1] = inode_dup(dp);
    }
    spin_unlock(&pin_lock);
    if (out)
        fs_defer_put(out->fs, out);
}

/* Take ip out of pins if it is there; true if it was (its reference is the caller's now). */
static bool unpin(struct inode *ip)
{
    bool found = false;
    spin_lock(&pin_lock);
    for (int i = 0; i < DIRX_PINNED; i++) {
        if (pins[i] == ip) {
            memmove(&pins[1], &pins[0], i * sizeof(pins[0]));
            pins[0] = NULL;
            found = true;
            break;
        }
    }
    spin_unlock(&pin_lock);
    return found;
}

void dir_index_unpin_locked(struct inode *dp)
{
    ASSERT_INODE_LOCKED(dp);
    if (unpin(dp))
        fs_defer_put(dp->fs, dp);
}

void dir_index_unpin_fs(struct fs *fs)
{
    for (;;) {
        struct inode *ip = NULL;
        spin_lock(&pin_lock);
        for (int i = 0; i < DIRX_PINNED && !ip; i++)
            if (pins[i] && pins[i]->fs == fs)
                ip = pins[i];
        spin_unlock(&pin_lock);
        if (!ip || !unpin(ip))
            return;
        fs_defer_put(fs, ip);
    }
}

static uint32_t name_hash(const char *name)
{
    return crc32c(0, name, strlen(name));
}

static void index_put(struct dir_index *x, const char *name, uint32_t entry)
{
    for (uint32_t i = name_hash(name) & (x->cap - 1);; i = (i + 1) & (x->cap - 1)) {
        if (x->slots[i] == DIRX_EMPTY || x->slots[i] == DIRX_TOMB) {
            x->used += x->slots[i] == DIRX_EMPTY;
            x->slots[i] = entry + 1;
            return;
        }
    }
}

static void index_free(struct dir_index *x)
{
    if (x) {
        page_free(x->slots, x->order);
        kfree(x);
    }
}

/* A table for dp with room for at least `want` names, filled from the disk; NULL without memory. */
static struct dir_index *index_build_locked(struct inode *dp, uint64_t want)
{
    ASSERT_INODE_LOCKED(dp);
    struct dir_index *x = kzalloc(sizeof(*x));
    if (!x)
        return NULL;
    x->order = DIRX_MIN_ORDER;
    while (((uint64_t)PAGE_SIZE << x->order) / sizeof(uint32_t) < want * 2 && x->order < 10)
        x->order++;
    x->cap = (uint32_t)(((uint64_t)PAGE_SIZE << x->order) / sizeof(uint32_t));
    if (x->cap < want + 1 || !(x->slots = page_alloc_zeroed(x->order))) {
        kfree(x);
        return NULL;
    }
    struct qfs_dirent de;
    for (uint64_t off = 0; off < dp->d.size; off += sizeof(de)) {
        if (dir_read_entry(dp, off, &de) != 0) {
            index_free(x);
            return NULL;
        }
        if (de.inum)
            index_put(x, de.name, (uint32_t)(off / sizeof(de)));
    }
    return x;
}

bool dir_index_ready_locked(struct inode *dp)
{
    ASSERT_INODE_LOCKED(dp);
    struct dir_index *x = dp->dindex;
    if (x && (uint64_t)(x->used + 1) * 4 <= (uint64_t)x->cap * 3)
        return true;
    if (!x && dp->d.size < DIRX_MIN_BYTES)
        return false;
    /* None yet, or full of names and tombstones: build one with room to grow. */
    index_free(x);
    dp->dindex = index_build_locked(dp, dp->d.size / QFS_DIRENT_SIZE + 1);
    if (dp->dindex && !x)
        pin(dp);
    return dp->dindex != NULL;
}

int dir_index_find_locked(struct inode *dp, const char *name, struct qfs_dirent *de, uint64_t *off)
{
    ASSERT_INODE_LOCKED(dp);
    struct dir_index *x = dp->dindex;
    for (uint32_t i = name_hash(name) & (x->cap - 1), n = 0; n < x->cap;
         i = (i + 1) & (x->cap - 1), n++) {
        uint32_t s = x->slots[i];
        if (s == DIRX_EMPTY)
            return 0;
        if (s == DIRX_TOMB)
            continue;
        uint64_t o = (uint64_t)(s - 1) * QFS_DIRENT_SIZE;
        int err = dir_read_entry(dp, o, de);
        if (err)
            return err;
        if (de->inum && strcmp(de->name, name) == 0) {
            *off = o;
            return 1;
        }
    }
    return 0;
}

void dir_index_add_locked(struct inode *dp, const char *name, uint64_t off)
{
    ASSERT_INODE_LOCKED(dp);
    struct dir_index *x = dp->dindex;
    if (!x)
        return;
    if ((uint64_t)(x->used + 1) * 4 > (uint64_t)x->cap * 3) {
        /* Full: rebuild from the directory, which already holds the new entry. */
        index_free(x);
        dp->dindex = index_build_locked(dp, dp->d.size / QFS_DIRENT_SIZE + 1);
        return;
    }
    index_put(x, name, (uint32_t)(off / QFS_DIRENT_SIZE));
}

void dir_index_remove_locked(struct inode *dp, const char *name, uint64_t off)
{
    ASSERT_INODE_LOCKED(dp);
    struct dir_index *x = dp->dindex;
    if (!x)
        return;
    uint32_t want = (uint32_t)(off / QFS_DIRENT_SIZE) + 1;
    for (uint32_t i = name_hash(name) & (x->cap - 1), n = 0; n < x->cap;
         i = (i + 1) & (x->cap - 1), n++) {
        if (x->slots[i] == DIRX_EMPTY)
            return;
        if (x->slots[i] == want) {
            x->slots[i] = DIRX_TOMB;
            return;
        }
    }
}

void dir_index_drop(struct inode *ip)
{
    index_free(ip->dindex);
    ip->dindex = NULL;
    ip->dir_free_hint = 0;
}
