/*
 * The signal trampoline: every handler returns here (the kernel puts this
 * address in ra; user/lib/signal.c passes it as sa_restorer).  sp points at
 * the signal frame again, which rt_sigreturn reads to resume the
 * interrupted code.  It never returns.
 */
#define SYSCALL(nr, name, ret, params) .equ NR_##name, nr
#include "abi/syscalls.def"
#undef SYSCALL

    .text
    .globl __sigtramp
    .type __sigtramp, @function
__sigtramp:
    li      a7, NR_rt_sigreturn
    ecall
    unimp                           /* not reached */
    .size __sigtramp, . - __sigtramp
