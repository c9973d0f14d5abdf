/*
 * The open-file layer over inodes and devices.  Writes larger than one
 * journal operation can hold are split into several operations; each is
 * atomic, so a crash can cut a big write short but never tear a block.
 */
#include "fs/file.h"
#include "fs/fs.h"
#include "fs/fsops.h"
#include "fs/pipe.h"
#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/stat.h"
#include "lib/string.h"
#include "mm/pcache.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "proc/signal.h"

struct devsw devsw[NDEV];
static struct kmem_cache *file_cache;

static struct file *file_alloc(void);

void file_init(void)
{
    file_cache = kmem_cache_create("file", sizeof(struct file), 16);
}

struct file *file_alloc_raw(void)
{
    return file_alloc();
}

void file_free_raw(struct file *f)
{
    kmem_cache_free(file_cache, f);
}

static struct file *file_alloc(void)
{
    struct file *f = file_cache ? kmem_cache_alloc(file_cache) : NULL;
    if (!f)
        return NULL;
    memset(f, 0, sizeof(*f));
    f->ref = 1;
    sleeplock_init(&f->off_lock, "file offset");
    return f;
}

/* Find or create the inode for open(); returns it referenced and locked. */
static int open_and_lock_inode(struct inode *cwd, const char *path, int flags, unsigned mode,
                               struct inode **out)
{
    int err;
    if (flags & O_CREAT) {
        err = fs_create_and_lock(cwd, path, QFS_T_FILE, mode & 07777, 0, 0, !(flags & O_EXCL),
                                 !(flags & O_NOFOLLOW), out);
        return err;
    }
    if ((err = path_lookup(cwd, path, !(flags & O_NOFOLLOW), out)) != 0)
        return err;
    if ((err = inode_lock(*out)) != 0) {
        inode_put(*out);
        return err;
    }
    return 0;
}

/* Check the inode against the flags.  ip locked, in op. */
static int open_check(struct inode *ip, int flags)
{
    int acc = flags & O_ACCMODE;
    if (ip->d.type == QFS_T_SYMLINK)
        return -ELOOP; /* only reached with O_NOFOLLOW */
    if ((flags & O_DIRECTORY) && ip->d.type != QFS_T_DIR)
        return -ENOTDIR;
    if (ip->d.type == QFS_T_DIR && acc != O_RDONLY)
        return -EISDIR;
    if (acc == O_ACCMODE)
        return -EINVAL;
    return 0;
}

int file_open(struct inode *cwd, const char *path, int flags, unsigned mode, struct file **out)
{
    struct inode *ip;
    struct file *f = file_alloc();
    if (!f)
        return -ENOMEM;
    struct fs *fs = path_fs(cwd, path);
    fs_op_begin(fs);
    int err = open_and_lock_inode(cwd, path, flags, mode, &ip);
    if (err)
        goto out_free;
    if ((err = open_check(ip, flags)) != 0) {
        inode_unlock_put(ip);
        goto out_free;
    }
    f->type = ip->d.type == QFS_T_DEV ? FILE_DEVICE : FILE_INODE;
    f->major = ip->d.major;
    f->ip = ip;
    f->flags = flags;
    f->readable = (flags & O_ACCMODE) != O_WRONLY;
    f->writable = (flags & O_ACCMODE) != O_RDONLY;
    bool trunc = (flags & O_TRUNC) && f->writable && ip->d.type == QFS_T_FILE && ip->d.size;
    inode_unlock(ip);
    err = fs_op_end(fs, 0);
    if (!err && trunc)
        err = inode_truncate(ip, 0); /* a big file takes several operations */
    if (err) {
        file_close(f);
        return err;
    }
    *out = f;
    return 0;
out_free:
    fs_op_end(fs, 0);
    kmem_cache_free(file_cache, f);
    return err;
}

struct file *file_dup(struct file *f)
{
    __atomic_fetch_add(&f->ref, 1, __ATOMIC_RELAXED);
    return f;
}

void file_close(struct file *f)
{
    if (__atomic_sub_fetch(&f->ref, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    if (f->type == FILE_PIPE)
        pipe_close(f->pipe, f->writable);
    if (f->ip)
        inode_put_op(f->ip); /* dropping the last reference may free an unlinked file */
    kmem_cache_free(file_cache, f);
}

static struct devsw *dev_of(struct file *f)
{
    if (f->major >= NDEV || !devsw[f->major].read)
        return NULL;
    return &devsw[f->major];
}

ssize_t file_pread(struct file *f, bool user, uintptr_t dst, size_t n, uint64_t off)
{
    if (!f->readable)
        return -EBADF;
    if (f->type == FILE_PIPE)
        return pipe_read(f->pipe, user, dst, n);
    if (f->type == FILE_DEVICE) {
        struct devsw *d = dev_of(f);
        return d ? d->read(user, dst, n) : -ENXIO;
    }
    int err = inode_lock(f->ip);
    if (err)
        return err;
    ssize_t r = f->ip->d.type == QFS_T_DIR ? -EISDIR : inode_read(f->ip, user, dst, off, n);
    inode_unlock(f->ip);
    return r;
}

static ssize_t sync_if_asked(struct file *f, ssize_t r);

/* Write through the journal in chunks; returns bytes written or -errno.  A
 * caller being killed stops between chunks (each chunk is one operation). */
static ssize_t write_chunks(struct file *f, bool user, uintptr_t src, size_t n, uint64_t *off,
                            bool append)
{
    size_t done = 0;
    while (done < n) {
        if (sig_fatal_pending())
            return done ? (ssize_t)done : -EINTR;
        size_t m = MIN(n - done, FS_MAX_WRITE_PER_OP);
        ssize_t r = fs_op_begin(f->ip->fs);
        if (r == 0)
            r = inode_lock(f->ip);
        if (r == 0) {
            if (append)
                *off = f->ip->d.size;
            r = inode_write(f->ip, user, src + done, *off, m);
            inode_unlock(f->ip);
        }
        int err = fs_op_end(f->ip->fs, 0);
        if (r > 0)
            *off += r, done += r;
        if (r < 0 || err)
            return done ? (ssize_t)done : (r < 0 ? r : err);
        if ((size_t)r < m)
            break; /* disk full */
    }
    return (ssize_t)done;
}

ssize_t file_pwrite(struct file *f, bool user, uintptr_t src, size_t n, uint64_t off)
{
    if (!f->writable)
        return -EBADF;
    if (f->type == FILE_PIPE)
        return pipe_write(f->pipe, user, src, n);
    if (f->type == FILE_DEVICE) {
        struct devsw *d = dev_of(f);
        return d ? d->write(user, src, n) : -ENXIO;
    }
    ssize_t r = write_chunks(f, user, src, n, &off, false);
    return r == 0 && n ? -ENOSPC : sync_if_asked(f, r);
}

ssize_t file_read(struct file *f, bool user, uintptr_t dst, size_t n)
{
    if (f->type != FILE_INODE)
        return file_pread(f, user, dst, n, 0);
    sleeplock_acquire(&f->off_lock);
    ssize_t r = file_pread(f, user, dst, n, f->off);
    if (r > 0 && f->type == FILE_INODE)
        f->off += r;
    sleeplock_release(&f->off_lock);
    return r;
}

ssize_t file_write(struct file *f, bool user, uintptr_t src, size_t n)
{
    if (!f->writable)
        return -EBADF;
    if (f->type != FILE_INODE)
        return file_pwrite(f, user, src, n, 0);
    sleeplock_acquire(&f->off_lock);
    ssize_t r = write_chunks(f, user, src, n, &f->off, (f->flags & O_APPEND) != 0);
    sleeplock_release(&f->off_lock);
    return r == 0 && n ? -ENOSPC : sync_if_asked(f, r);
}

int64_t file_lseek(struct file *f, int64_t off, int whence)
{
    if (f->type != FILE_INODE)
        return -ESPIPE;
    sleeplock_acquire(&f->off_lock);
    int64_t base = 0;
    bool is_dir = false;
    if (inode_lock(f->ip) == 0) {
        is_dir = f->ip->d.type == QFS_T_DIR;
        if (whence == SEEK_END)
            base = (int64_t)f->ip->d.size;
        inode_unlock(f->ip);
    }
    if (whence == SEEK_CUR)
        base = (int64_t)f->off;
    else if (whence != SEEK_SET && whence != SEEK_END)
        base = -1;
    int64_t pos = base < 0 ? -EINVAL : base + off;
    if (pos < 0 || (is_dir && pos % QFS_DIRENT_SIZE))
        pos = -EINVAL; /* a directory's offsets are entry boundaries */
    else
        f->off = (uint64_t)pos;
    sleeplock_release(&f->off_lock);
    return pos;
}

int file_stat(struct file *f, struct kstat *st)
{
    if (!f->ip) { /* a pipe */
        memset(st, 0, sizeof(*st));
        st->st_mode = 0010000 | 0600; /* S_IFIFO */
        return 0;
    }
    int err = inode_lock(f->ip);
    if (err)
        return err;
    inode_stat(f->ip, st);
    inode_unlock(f->ip);
    return 0;
}

int file_truncate(struct file *f, uint64_t size)
{
    if (!f->writable || f->type != FILE_INODE)
        return -EINVAL;
    return inode_truncate(f->ip, size);
}

/* Wait until the last transaction that changed f's inode is durable. */
static int commit_inode(struct file *f)
{
    return log_commit_through(&f->ip->fs->log, READ_ONCE(f->ip->log_tid));
}

/* All of the file's data: what write() put in the journal, and the stores
 * of every process's shared mappings (mm/pcache.h), written back first. */
int file_fsync(struct file *f)
{
    if (!f->ip)
        return 0;
    int err = f->type == FILE_INODE ? pcache_writeback(f->ip) : 0;
    int e = commit_inode(f);
    return err ? err : e;
}

/* O_SYNC: a write returns once its transaction is committed (that write's
 * data; the mappings' stores wait for fsync or msync). */
static ssize_t sync_if_asked(struct file *f, ssize_t r)
{
    if (r <= 0 || !(f->flags & O_SYNC))
        return r;
    int err = commit_inode(f);
    return err ? err : r;
}

/*
 * Fill kbuf (n bytes) with records from the directory at f's offset, which
 * is always an entry boundary (lseek refuses others).  Each record is zeroed
 * first, so its padding discloses nothing.  The entry's type comes from the
 * inode table without taking an inode reference: reading a directory never
 * frees anything.
 */
static ssize_t getdents_locked(struct file *f, char *kbuf, size_t n)
{
    ASSERT_INODE_LOCKED(f->ip);
    static const uint8_t dt[] = {DT_UNKNOWN, DT_REG, DT_DIR, DT_LNK, DT_CHR};
    struct qfs_dirent de;
    ssize_t done = 0;
    if (f->off % QFS_DIRENT_SIZE)
        return -EINVAL;
    while (f->off + sizeof(de) <= f->ip->d.size) {
        int err = dir_read_entry(f->ip, f->off, &de);
        if (err)
            return done ? done : err;
        if (de.inum) {
            size_t len = strlen(de.name);
            size_t rec = ALIGN_UP(sizeof(struct kdirent) + len + 1, 8);
            if ((size_t)done + rec > n)
                return done ? done : -EINVAL; /* no room for even one entry */
            struct kdirent *k = (struct kdirent *)(kbuf + done);
            memset(k, 0, rec);
            k->d_ino = de.inum;
            k->d_reclen = (unsigned short)rec;
            uint16_t type = de.inum == f->ip->inum ? QFS_T_DIR : inode_type_of(f->ip->fs, de.inum);
            k->d_type = type < sizeof(dt) ? dt[type] : DT_UNKNOWN;
            memcpy(k->d_name, de.name, len + 1);
            done += rec;
        }
        f->off += sizeof(de);
    }
    return done;
}

ssize_t file_getdents(struct file *f, bool user, uintptr_t buf, size_t n)
{
    if (f->type != FILE_INODE)
        return -ENOTDIR;
    n = MIN(n, (size_t)8192);
    char *kbuf = user ? kmalloc(n ? n : 1) : (char *)buf;
    if (!kbuf)
        return -ENOMEM;
    sleeplock_acquire(&f->off_lock);
    uint64_t start = f->off;
    ssize_t done = inode_lock(f->ip);
    if (done == 0) {
        done = f->ip->d.type == QFS_T_DIR ? getdents_locked(f, kbuf, n) : -ENOTDIR;
        inode_unlock(f->ip);
    }
    if (done > 0 && user && copy_to_user(buf, kbuf, done)) {
        f->off = start; /* nothing was delivered */
        done = -EFAULT;
    }
    sleeplock_release(&f->off_lock);
    if (user)
        kfree(kbuf);
    return done;
}
