/*
 * Saving and restoring registers in a struct trapframe, shared by the two
 * trap vectors (trapvec.S from S-mode, uservec.S from U-mode).  Register xN
 * lives at offset 8*N of the frame (context.h/trap.h's struct trapframe,
 * asm-offsets.h for the CSR slots); sp points at the frame.
 *
 * x2 (sp) is stored by each vector in its own way, and x4 (tp) only by the
 * user vector: in the kernel tp always holds this hart's struct cpu.
 */
#ifndef ARCH_RISCV_TRAPREGS_H
#define ARCH_RISCV_TRAPREGS_H

#ifdef __ASSEMBLY__
#include "arch/riscv/asm-offsets.h"

/* Every general register but x0, sp and tp. */
#define TF_GPRS                                                                                    \
    1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,   \
        28, 29, 30, 31

.macro TF_STORE regs:vararg
    .irp r, \regs
    sd x\r, (8 * \r)(sp)
    .endr
.endm

.macro TF_LOAD regs:vararg
    .irp r, \regs
    ld x\r, (8 * \r)(sp)
    .endr
.endm

/* The trap CSRs into the frame (clobbers t0, which must be saved already). */
.macro TF_STORE_CSRS
    csrr t0, sepc
    sd t0, TF_SEPC(sp)
    csrr t0, sstatus
    sd t0, TF_SSTATUS(sp)
    csrr t0, stval
    sd t0, TF_STVAL(sp)
    csrr t0, scause
    sd t0, TF_SCAUSE(sp)
.endm

#endif /* __ASSEMBLY__ */
#endif
