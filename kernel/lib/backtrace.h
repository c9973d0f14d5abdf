/*
 * Symbolized backtraces.  The kernel is built with frame pointers, so each
 * frame holds its caller's return address at fp-8 and the caller's fp at
 * fp-16; the symbol table comes from the second link (scripts/gen-ksyms.sh).
 */
#ifndef LIB_BACKTRACE_H
#define LIB_BACKTRACE_H

#include "types.h"

/* Name of the function containing addr and the offset into it, or NULL. */
const char *ksym_lookup(uintptr_t addr, uintptr_t *offset);

/* Print "  #n 0xaddr name+0xoff" for each frame starting at fp, numbered from depth. */
void backtrace_print(uintptr_t fp, int depth);

/* Print one frame line for the code address pc (e.g. a trap's sepc). */
void backtrace_print_pc(int depth, uintptr_t pc);

static inline uintptr_t read_frame_pointer(void)
{
    return (uintptr_t)__builtin_frame_address(0);
}

#endif
