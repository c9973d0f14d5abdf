/* ioctl: terminal control on the console; -ENOTTY for every other file. */
#include "syscall/syscall.h"
#include "abi/errno.h"
#include "dev/console.h"
#include "fs/file.h"
#include "proc/proc.h"

long sys_ioctl(const struct sysargs *args)
{
    struct file *f = fd_get(proc_current(), arg_int(args, 0));
    if (!f)
        return -EBADF;
    if (f->type != FILE_DEVICE || f->major != DEV_CONSOLE)
        return -ENOTTY;
    return console_ioctl(arg_ptr(args, 1), arg_ptr(args, 2));
}
