/* Range checks and SUM around the fixup-protected copy loops (arch/riscv/usercopy.S). */
#include "mm/usercopy.h"
#include "mm/uvm.h"
#include "abi/errno.h"
#include "arch/riscv/riscv.h"

long __user_copy(void *dst, const void *src, size_t n);
long __user_strncpy(char *dst, const char *src, size_t max);
long __user_zero(void *dst, size_t n);

bool user_range_ok(uintptr_t addr, size_t n)
{
    return addr + n >= addr && addr + n <= USER_TOP && addr >= PAGE_SIZE;
}

int copy_from_user(void *dst, uintptr_t usrc, size_t n)
{
    if (!user_range_ok(usrc, n))
        return -EFAULT;
    csr_set(sstatus, SSTATUS_SUM);
    long r = __user_copy(dst, (const void *)usrc, n);
    csr_clear(sstatus, SSTATUS_SUM);
    return (int)r;
}

int copy_to_user(uintptr_t udst, const void *src, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    csr_set(sstatus, SSTATUS_SUM);
    long r = __user_copy((void *)udst, src, n);
    csr_clear(sstatus, SSTATUS_SUM);
    return (int)r;
}

int clear_user(uintptr_t udst, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    csr_set(sstatus, SSTATUS_SUM);
    long r = __user_zero((void *)udst, n);
    csr_clear(sstatus, SSTATUS_SUM);
    return (int)r;
}

long strncpy_from_user(char *dst, uintptr_t usrc, size_t max)
{
    if (usrc < PAGE_SIZE || usrc >= USER_TOP)
        return -EFAULT;
    size_t room = MIN(max, USER_TOP - usrc); /* never read past user space */
    csr_set(sstatus, SSTATUS_SUM);
    long r = __user_strncpy(dst, (const char *)usrc, room);
    csr_clear(sstatus, SSTATUS_SUM);
    if (r < 0)
        return r;
    if ((size_t)r == room)
        return room < max ? -EFAULT : -ENAMETOOLONG;
    return r;
}
