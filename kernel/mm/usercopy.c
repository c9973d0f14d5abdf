/*
 * Range checks and user access opened around the fixup-protected copy loops
 * (arch/riscv/uaccess.h, usercopy.S).
 */
#include "mm/usercopy.h"
#include "mm/uvm.h"
#include "abi/errno.h"
#include "arch/riscv/uaccess.h"

bool user_range_ok(uintptr_t addr, size_t n)
{
    return addr + n >= addr && addr + n <= USER_TOP && addr >= PAGE_SIZE;
}

int copy_from_user(void *dst, uintptr_t usrc, size_t n)
{
    if (!user_range_ok(usrc, n))
        return -EFAULT;
    user_access_begin();
    long r = arch_user_copy(dst, (const void *)usrc, n);
    user_access_end();
    return (int)r;
}

int copy_to_user(uintptr_t udst, const void *src, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    user_access_begin();
    long r = arch_user_copy((void *)udst, src, n);
    user_access_end();
    return (int)r;
}

int clear_user(uintptr_t udst, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    user_access_begin();
    long r = arch_user_zero((void *)udst, n);
    user_access_end();
    return (int)r;
}

long strncpy_from_user(char *dst, uintptr_t usrc, size_t max)
{
    if (usrc < PAGE_SIZE || usrc >= USER_TOP)
        return -EFAULT;
    size_t room = MIN(max, USER_TOP - usrc); /* never read past user space */
    user_access_begin();
    long r = arch_user_strncpy(dst, (const char *)usrc, room);
    user_access_end();
    if (r < 0)
        return r;
    if ((size_t)r == room)
        return room < max ? -EFAULT : -ENAMETOOLONG;
    return r;
}
