/*
 * Touching user memory from the kernel.  Supervisor code may load and store
 * user pages only while sstatus.SUM is set; it is clear everywhere else, so a
 * stray kernel dereference of a user pointer faults.  The copy loops
 * (usercopy.S) run between user_access_begin() and user_access_end() with
 * interrupts in whatever state the caller has; a fault inside one is fixed up
 * through the exception table and the loop returns -EFAULT.
 *
 * Callers (mm/usercopy.c) check the range first: these loops trust that the
 * whole range is in the user half.
 */
#ifndef ARCH_RISCV_UACCESS_H
#define ARCH_RISCV_UACCESS_H

#include "arch/riscv/riscv.h"

static inline void user_access_begin(void)
{
    csr_set(sstatus, SSTATUS_SUM);
}

static inline void user_access_end(void)
{
    csr_clear(sstatus, SSTATUS_SUM);
}

/* Copy n bytes; 0 or -EFAULT.  Either side may be the user one. */
long arch_user_copy(void *dst, const void *src, size_t n);
/*
 * Copy a string of at most max bytes, its NUL included: its length (without
 * the NUL), max if there is no NUL in the first max bytes, or -EFAULT.
 */
long arch_user_strncpy(char *dst, const char *src, size_t max);
/* Zero n bytes; 0 or -EFAULT. */
long arch_user_zero(void *dst, size_t n);

#endif
