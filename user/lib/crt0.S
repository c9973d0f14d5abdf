/*
 * crt0: the first instructions of every user program.
 *
 * The kernel enters _start with sp 16-byte aligned pointing at
 *
 *     sp ->  argc
 *            argv[0] ... argv[argc-1], NULL
 *            envp[0] ... NULL
 *            auxv: AT_NULL, 0
 *            (the strings, higher up)
 *
 * and, for convenience, a0 = argc, a1 = argv, a2 = envp.  We recompute the
 * three from sp (the stack is the contract; the registers are a courtesy),
 * set gp and tp, and call __libc_start (start.c), which never returns.
 */

    .section .text.start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .cfi_startproc
    .cfi_undefined ra               /* end of the call chain for GDB */

    /* gp first, with relaxation off: `la gp` must not become gp-relative. */
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop

    /* tp: the one thread's TLS block (errno lives there), see user.ld. */
    la      tp, __tls_base

    ld      a0, 0(sp)               /* argc */
    addi    a1, sp, 8               /* argv */
    slli    a2, a0, 3
    add     a2, a2, a1
    addi    a2, a2, 8               /* envp = &argv[argc + 1] */

    mv      fp, zero                /* no caller frame */
    andi    sp, sp, -16
    call    __libc_start
    /* not reached */
1:  ebreak
    j       1b
    .cfi_endproc
    .size _start, . - _start
