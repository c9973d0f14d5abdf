/*
 * Copies between kernel and user memory.  Each load or store that touches
 * user memory has an entry in the exception-fixup table (__extable): if it
 * faults and the fault cannot be resolved (kernel_trap tries vm_fault first,
 * so a not-yet-present stack page is simply mapped), execution resumes at
 * the fixup, which returns -EFAULT (14).  The C wrappers (mm/usercopy.c)
 * check the address range and open user access (uaccess.h: sstatus.SUM)
 * around the call.
 */

#define EXTABLE(insn_label, fixup_label)  \
    .pushsection __extable, "a";          \
    .balign 8;                            \
    .quad insn_label, fixup_label;        \
    .popsection

    .text
/* long arch_user_copy(void *dst, const void *src, size_t n): 0 or -14 */
    .globl arch_user_copy
arch_user_copy:
    beqz a2, 3f
    or t0, a0, a1
    andi t0, t0, 7
    bnez t0, 2f
    li t1, 32
4:  bltu a2, t1, 1f          /* aligned: 32 bytes per round while they last */
14: ld t0, 0(a1)
15: ld t2, 8(a1)
16: ld t3, 16(a1)
17: ld t4, 24(a1)
18: sd t0, 0(a0)
19: sd t2, 8(a0)
20: sd t3, 16(a0)
21: sd t4, 24(a0)
    addi a0, a0, 32
    addi a1, a1, 32
    addi a2, a2, -32
    j 4b
1:  li t1, 8
    bltu a2, t1, 2f
10: ld t0, 0(a1)
11: sd t0, 0(a0)
    addi a0, a0, 8
    addi a1, a1, 8
    addi a2, a2, -8
    j 1b
2:  beqz a2, 3f
12: lbu t0, 0(a1)
13: sb t0, 0(a0)
    addi a0, a0, 1
    addi a1, a1, 1
    addi a2, a2, -1
    j 2b
3:  li a0, 0
    ret
    EXTABLE(10b, arch_user_fault)
    EXTABLE(11b, arch_user_fault)
    EXTABLE(14b, arch_user_fault)
    EXTABLE(15b, arch_user_fault)
    EXTABLE(16b, arch_user_fault)
    EXTABLE(17b, arch_user_fault)
    EXTABLE(18b, arch_user_fault)
    EXTABLE(19b, arch_user_fault)
    EXTABLE(20b, arch_user_fault)
    EXTABLE(21b, arch_user_fault)
    EXTABLE(12b, arch_user_fault)
    EXTABLE(13b, arch_user_fault)

/* long arch_user_strncpy(char *dst, const char *src, size_t max):
 * length of the string copied (NUL included in the copy, not in the length),
 * max if no NUL was found within max bytes, or -14. */
    .globl arch_user_strncpy
arch_user_strncpy:
    li t1, 0
1:  beq t1, a2, 2f
20: lbu t0, 0(a1)
    sb t0, 0(a0)
    beqz t0, 3f
    addi a0, a0, 1
    addi a1, a1, 1
    addi t1, t1, 1
    j 1b
2:  mv a0, a2
    ret
3:  mv a0, t1
    ret
    EXTABLE(20b, arch_user_fault)

/* long arch_user_zero(void *dst, size_t n): 0 or -14 */
    .globl arch_user_zero
arch_user_zero:
    beqz a1, 2f
30: sb zero, 0(a0)
    addi a0, a0, 1
    addi a1, a1, -1
    j arch_user_zero
2:  li a0, 0
    ret
    EXTABLE(30b, arch_user_fault)

arch_user_fault:
    li a0, -14
    ret
