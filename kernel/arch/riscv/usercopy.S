/*
 * Copies between kernel and user memory.  Each load or store that touches
 * user memory is written USER insn, which gives it an entry in the
 * exception-fixup table (__extable): if it faults and the fault cannot be
 * resolved (kernel_trap tries vm_fault first, so a not-yet-present stack page
 * is simply mapped), execution resumes at arch_user_fault, which returns
 * -EFAULT (14).  The C wrappers (mm/usercopy.c) check the address range and
 * open user access (uaccess.h: sstatus.SUM) around the call.
 */

#define EXTABLE(insn_label, fixup_label)  \
    .pushsection __extable, "a";          \
    .balign 8;                            \
    .quad insn_label, fixup_label;        \
    .popsection

/* One instruction that may fault on a user address, and its table entry. */
.macro USER insn:vararg
9:  \insn
    EXTABLE(9b, arch_user_fault)
.endm

/* Copy a1 -> a0 in rounds of \size bytes (\load then \store through t0)
 * while at least \size of the a2 bytes are left; falls through after. */
.macro COPY_ROUNDS size, load, store
.if \size > 1
    li t1, \size
.endif
.Lround\@:
.if \size > 1
    bltu a2, t1, .Lleft\@
.else
    beqz a2, .Lleft\@
.endif
    USER \load t0, 0(a1)
    USER \store t0, 0(a0)
    addi a0, a0, \size
    addi a1, a1, \size
    addi a2, a2, -\size
    j .Lround\@
.Lleft\@:
.endm

    .text
/* long arch_user_copy(void *dst, const void *src, size_t n): 0 or -14.
 * Both aligned to 8: 32 bytes a round, then 8; the rest a byte at a time. */
    .globl arch_user_copy
arch_user_copy:
    beqz a2, 3f
    or t0, a0, a1
    andi t0, t0, 7
    bnez t0, 2f
    li t1, 32
1:  bltu a2, t1, 4f
    USER ld t0, 0(a1)
    USER ld t2, 8(a1)
    USER ld t3, 16(a1)
    USER ld t4, 24(a1)
    USER sd t0, 0(a0)
    USER sd t2, 8(a0)
    USER sd t3, 16(a0)
    USER sd t4, 24(a0)
    addi a0, a0, 32
    addi a1, a1, 32
    addi a2, a2, -32
    j 1b
4:  COPY_ROUNDS 8, ld, sd
2:  COPY_ROUNDS 1, lbu, sb
3:  li a0, 0
    ret

/* long arch_user_strncpy(char *dst, const char *src, size_t max):
 * length of the string copied (NUL included in the copy, not in the length),
 * max if no NUL was found within max bytes, or -14. */
    .globl arch_user_strncpy
arch_user_strncpy:
    li t1, 0
1:  beq t1, a2, 2f
    USER lbu t0, 0(a1)
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

/* long arch_user_zero(void *dst, size_t n): 0 or -14 */
    .globl arch_user_zero
arch_user_zero:
    beqz a1, 2f
1:  USER sb zero, 0(a0)
    addi a0, a0, 1
    addi a1, a1, -1
    bnez a1, 1b
2:  li a0, 0
    ret

arch_user_fault:
    li a0, -14
    ret
