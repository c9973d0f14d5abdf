/*
 * File-backed regions' door into the file system: the three inode
 * operations the memory system needs, kept in one place.
 *
 * vm_file_read runs inside a page fault, with mm->lock held.  The fault may
 * come from a user copy inside read()/write() of that very file, whose
 * inode lock this thread then already holds: in that case the read goes
 * ahead under the caller's lock instead of taking it a second time.
 *
 * vm_file_write writes a shared mapping's page back: inside a file system
 * operation of its own, and only the bytes below the file's current end
 * (a mapping never grows its file).
 */
#include "mm/uvm.h"
#include "fs/fs.h"

long vm_file_read(struct inode *ip, uint64_t off, void *dst, size_t n)
{
    bool held = sleeplock_is_held(&ip->lock);
    if (!held) {
        int err = inode_lock(ip);
        if (err)
            return err;
    }
    long r = inode_read(ip, false, (uintptr_t)dst, off, n);
    if (!held)
        inode_unlock(ip);
    return r;
}

long vm_file_write(struct inode *ip, uint64_t off, const void *src, size_t n)
{
    struct fs *fs = ip->fs;
    fs_op_begin(fs);
    long r = inode_lock(ip);
    if (r == 0) {
        uint64_t size = ip->d.size;
        n = off >= size ? 0 : MIN(n, size - off);
        r = n ? inode_write(ip, false, (uintptr_t)src, off, n) : 0;
        inode_unlock(ip);
    }
    int e = fs_op_end(fs, r < 0 ? (int)r : 0);
    return e ? e : r;
}

int vm_file_sync(struct inode *ip)
{
    return log_force(&ip->fs->log);
}

struct inode *vm_file_get(struct inode *ip)
{
    return inode_dup(ip);
}

void vm_file_put(struct inode *ip)
{
    inode_put_op(ip);
}
