/*
 * Trap frames and the trap entry points.
 *
 * A trap taken in the kernel pushes a struct trapframe on the current kernel
 * stack (trapvec.S).  A trap from user mode (uservec.S) saves the user's
 * registers in the trapframe at the top of the thread's kernel stack, whose
 * address sscratch holds while the thread runs in user mode; satp is not
 * changed, because every user page table maps the kernel half too.  If that frame would land in the
 * guard page below the stack, the hart switches to its emergency stack first, so a kernel stack
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
    uint64_t ktp; /* user traps: tp to load on entry (set by user_return) */
    uint64_t pad;
};
STATIC_ASSERT(offsetof(struct trapframe, sepc) == TF_SEPC);
STATIC_ASSERT(offsetof(struct trapframe, scause) == TF_SCAUSE);
STATIC_ASSERT(offsetof(struct trapframe, ktp) == TF_KTP);
STATIC_ASSERT(sizeof(struct trapframe) == TF_SIZE);

/* An entry of the exception-fixup table: a faulting pc and where to resume. */
struct extable_entry {
    uintptr_t insn;
    uintptr_t fixup;
};

/* Floating-point registers of a user thread, saved while it is in the kernel. */
struct fpstate {
    uint64_t f[32];
    uint64_t fcsr;
};

void trap_init_hart(void);
void kernel_trap(struct trapframe *tf);
/* Entry from user mode (uservec.S) and the way back. */
void user_trap(struct trapframe *tf) __attribute__((noreturn));
void user_trap_return(struct trapframe *tf) __attribute__((noreturn));
void user_return(struct trapframe *tf) __attribute__((noreturn)); /* uservec.S */
void fp_save(struct fpstate *fp);                                 /* fpu.S */
void fp_restore(const struct fpstate *fp);
const char *trap_cause_name(uint64_t scause);

#endif
