/*
 * Moving data across the user/kernel boundary.  Every access to user memory
 * goes through these; each returns 0 or -EFAULT (never faults the kernel):
 * an unmapped address, a kernel address, or a range that wraps around or
 * runs past the end of user space is -EFAULT.  A user page that is simply
 * not present yet (stack) is faulted in as a user access would be.
 * They may sleep; call them without spinlocks held.  Called with a spinlock
 * held (a pipe copying straight out of its ring), they never sleep: a page
 * that would have to be faulted in (not present yet, copy-on-write) makes
 * the copy fail with -EFAULT, and the caller tries again without the lock.
 */
#ifndef MM_USERCOPY_H
#define MM_USERCOPY_H

#include "types.h"

int copy_from_user(void *dst, uintptr_t usrc, size_t n);
int copy_to_user(uintptr_t udst, const void *src, size_t n);
int clear_user(uintptr_t udst, size_t n);
/* Copy a NUL-terminated string of at most max-1 bytes; its length, -EFAULT,
 * or -ENAMETOOLONG if no NUL comes within max bytes. */
long strncpy_from_user(char *dst, uintptr_t usrc, size_t max);
bool user_range_ok(uintptr_t addr, size_t n);

#endif
