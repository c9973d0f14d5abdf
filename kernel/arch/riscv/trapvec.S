/*
 * kernel_vec: trap entry while running in S-mode (stvec points here).
 *
 * Pushes a struct trapframe on the current stack and calls kernel_trap(tf).
 * If the frame would cross the bottom of the current stack (cpu->stack_lo,
 * i.e. into the guard page), it is pushed on this hart's emergency stack
 * instead so the overflow can be reported.  tp always holds this hart's
 * struct cpu in the kernel and is neither saved nor restored: a thread that
 * resumes on another hart must see that hart's tp.
 */
#include "arch/riscv/asm-offsets.h"
#include "arch/riscv/trapregs.h"

    .text
    .balign 4
    .globl kernel_vec
kernel_vec:
    csrw sscratch, t0
    ld t0, CPU_STACK_LO(tp)
    addi t0, t0, TF_SIZE
    bgeu sp, t0, 1f
    mv t0, sp
    ld sp, CPU_EMERG_SP(tp)
    addi sp, sp, -TF_SIZE
    sd t0, (8 * 2)(sp)
    j 2f
1:  mv t0, sp
    addi sp, sp, -TF_SIZE
    sd t0, (8 * 2)(sp)
2:  csrr t0, sscratch
    TF_STORE TF_GPRS
    TF_STORE_CSRS

    /* A frame record so backtraces walk through the trap: fp = sp + TF_SIZE
     * would be wrong, so link to the interrupted fp via a 16-byte record. */
    addi sp, sp, -16
    ld t0, (TF_SEPC + 16)(sp)
    sd t0, 8(sp)
    sd s0, 0(sp)
    addi s0, sp, 16
    addi a0, sp, 16
    call kernel_trap
    addi sp, sp, 16

    ld t0, TF_SEPC(sp)
    csrw sepc, t0
    ld t0, TF_SSTATUS(sp)
    csrw sstatus, t0
    TF_LOAD TF_GPRS
    TF_LOAD 2
    sret
