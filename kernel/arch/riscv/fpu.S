/*
 * Saving and restoring a user thread's floating-point registers.  The kernel
 * itself is built without F/D and never touches them otherwise; the caller
 * makes sure sstatus.FS is not Off while these run.
 */
    .option arch, +d
    .text

#define FOR_EACH_F(OP)                                                     \
    OP(0) OP(1) OP(2) OP(3) OP(4) OP(5) OP(6) OP(7) OP(8) OP(9) OP(10)     \
    OP(11) OP(12) OP(13) OP(14) OP(15) OP(16) OP(17) OP(18) OP(19) OP(20)  \
    OP(21) OP(22) OP(23) OP(24) OP(25) OP(26) OP(27) OP(28) OP(29) OP(30)  \
    OP(31)
#define FSAVE(n) fsd f##n, (8 * n)(a0);
#define FLOAD(n) fld f##n, (8 * n)(a0);

    .globl fp_save
fp_save:
    FOR_EACH_F(FSAVE)
    frcsr t0
    sd t0, (8 * 32)(a0)
    ret

    .globl fp_restore
fp_restore:
    FOR_EACH_F(FLOAD)
    ld t0, (8 * 32)(a0)
    fscsr t0
    ret
