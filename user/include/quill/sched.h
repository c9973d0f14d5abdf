/*
 * <quill/sched.h>: Quill's scheduling calls (policy, tunables, nice,
 * tickets, accounting, trace): the ABI structures and constants, and the
 * library functions over the raw calls.
 */
#ifndef QUILL_SCHED_H
#define QUILL_SCHED_H

#include "abi/sched.h"
#include <quill/syscall.h>

/* The caller's (who == 0) or process who's nice value, -20 .. 19; -1 and
 * errno on error (set errno = 0 first to tell it from nice -1). */
int getpriority(int which, int who);
/* Add inc to the caller's nice value; the new value, or -1 and errno. */
int nice(int inc);

#endif
