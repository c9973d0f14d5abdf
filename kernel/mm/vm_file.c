/*
 * File-backed regions' door into the file system: the three inode
 * operations the memory system needs, kept in one place.
 *
 * vm_file_read runs inside a page fault, with mm->lock held.  The fault may
 * come from a user copy inside read()/write() of that very file, whose
 * inode lock this thread then already holds: in that case the read goes
 * ahead under the caller's lock instead of taking it a second time.
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

struct inode *vm_file_get(struct inode *ip)
{
    return inode_dup(ip);
}

void vm_file_put(struct inode *ip)
{
    inode_put_op(ip);
}
