/*
 * Open files: what a file descriptor points at.  An open-file object holds
 * the offset and the open flags; dup() and fork() share the object (and so
 * the offset), a second open() makes a new one.
 *
 * Locks: `ref` is atomic; `off_lock` (a sleep lock) serializes reads and
 * writes through one object so each sees and advances the offset whole.
 * Lock order: off_lock -> log op -> inode lock.
 */
#ifndef FS_FILE_H
#define FS_FILE_H

#include "types.h"
#include "sync/sleeplock.h"

struct inode;
struct kstat;

enum file_type { FILE_INODE, FILE_DEVICE, FILE_PIPE };
struct pipe;

struct file {
    enum file_type type;
    int ref;   /* atomic */
    int flags; /* O_* given to open (access mode, O_APPEND, ...) */
    bool readable, writable;
    struct sleeplock off_lock;
    uint64_t off; /* (off_lock) */
    struct inode *ip;
    uint16_t major;    /* FILE_DEVICE */
    struct pipe *pipe; /* FILE_PIPE */
};

/* A character device: major number -> read/write (e.g. 1: the console). */
struct devsw {
    ssize_t (*read)(bool user, uintptr_t dst, size_t n);
    ssize_t (*write)(bool user, uintptr_t src, size_t n);
};
#define DEV_CONSOLE 1
#define NDEV 8
extern struct devsw devsw[NDEV];

void file_init(void);
/* An empty open-file object (for pipes), and its release if never used. */
struct file *file_alloc_raw(void);
void file_free_raw(struct file *f);
/* open(path, flags, mode) relative to cwd (NULL: root). */
int file_open(struct inode *cwd, const char *path, int flags, unsigned mode, struct file **out);
struct file *file_dup(struct file *f);
void file_close(struct file *f);
ssize_t file_read(struct file *f, bool user, uintptr_t dst, size_t n);
ssize_t file_write(struct file *f, bool user, uintptr_t src, size_t n);
ssize_t file_pread(struct file *f, bool user, uintptr_t dst, size_t n, uint64_t off);
ssize_t file_pwrite(struct file *f, bool user, uintptr_t src, size_t n, uint64_t off);
int64_t file_lseek(struct file *f, int64_t off, int whence);
int file_stat(struct file *f, struct kstat *st);
int file_truncate(struct file *f, uint64_t size);
int file_fsync(struct file *f);
/* Fill buf with struct kdirent records; returns bytes, 0 at the end. */
ssize_t file_getdents(struct file *f, bool user, uintptr_t buf, size_t n);

#endif
