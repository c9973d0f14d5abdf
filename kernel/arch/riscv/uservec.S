/*
 * User-mode trap entry and exit.
 *
 * While a thread runs in user mode, stvec = user_vec and sscratch = the
 * address of its trapframe (top of its kernel stack).  On a trap, user_vec
 * swaps sp with sscratch, saves every user register there, loads this hart's
 * tp (saved in the frame by user_return), points stvec back at kernel_vec
 * and calls user_trap(tf) on the kernel stack just below the frame.
 *
 * user_return(tf) is the way back: interrupts are off; it points stvec at
 * user_vec, leaves the frame's address in sscratch, restores the registers
 * and srets to tf->sepc in user mode.
 */
#include "arch/riscv/asm-offsets.h"
#include "arch/riscv/trapregs.h"

    .text
    .balign 4
    .globl user_vec
user_vec:
    csrrw sp, sscratch, sp
    TF_STORE TF_GPRS
    TF_STORE 4
    csrr t0, sscratch
    sd t0, (8 * 2)(sp)
    TF_STORE_CSRS
    ld tp, TF_KTP(sp)
    la t0, kernel_vec
    csrw stvec, t0
    csrw sscratch, zero
    mv a0, sp
    mv fp, zero
    call user_trap
1:  j 1b

    .globl user_return
user_return:
    la t0, user_vec
    csrw stvec, t0
    csrw sscratch, a0
    sd tp, TF_KTP(a0)
    ld t0, TF_SEPC(a0)
    csrw sepc, t0
    ld t0, TF_SSTATUS(a0)
    csrw sstatus, t0
    mv sp, a0
    TF_LOAD TF_GPRS
    TF_LOAD 4
    TF_LOAD 2
    sret
