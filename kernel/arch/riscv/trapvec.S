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

#define SAVE(r, i) sd x##r, (8 * i)(sp)
#define LOAD(r, i) ld x##r, (8 * i)(sp)

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
    SAVE(1, 1)
    SAVE(3, 3)
    SAVE(5, 5)
    SAVE(6, 6)
    SAVE(7, 7)
    SAVE(8, 8)
    SAVE(9, 9)
    SAVE(10, 10)
    SAVE(11, 11)
    SAVE(12, 12)
    SAVE(13, 13)
    SAVE(14, 14)
    SAVE(15, 15)
    SAVE(16, 16)
    SAVE(17, 17)
    SAVE(18, 18)
    SAVE(19, 19)
    SAVE(20, 20)
    SAVE(21, 21)
    SAVE(22, 22)
    SAVE(23, 23)
    SAVE(24, 24)
    SAVE(25, 25)
    SAVE(26, 26)
    SAVE(27, 27)
    SAVE(28, 28)
    SAVE(29, 29)
    SAVE(30, 30)
    SAVE(31, 31)
    csrr t0, sepc
    sd t0, TF_SEPC(sp)
    csrr t0, sstatus
    sd t0, TF_SSTATUS(sp)
    csrr t0, stval
    sd t0, TF_STVAL(sp)
    csrr t0, scause
    sd t0, TF_SCAUSE(sp)

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
    LOAD(1, 1)
    LOAD(3, 3)
    LOAD(5, 5)
    LOAD(6, 6)
    LOAD(7, 7)
    LOAD(8, 8)
    LOAD(9, 9)
    LOAD(10, 10)
    LOAD(11, 11)
    LOAD(12, 12)
    LOAD(13, 13)
    LOAD(14, 14)
    LOAD(15, 15)
    LOAD(16, 16)
    LOAD(17, 17)
    LOAD(18, 18)
    LOAD(19, 19)
    LOAD(20, 20)
    LOAD(21, 21)
    LOAD(22, 22)
    LOAD(23, 23)
    LOAD(24, 24)
    LOAD(25, 25)
    LOAD(26, 26)
    LOAD(27, 27)
    LOAD(28, 28)
    LOAD(29, 29)
    LOAD(30, 30)
    LOAD(31, 31)
    LOAD(2, 2)
    sret
