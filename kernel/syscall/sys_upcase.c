/*
 * upcase(in, out, size): an example system call (docs/labs/syscall.md).
 * LAB syscall FILE: the reference solution; the lab's starting tree lacks this file.
 */
#include "syscall/syscall.h"
#include "abi/errno.h"
#include "mm/usercopy.h"

long sys_upcase(const struct sysargs *args)
{
    char buf[128];
    uintptr_t in = arg_ptr(args, 0), out = arg_ptr(args, 1);
    unsigned long size = arg_long(args, 2);

    /* Copy the string in.  Never touch user memory directly: the pointer
     * may be bad, point into the kernel, or run off the end of the mapped
     * memory.  strncpy_from_user checks all that and returns -EFAULT. */
    long len = strncpy_from_user(buf, in, sizeof(buf));
    if (len < 0)
        return len; /* -EFAULT or -ENAMETOOLONG */
    if ((unsigned long)len + 1 > size)
        return -ERANGE;

    for (long i = 0; i < len; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] -= 'a' - 'A';

    /* Copy the result out, the terminating NUL included. */
    int err = copy_to_user(out, buf, len + 1);
    return err ? err : len;
}
