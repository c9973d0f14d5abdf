/* Memory system calls beyond brk: mappings and the per-process counters. */
#include "syscall/syscall.h"
#include "abi/errno.h"
#include "abi/mman.h"
#include "abi/vminfo.h"
#include "fs/file.h"
#include "mm/usercopy.h"
#include "mm/uvm.h"
#include "proc/proc.h"

long sys_mmap(const struct sysargs *args)
{
    struct proc *p = proc_current();
    int flags = arg_int(args, 3);
    struct file *f = NULL;
    if (!(flags & MAP_ANONYMOUS) && !(f = fd_get(p, arg_int(args, 4))))
        return -EBADF;
    return mm_mmap(p->mm, arg_ptr(args, 0), arg_long(args, 1), arg_int(args, 2), flags, f,
                   (uint64_t)arg_long(args, 5));
}

long sys_munmap(const struct sysargs *args)
{
    return mm_munmap(proc_current()->mm, arg_ptr(args, 0), arg_long(args, 1));
}

long sys_mprotect(const struct sysargs *args)
{
    return mm_mprotect(proc_current()->mm, arg_ptr(args, 0), arg_long(args, 1), arg_int(args, 2));
}

long sys_msync(const struct sysargs *args)
{
    return mm_msync(proc_current()->mm, arg_ptr(args, 0), arg_long(args, 1), arg_int(args, 2));
}

long sys_vminfo(const struct sysargs *args)
{
    struct vminfo info;
    int err = proc_vminfo(arg_int(args, 0), &info);
    if (err)
        return err;
    return copy_to_user(arg_ptr(args, 1), &info, sizeof(info));
}
