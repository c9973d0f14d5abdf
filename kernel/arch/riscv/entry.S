/*
 * Kernel entry.  OpenSBI jumps to _start in S-mode, MMU off, at the load
 * address (pa 0x80200000) with a0 = hart id, a1 = device tree pa.  Other harts
 * enter at _start_secondary (SBI HSM hart_start) with a1 = their struct cpu.
 *
 * Both turn on a boot page table made of 1 GiB pages:
 *   identity   pa 0x80000000 (so the next instruction still fetches)
 *   image      0xffffffff80000000 -> pa 0x80000000
 *   direct map 0xffffffc000000000 -> pa 0 .. 16 GiB
 * then jump to the upper half.  vm_init() later builds the real page table.
 */
#include "arch/riscv/riscv.h"
#include "arch/riscv/asm-offsets.h"
#include "mm/layout.h"

#define PTE_V 0x01
#define PTE_RWX 0x0e
#define PTE_RW 0x06
#define PTE_AD 0xc0

/* Turn on the boot page table and continue at the same code in the upper half. */
.macro ENTER_UPPER_HALF
    csrw sie, zero
    call boot_pt_enable
    la t0, 1f
    li t1, KERNEL_VOFFSET
    add t0, t0, t1
    jr t0
1:
.endm

    .section .text.entry
    .globl _start
_start:
    mv s0, a0
    mv s1, a1
    /* Only the first hart here is the boot hart.  Another one can arrive here
     * too: if the boot hart asks the firmware to start a hart that has not
     * finished its own firmware set-up, the firmware may send it to the
     * default entry (here) instead of _start_secondary. */
    la t0, boot_claimed
    li t1, 1
    amoswap.w t1, t1, (t0)
    bnez t1, late_secondary
    ENTER_UPPER_HALF
    /* Now in the upper half.  Boot stack, no per-cpu pointer yet. */
    la sp, boot_stack_top
    mv tp, zero
    mv a0, s0
    mv a1, s1
    mv fp, zero     /* fp is s0: clear it only after s0 (the hart id) is used */
    call kmain
2:  wfi
    j 2b

    .globl _start_secondary
_start_secondary:
    mv s0, a0
    mv s1, a1
    ENTER_UPPER_HALF
secondary_common:
    /* s1 = this hart's struct cpu (a direct-map address). */
    mv tp, s1
    ld t0, CPU_BOOT_SATP(tp)
    csrw satp, t0
    sfence.vma zero, zero
    ld sp, CPU_BOOT_SP(tp)
    mv fp, zero
    mv a0, tp
    call secondary_main
2:  wfi
    j 2b

/*
 * A hart that entered at _start after the boot hart: find its struct cpu by
 * hart id (s0) once the boot hart has given it a stack, then go on as a
 * secondary hart.
 */
late_secondary:
    ENTER_UPPER_HALF
1:  la t0, cpus
    li t2, NCPU_MAX
2:  ld t1, CPU_HARTID(t0)
    bne t1, s0, 3f
    ld t1, CPU_BOOT_SP(t0)
    bnez t1, 4f
3:  addi t0, t0, CPU_SIZE
    addi t2, t2, -1
    bnez t2, 2b
    j 1b            /* not set up yet: look again */
4:  mv s1, t0
    j secondary_common

/*
 * Fill the boot page table (pc-relative addressing only: still physical) and
 * turn paging on.  Clobbers t0-t6.
 */
boot_pt_enable:
    la t0, boot_pagetable
    /* identity and image entries: pa 0x80000000 */
    li t1, (0x80000000 >> 12) << 10
    ori t1, t1, PTE_V | PTE_RWX | PTE_AD
    sd t1, (2 * 8)(t0)
    li t2, 0x1fe * 8
    add t2, t2, t0
    sd t1, 0(t2)
    /* direct map: 16 gigapages from pa 0 at index 0x100 */
    li t2, 0x100 * 8
    add t2, t2, t0
    li t3, 0
    li t4, 16
    li t5, (0x40000000 >> 12) << 10
1:  mv t1, t3
    ori t1, t1, PTE_V | PTE_RW | PTE_AD
    sd t1, 0(t2)
    add t3, t3, t5
    addi t2, t2, 8
    addi t4, t4, -1
    bnez t4, 1b
    /* satp = Sv39 | ppn(boot_pagetable) */
    srli t1, t0, 12
    li t2, SATP_MODE_SV39
    or t1, t1, t2
    sfence.vma zero, zero
    csrw satp, t1
    sfence.vma zero, zero
    ret

    .section .data.pagealigned, "aw"
    .balign 4096
    .globl boot_claimed
boot_claimed:
    .word 0
    .balign 4096
    .globl boot_pagetable
boot_pagetable:
    .space 4096
    .globl boot_stack
boot_stack:
    .space 16384
    .globl boot_stack_top
boot_stack_top:
