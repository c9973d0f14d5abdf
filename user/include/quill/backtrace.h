/*
 * <quill/backtrace.h>: the call chain of the running program, from its
 * frame pointers (user/lib/backtrace.c; the traps lab, docs/labs/traps.md).
 */
#ifndef QUILL_BACKTRACE_H
#define QUILL_BACKTRACE_H

#include <stdint.h>

/* Store the return addresses of the calls that led here, innermost first
 * (pcs[0] is in the caller of backtrace), at most max; return how many. */
int backtrace(uintptr_t *pcs, int max);

/* Print the chain that led to the caller of backtrace_print to stderr: one
 * "#N 0xADDRESS" line each (#0 in the caller's caller), under "backtrace:". */
void backtrace_print(void);

#endif
