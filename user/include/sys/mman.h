/*
 * <sys/mman.h>: memory mappings.  The constants are the kernel's
 * (kernel/abi/mman.h); mmap, munmap, mprotect and msync are system calls
 * (kernel/abi/syscalls.def, prototypes in <quill/syscall.h>).
 */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <sys/types.h>
#include "abi/mman.h"
#include <quill/syscall.h>

#endif
