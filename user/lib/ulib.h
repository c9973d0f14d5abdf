/*
 * Private header of the user library (user/lib): helpers shared by its
 * files.  Not installed for programs; they use <quill/syscall.h>.
 */
#ifndef ULIB_H
#define ULIB_H

#include <quill/syscall.h>

/* errno = -ret, return -1 (the stubs' error path). */
long __syscall_error(long ret);
/* ret < 0 ? __syscall_error(ret) : ret */
long __syscall_ret(long ret);

#endif
