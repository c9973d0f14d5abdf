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

#define SAVE(r) sd x##r, (8 * r)(sp)
#define LOAD(r) ld x##r, (8 * r)(sp)

    .text
    .balign 4
    .globl user_vec
user_vec:
    csrrw sp, sscratch, sp
    SAVE(1)
    SAVE(3)
    SAVE(4)
    SAVE(5)
    SAVE(6)
    SAVE(7)
    SAVE(8)
    SAVE(9)
    SAVE(10)
    SAVE(11)
    SAVE(12)
    SAVE(13)
    SAVE(14)
    SAVE(15)
    SAVE(16)
    SAVE(17)
    SAVE(18)
    SAVE(19)
    SAVE(20)
    SAVE(21)
    SAVE(22)
    SAVE(23)
    SAVE(24)
    SAVE(25)
    SAVE(26)
    SAVE(27)
    SAVE(28)
    SAVE(29)
    SAVE(30)
    SAVE(31)
    csrr t0, sscratch
    sd t0, (8 * 2)(sp)
    csrr t0, sepc
    sd t0, TF_SEPC(sp)
    csrr t0, sstatus
    sd t0, TF_SSTATUS(sp)
    csrr t0, stval
    sd t0, TF_STVAL(sp)
    csrr t0, scause
    sd t0, TF_SCAUSE(sp)
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
    LOAD(1)
    LOAD(3)
    LOAD(4)
    LOAD(5)
    LOAD(6)
    LOAD(7)
    LOAD(8)
    LOAD(9)
    LOAD(10)
    LOAD(11)
    LOAD(12)
    LOAD(13)
    LOAD(14)
    LOAD(15)
    LOAD(16)
    LOAD(17)
    LOAD(18)
    LOAD(19)
    LOAD(20)
    LOAD(21)
    LOAD(22)
    LOAD(23)
    LOAD(24)
    LOAD(25)
    LOAD(26)
    LOAD(27)
    LOAD(28)
    LOAD(29)
    LOAD(30)
    LOAD(31)
    LOAD(2)
    sret
