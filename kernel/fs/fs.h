/*
 * QFS in memory: mounted file systems and the inode layer.
 *
 * Lock order (outermost first; sync/lockorder.h has the whole table):
 *   fs operation (fs_op_begin) -> inode sleep locks (parent before child; for
 *   rename, the two parents in address order) -> buffer sleep locks ->
 *   fs->alloc_lock -> log lock -> dirindex pins -> icache_lock ->
 *   (wait-queue lock -> run-queue lock).  A user copy under any of the sleep
 *   locks may fault and take the process's own mm lock (mm/uvm.h).
 *
 * Inode lifecycle (the rules every caller follows):
 *   - inode_get() finds or creates the in-memory inode and takes a reference;
 *     it does not read the disk and does not lock.
 *   - inode_lock() takes the inode's sleep lock and reads the on-disk inode the
 *     first time; the d field is only valid while the lock is held.
 *   - inode_put() drops a reference.  When the last reference goes and the link
 *     count is zero, the inode's blocks and the inode itself are freed, so
 *     inode_put() may write: call it inside a log operation.  The free is in
 *     that operation, or (a big file) in steps in the operations that follow;
 *     whether to free is decided when the count would reach zero, so no
 *     interleaving of puts, lookups and unlinks leaves an inode in use on
 *     the disk with no links and no reference (an orphan).
 *   - A file unlinked while open keeps its blocks until its last reference
 *     (an open file holds one) is dropped.
 *   - The in-memory inode is freed when its reference count reaches zero.
 */
#ifndef FS_FS_H
#define FS_FS_H

#include "types.h"
#include "fs/format.h"
#include "fs/log.h"
#include "lib/list.h"
#include "lib/printf.h"
#include "sync/sleeplock.h"
#include "sync/spinlock.h"

struct blockdev;
struct kstat;
struct dir_index;

struct fs {
    struct blockdev *dev;
    struct qfs_super sb;
    struct log log;
    struct spinlock alloc_lock; /* guards the allocation hints and `broken` */
    uint32_t block_hint;        /* (alloc_lock) where to start looking for a free block */
    uint32_t inode_hint;        /* (alloc_lock) */
    bool broken;                /* (alloc_lock) damage was found: read-only from then on */
    struct list_head deferred;  /* (alloc_lock) unlinked inodes fs_op_end goes on freeing */
    bool ready; /* (i once mounted) orphans are freed: an inode read with no links is damage */
};

#define INODE_MAP_WINDOW 16

struct inode {
    struct fs *fs;
    uint32_t inum;
    int ref;                        /* (icache_lock) */
    struct list_head link;          /* (icache_lock) in the icache hash */
    struct list_head deferred_link; /* (fs->alloc_lock) on fs->deferred */
    struct sleeplock lock;          /* guards everything below */
    bool valid;                     /* d has been read from disk */
    struct qfs_inode d;             /* copy of the on-disk inode */
    struct dir_index *dindex;       /* a directory's name index, or NULL (dirindex.c) */
    uint64_t dir_free_hint;         /* a directory: no free entry below this offset */
    /* The transaction of its last change (set under the lock by inode_update;
     * fsync reads it without: it only grows).  A newly cached inode gets the
     * running transaction's id: no older change of it can be in a later one. */
    uint64_t log_tid;
    /* (lock) A window on the last pointer block bmap read: file blocks
     * [map_first, map_first + map_n) live at map[], so a sequential read or
     * write does not read the pointer block again for each block.  Cleared
     * whenever a pointer changes (allocation, truncation). */
    uint64_t map_first;
    uint32_t map_n;
    uint32_t map[INODE_MAP_WINDOW];
    /* Its pages in the page cache (mm/pcache.h): (pcache lock); they come in
     * only under ip->lock, so a holder of that lock may test pc_n alone. */
    struct list_head pc_pages;
    size_t pc_n;
};

extern struct fs *root_fs;

/* Panics unless the calling thread holds ip's sleep lock: the first line of a
 * function named *_locked that works on a locked inode. */
#define ASSERT_INODE_LOCKED(ip)                                                                    \
    do {                                                                                           \
        if (!sleeplock_is_held(&(ip)->lock))                                                       \
            panic("%s: inode %u not locked", __func__, (ip)->inum);                                \
    } while (0)

/* Mount the QFS on dev (recovering its journal); 0 or -errno. */
int fs_mount(struct blockdev *dev, struct fs **out);
/* Commit and empty the journal, stop its thread and free fs (no inode of it
 * may be left); 0 or the journal's -EIO. */
int fs_unmount(struct fs *fs);
/* One journal operation on fs: its changes reach the disk atomically (may sleep).
 * fs_op_begin always begins the operation, and returns -EIO when the file
 * system is broken; an operation may stop there, and if it goes on, every
 * change it tries fails with -EIO (block_alloc, bitmap_alloc_inum and
 * inode_write refuse on a broken file system).  fs_op_end returns err, or
 * the commit's error. */
int fs_op_begin(struct fs *fs);
int fs_op_end(struct fs *fs, int err);
/* Drop a reference to ip once the caller's operation has ended, with no lock
 * held: fs_op_end does the inode_put, in an operation of its own.  inode_put
 * uses it for an unlinked file with more blocks than one operation may free
 * (each later put frees one more step), dirindex.c for the directories it lets go. */
void fs_defer_put(struct fs *fs, struct inode *ip);

/* ---- checks of what the disk says (check.c) ---- */
bool fs_super_ok(const struct qfs_super *sb, uint64_t disk_blocks);
int fs_check_mount(struct fs *fs); /* bitmaps and root; 0 or -EINVAL/-EIO */
/* Mark fs broken (read-only) and say why: `what` and a number. */
void fs_corrupt(struct fs *fs, const char *what, uint32_t num);
bool fs_is_broken(struct fs *fs);
bool fs_data_block_ok(const struct fs *fs, uint32_t blockno);
/* Each returns 0, or calls fs_corrupt and returns -EIO. */
int fs_check_inode(struct fs *fs, uint32_t inum, const struct qfs_inode *d);
int fs_check_dirent(struct fs *fs, const struct qfs_dirent *de);
int fs_check_pointer(struct fs *fs, uint32_t blockno); /* 0 (a hole) or a data block */

/* ---- inodes (inode.c) ---- */
void inode_cache_init(void);
struct inode *inode_get(struct fs *fs, uint32_t inum); /* NULL when out of memory */
struct inode *inode_dup(struct inode *ip);
int inode_lock(struct inode *ip); /* 0 or -EIO; may sleep */
void inode_unlock(struct inode *ip);
/* The type inode inum has in the inode table (0 if free or out of range), read
 * without an inode reference: the table block holds every update. */
uint16_t inode_type_of(struct fs *fs, uint32_t inum);
void inode_put(struct inode *ip);    /* inside an operation */
void inode_put_op(struct inode *ip); /* inode_put in an operation of its own */
void inode_unlock_put(struct inode *ip);
/* Allocate an inode of type; returns it referenced and locked, or -ENOSPC/-ENOMEM/-EIO. */
int inode_alloc_and_lock(struct fs *fs, uint16_t type, uint16_t mode, struct inode **out);
int inode_update(struct inode *ip); /* write ip->d through the log; holds lock, in op */
/* Shrink or grow (with a hole) to size, freeing the blocks past it, in as many
 * operations as it takes (each frees a bounded number of blocks).  A regular
 * file; the caller holds no inode lock and is in no operation. */
int inode_truncate(struct inode *ip, uint64_t size);
/* One bounded step of that, in the caller's operation: *done once the size is reached. */
int inode_truncate_step_locked(struct inode *ip, uint64_t size, bool *done);
void inode_stat(struct inode *ip, struct kstat *st); /* holds lock */
int64_t fs_now(void);                                /* nanoseconds since 1970 */

/* Read/write file data.  dst/src is a kernel address unless `user` is set.
 * Return the byte count (short at EOF or when the disk fills) or -errno. */
ssize_t inode_read(struct inode *ip, bool user, uintptr_t dst, uint64_t off, size_t n);
ssize_t inode_write(struct inode *ip, bool user, uintptr_t src, uint64_t off, size_t n);
/* File block bn of ip (locked): its buffer, locked, in *b, or NULL for a hole; 0 or -EIO. */
struct buf;
int inode_block_read_locked(struct inode *ip, uint64_t bn, struct buf **b);
/* Bytes inode_write may write in one operation without overflowing the log. */
#define FS_MAX_WRITE_PER_OP ((size_t)(LOG_OP_MAX - 8) / 2 * QFS_BLOCK_SIZE)

/* ---- block and inode bitmaps (alloc.c) ---- */
int block_alloc(struct fs *fs, uint32_t *blockno); /* zeroed block; in op; -ENOSPC */
void block_free(struct fs *fs, uint32_t blockno);
int bitmap_alloc_inum(struct fs *fs, uint32_t *inum);
void bitmap_free_inum(struct fs *fs, uint32_t inum);
/* Free blocks and inodes right now (statfs-style). */
void fs_counts(struct fs *fs, uint64_t *free_blocks, uint64_t *free_inodes);

/* ---- directories (dir.c) ---- */
/* Look name up in dp (locked); returns a referenced, unlocked inode or NULL. */
struct inode *dir_lookup(struct inode *dp, const char *name, uint64_t *off);
int dir_link(struct inode *dp, const char *name, uint32_t inum); /* dp locked, in op */
int dir_unlink(struct inode *dp, uint64_t off);                  /* dp locked, in op */
int dir_set_entry(struct inode *dp, uint64_t off, uint32_t inum);
/* The entry at off (a multiple of QFS_DIRENT_SIZE), checked; 0 or -EIO. */
int dir_read_entry(struct inode *dp, uint64_t off, struct qfs_dirent *de);
bool dir_is_empty(struct inode *dp);  /* only "." and ".." */
int dir_name_check(const char *name); /* -ENAMETOOLONG / -EINVAL / -ENOENT ("") */

/* ---- the directory index (dirindex.c); dp locked for each ---- */
/* Is there an index for dp (building one for a large directory)? */
bool dir_index_ready_locked(struct inode *dp);
/* With an index: 1 and the entry and its offset if name is in dp, 0 if not, or -EIO. */
int dir_index_find_locked(struct inode *dp, const char *name, struct qfs_dirent *de, uint64_t *off);
void dir_index_add_locked(struct inode *dp, const char *name, uint64_t off);
void dir_index_remove_locked(struct inode *dp, const char *name, uint64_t off);
/* Forget the index and the free-entry hint (the inode is going, or was freed). */
void dir_index_drop(struct inode *ip);
/* dp (locked) is being removed: let go of the reference that keeps its index. */
void dir_index_unpin_locked(struct inode *dp);
/* Let go of every directory of fs kept for its index (before fs itself goes). */
void dir_index_unpin_fs(struct fs *fs);

/* ---- paths (path.c) ---- */
#define PATH_MAX 1024
#define SYMLINK_MAX_DEPTH 8
/* Does path end in '/' (so it can only name a directory)? */
bool path_names_dir(const char *path);
/* The file system path resolves on: the root's when it is absolute or cwd is NULL. */
struct fs *path_fs(struct inode *cwd, const char *path);
/* Resolve path relative to cwd (NULL: root); follow a final symlink if `follow`. */
int path_lookup(struct inode *cwd, const char *path, bool follow, struct inode **out);
/* Resolve all but the last component; the last is copied to name. */
int path_parent(struct inode *cwd, const char *path, struct inode **parent,
                char name[QFS_NAME_MAX + 1]);

#endif
