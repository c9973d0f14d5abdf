/*
 * <sys/wait.h>: picolibc's (wait, waitpid, W* macros), plus wait4, which
 * the kernel provides (the prototype comes from syscalls.def).
 */
#ifndef QUILL_SYS_WAIT_H
#define QUILL_SYS_WAIT_H
#include_next <sys/wait.h>
#include <quill/syscall.h>
#endif
