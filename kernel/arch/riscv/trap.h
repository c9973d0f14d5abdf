/*
 * Trap frames and the trap entry points.
 *
 * A trap taken in the kernel pushes a struct trapframe on the current kernel
 * stack (trapvec.S).  If that frame would land in the guard page below the
 * stack, the hart switches to its emergency stack first, so a kernel stack
 * overflow is reported instead of faulting forever.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include "types.h"
#include "arch/riscv/asm-offsets.h"

struct trapframe {
    uint64_t x[32]; /* x[0] unused; x[2] is the interrupted sp */
    uint64_t sepc;
    uint64_t sstatus;
    uint64_t stval;
    uint64_t scause;
};
STATIC_ASSERT(offsetof(struct trapframe, sepc) == TF_SEPC);
STATIC_ASSERT(offsetof(struct trapframe, scause) == TF_SCAUSE);
STATIC_ASSERT(sizeof(struct trapframe) == TF_SIZE);

/* An entry of the exception-fixup table: a faulting pc and where to resume. */
struct extable_entry {
    uintptr_t insn;
    uintptr_t fixup;
};

void trap_init_hart(void);
void kernel_trap(struct trapframe *tf);
const char *trap_cause_name(uint64_t scause);

#endif
