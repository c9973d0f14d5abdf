/* Callee-saved registers, saved and restored by swtch(). */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include "types.h"
#include "arch/riscv/asm-offsets.h"

struct context {
    uint64_t ra;
    uint64_t sp;
    uint64_t s[12]; /* s0 (the frame pointer) .. s11 */
};
STATIC_ASSERT(sizeof(struct context) == CTX_SIZE);

/* Save the current callee-saved registers in *old and load *new. */
void swtch(struct context *old, struct context *new);

#endif
