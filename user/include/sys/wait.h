/*
 * <sys/wait.h>: picolibc's (wait, waitpid, W* macros), plus wait4, which
 * the kernel provides (the prototype comes from syscalls.def), and the
 * continued-child report picolibc lacks (WCONTINUED, WIFCONTINUED; values
 * from kernel/abi/wait.h).
 */
#ifndef QUILL_SYS_WAIT_H
#define QUILL_SYS_WAIT_H
#include_next <sys/wait.h>
#include "abi/wait.h"
#define WIFCONTINUED(w) ((w) == 0xffff)
#include <quill/syscall.h>
#endif
