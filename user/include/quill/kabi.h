/*
 * The kernel's ABI records (kernel/abi/: struct kstat, ktimespec, kutsname)
 * for code that converts them to picolibc's (user/lib) or looks at them
 * straight from a raw system call (usertests).  kernel/abi/stat.h and
 * abi/time.h also define S_IF* and CLOCK_* with picolibc's values but other
 * spelling: any libc definitions seen before are dropped, and the kernel's
 * are dropped after, so libc headers may be included before or after this
 * one.  The clocks are KCLOCK_* here.
 */
#ifndef QUILL_KABI_H
#define QUILL_KABI_H

#include "quill/kabi_names.h" /* libc's, if its headers came first */
#include "abi/stat.h"
#include "abi/time.h"
#include "abi/utsname.h"
#include "quill/kabi_names.h" /* the kernel's, so libc's headers can define theirs */

#define KCLOCK_REALTIME 0
#define KCLOCK_MONOTONIC 1

#endif
