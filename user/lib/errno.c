/* The error path shared by every system-call stub (syscalls.S). */
#include <errno.h>

#include "ulib.h"

long __syscall_error(long ret)
{
    errno = (int)-ret;
    return -1;
}

/* For library code that called a __sys_ function: 0/-errno -> 0/-1+errno. */
long __syscall_ret(long ret)
{
    return ret < 0 ? __syscall_error(ret) : ret;
}
