/*
 * The kernel's ABI structures (kernel/abi/) for the library files that
 * convert them to picolibc's.  kernel/abi/stat.h also defines S_IF* with
 * picolibc's values but other spelling; drop those so <sys/stat.h> can
 * define its own without a redefinition error.
 */
#ifndef ULIB_KABI_H
#define ULIB_KABI_H

#include "abi/stat.h"
#include "abi/time.h"
#include "abi/utsname.h"

#undef S_IFMT
#undef S_IFDIR
#undef S_IFCHR
#undef S_IFREG
#undef S_IFLNK
#undef CLOCK_REALTIME
#undef CLOCK_MONOTONIC
#define KCLOCK_REALTIME 0
#define KCLOCK_MONOTONIC 1

#endif
