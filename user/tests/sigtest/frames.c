/*
 * The signal frame: every integer and FP register of the interrupted code
 * (and fcsr) survives a handler that clobbers them, and sigreturn refuses a
 * frame the handler forged (bad magic, a kernel pc, an odd pc: SIGSEGV) or
 * cleans it (a mask that blocks SIGKILL, undefined fcsr bits).  No forged
 * frame reaches S-mode: the code it resumes still traps on a privileged
 * instruction (SIGILL), and registers full of kernel addresses (sp, gp, tp
 * included) harm only the process.  A bare rt_sigreturn is a SIGSEGV.
 */
#include "sigtest.h"

#define KERNEL_TEXT 0xffffffc080200000UL
enum {
#define SYSCALL(nr, name, ret, params) NR_##name = nr,
#include "abi/syscalls.def"
#undef SYSCALL
};

static volatile sig_atomic_t forge_case;

/* The FP registers of the interrupted code survive a handler that uses them. */
static void fp_clobber(int sig)
{
    (void)sig;
    __asm__ volatile("fmv.d.x ft0, zero\n fmv.d.x ft1, zero\n fmv.d.x fa0, zero" ::
                         : "ft0", "ft1", "fa0");
    got = 1;
}

static void test_fp_saved(void)
{
    on(SIGALRM, fp_clobber, 0);
    unsigned long v = 0x400921fb54442d18UL, out; /* pi */
    struct itimerval it = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    __asm__ volatile("fmv.d.x ft0, %1\n"
                     "1: lw t0, 0(%2)\n"
                     "beqz t0, 1b\n"
                     "fmv.x.d %0, ft0"
                     : "=r"(out)
                     : "r"(v), "r"(&got)
                     : "t0", "ft0", "memory");
    CHECK(out == v, "ft0 was 0x%lx after the handler, expected 0x%lx", out, v);
}

/*
 * Every register: sigtest_regs_spin fills x1 and x8..x31 with patterns, f0..f31
 * from sigtest_fp_in and fcsr with 0x2a, then spins (t1 = the flag's address,
 * t2 = the output's, t0 the loop's scratch) until a handler, entered from a
 * timer interrupt in the middle of the loop, sets the flag; then it stores
 * every register.  gp and tp keep their values (the handler's C code needs
 * them) and are checked unchanged; sp is stored before and after the loop.
 */
unsigned long sigtest_regs_out[32], sigtest_fp_in[32], sigtest_fp_out[32], sigtest_fcsr_out;
volatile unsigned long sigtest_regs_flag;

#define REG_PATTERN(n) (0x5a5a000000000000UL | ((unsigned long)(n) << 32) | (n)*0x01010101UL)

__attribute__((naked, noinline)) static void sigtest_regs_spin(void)
{
    __asm__ volatile(
        "addi sp, sp, -112\n"
        "sd ra, 0(sp)\n sd s0, 8(sp)\n sd s1, 16(sp)\n sd s2, 24(sp)\n sd s3, 32(sp)\n"
        "sd s4, 40(sp)\n sd s5, 48(sp)\n sd s6, 56(sp)\n sd s7, 64(sp)\n sd s8, 72(sp)\n"
        "sd s9, 80(sp)\n sd s10, 88(sp)\n sd s11, 96(sp)\n"
        "la t1, sigtest_fp_in\n"
        "fld f0, 0(t1)\n fld f1, 8(t1)\n fld f2, 16(t1)\n fld f3, 24(t1)\n"
        "fld f4, 32(t1)\n fld f5, 40(t1)\n fld f6, 48(t1)\n fld f7, 56(t1)\n"
        "fld f8, 64(t1)\n fld f9, 72(t1)\n fld f10, 80(t1)\n fld f11, 88(t1)\n"
        "fld f12, 96(t1)\n fld f13, 104(t1)\n fld f14, 112(t1)\n fld f15, 120(t1)\n"
        "fld f16, 128(t1)\n fld f17, 136(t1)\n fld f18, 144(t1)\n fld f19, 152(t1)\n"
        "fld f20, 160(t1)\n fld f21, 168(t1)\n fld f22, 176(t1)\n fld f23, 184(t1)\n"
        "fld f24, 192(t1)\n fld f25, 200(t1)\n fld f26, 208(t1)\n fld f27, 216(t1)\n"
        "fld f28, 224(t1)\n fld f29, 232(t1)\n fld f30, 240(t1)\n fld f31, 248(t1)\n"
        "li t0, 0x2a\n fscsr t0\n"
        "li x1, 0x5a5a000101010101\n"
        "li x8, 0x5a5a000808080808\n li x9, 0x5a5a000909090909\n"
        "li x10, 0x5a5a000a0a0a0a0a\n li x11, 0x5a5a000b0b0b0b0b\n"
        "li x12, 0x5a5a000c0c0c0c0c\n li x13, 0x5a5a000d0d0d0d0d\n"
        "li x14, 0x5a5a000e0e0e0e0e\n li x15, 0x5a5a000f0f0f0f0f\n"
        "li x16, 0x5a5a001010101010\n li x17, 0x5a5a001111111111\n"
        "li x18, 0x5a5a001212121212\n li x19, 0x5a5a001313131313\n"
        "li x20, 0x5a5a001414141414\n li x21, 0x5a5a001515151515\n"
        "li x22, 0x5a5a001616161616\n li x23, 0x5a5a001717171717\n"
        "li x24, 0x5a5a001818181818\n li x25, 0x5a5a001919191919\n"
        "li x26, 0x5a5a001a1a1a1a1a\n li x27, 0x5a5a001b1b1b1b1b\n"
        "li x28, 0x5a5a001c1c1c1c1c\n li x29, 0x5a5a001d1d1d1d1d\n"
        "li x30, 0x5a5a001e1e1e1e1e\n li x31, 0x5a5a001f1f1f1f1f\n"
        "la t1, sigtest_regs_flag\n"
        "la t2, sigtest_regs_out\n"
        "sd sp, 16(t2)\n"
        "1: ld t0, 0(t1)\n"
        "beqz t0, 1b\n"
        "sd sp, 0(t2)\n"
        "sd x1, 8(t2)\n sd x3, 24(t2)\n sd x4, 32(t2)\n sd x6, 48(t2)\n sd x7, 56(t2)\n"
        "sd x8, 64(t2)\n sd x9, 72(t2)\n sd x10, 80(t2)\n sd x11, 88(t2)\n"
        "sd x12, 96(t2)\n sd x13, 104(t2)\n sd x14, 112(t2)\n sd x15, 120(t2)\n"
        "sd x16, 128(t2)\n sd x17, 136(t2)\n sd x18, 144(t2)\n sd x19, 152(t2)\n"
        "sd x20, 160(t2)\n sd x21, 168(t2)\n sd x22, 176(t2)\n sd x23, 184(t2)\n"
        "sd x24, 192(t2)\n sd x25, 200(t2)\n sd x26, 208(t2)\n sd x27, 216(t2)\n"
        "sd x28, 224(t2)\n sd x29, 232(t2)\n sd x30, 240(t2)\n sd x31, 248(t2)\n"
        "la t1, sigtest_fp_out\n"
        "fsd f0, 0(t1)\n fsd f1, 8(t1)\n fsd f2, 16(t1)\n fsd f3, 24(t1)\n"
        "fsd f4, 32(t1)\n fsd f5, 40(t1)\n fsd f6, 48(t1)\n fsd f7, 56(t1)\n"
        "fsd f8, 64(t1)\n fsd f9, 72(t1)\n fsd f10, 80(t1)\n fsd f11, 88(t1)\n"
        "fsd f12, 96(t1)\n fsd f13, 104(t1)\n fsd f14, 112(t1)\n fsd f15, 120(t1)\n"
        "fsd f16, 128(t1)\n fsd f17, 136(t1)\n fsd f18, 144(t1)\n fsd f19, 152(t1)\n"
        "fsd f20, 160(t1)\n fsd f21, 168(t1)\n fsd f22, 176(t1)\n fsd f23, 184(t1)\n"
        "fsd f24, 192(t1)\n fsd f25, 200(t1)\n fsd f26, 208(t1)\n fsd f27, 216(t1)\n"
        "fsd f28, 224(t1)\n fsd f29, 232(t1)\n fsd f30, 240(t1)\n fsd f31, 248(t1)\n"
        "frcsr t0\n la t1, sigtest_fcsr_out\n sd t0, 0(t1)\n"
        "ld ra, 0(sp)\n ld s0, 8(sp)\n ld s1, 16(sp)\n ld s2, 24(sp)\n ld s3, 32(sp)\n"
        "ld s4, 40(sp)\n ld s5, 48(sp)\n ld s6, 56(sp)\n ld s7, 64(sp)\n ld s8, 72(sp)\n"
        "ld s9, 80(sp)\n ld s10, 88(sp)\n ld s11, 96(sp)\n"
        "addi sp, sp, 112\n"
        "ret\n");
}

/* Clobbers every caller-saved register, all FP registers and fcsr, then lets the loop end. */
static void regs_clobber(int sig)
{
    (void)sig;
    __asm__ volatile("fscsr zero\n"
                     "fmv.d.x f0, zero\n fmv.d.x f1, zero\n fmv.d.x f2, zero\n fmv.d.x f3, zero\n"
                     "fmv.d.x f4, zero\n fmv.d.x f5, zero\n fmv.d.x f6, zero\n fmv.d.x f7, zero\n"
                     "fmv.d.x f8, zero\n fmv.d.x f9, zero\n fmv.d.x f10, zero\n"
                     "fmv.d.x f11, zero\n fmv.d.x f12, zero\n fmv.d.x f13, zero\n"
                     "fmv.d.x f14, zero\n fmv.d.x f15, zero\n fmv.d.x f16, zero\n"
                     "fmv.d.x f17, zero\n fmv.d.x f18, zero\n fmv.d.x f19, zero\n"
                     "fmv.d.x f20, zero\n fmv.d.x f21, zero\n fmv.d.x f22, zero\n"
                     "fmv.d.x f23, zero\n fmv.d.x f24, zero\n fmv.d.x f25, zero\n"
                     "fmv.d.x f26, zero\n fmv.d.x f27, zero\n fmv.d.x f28, zero\n"
                     "fmv.d.x f29, zero\n fmv.d.x f30, zero\n fmv.d.x f31, zero\n"
                     "li t0, 0\n li t1, 0\n li t2, 0\n li t3, 0\n li t4, 0\n li t5, 0\n"
                     "li t6, 0\n li a3, 0\n li a4, 0\n li a5, 0\n li a6, 0\n li a7, 0\n" ::
                         : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a3", "a4", "a5", "a6", "a7",
                           "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11",
                           "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21",
                           "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31");
    got++;
    sigtest_regs_flag = 1;
}

static void test_all_registers_saved(void)
{
    for (int i = 0; i < 32; i++)
        sigtest_fp_in[i] = 0x3ff0000000000000UL | (unsigned long)i << 40 | (unsigned long)i;
    unsigned long gp, tp;
    __asm__ volatile("mv %0, gp\n mv %1, tp" : "=r"(gp), "=r"(tp));
    on(SIGALRM, regs_clobber, 0);
    struct itimerval it = {{0, 0}, {0, 30000}};
    setitimer(ITIMER_REAL, &it, NULL);
    sigtest_regs_spin();
    const unsigned long *r = sigtest_regs_out;
    CHECK(got == 1, "%d handlers ran", got);
    CHECK(r[0] == r[2], "sp 0x%lx after the handler, 0x%lx before", r[0], r[2]);
    CHECK(r[3] == gp && r[4] == tp, "gp 0x%lx tp 0x%lx, expected 0x%lx 0x%lx", r[3], r[4], gp, tp);
    CHECK(r[6] == (unsigned long)&sigtest_regs_flag && r[7] == (unsigned long)sigtest_regs_out,
          "t1/t2 changed: 0x%lx 0x%lx", r[6], r[7]);
    for (int n = 1; n < 32; n++)
        if (n == 1 || n >= 8)
            CHECK(r[n] == REG_PATTERN(n), "x%d was 0x%lx after the handler, expected 0x%lx", n,
                  r[n], REG_PATTERN(n));
    for (int i = 0; i < 32; i++)
        CHECK(sigtest_fp_out[i] == sigtest_fp_in[i],
              "f%d was 0x%lx after the handler, expected 0x%lx", i, sigtest_fp_out[i],
              sigtest_fp_in[i]);
    CHECK(sigtest_fcsr_out == 0x2a, "fcsr 0x%lx after the handler, expected 0x2a",
          sigtest_fcsr_out);
}

/* Where forged frames resume. */
static void priv_probe(void)
{
    unsigned long v;
    __asm__ volatile("csrr %0, sstatus" : "=r"(v)); /* SIGILL in U-mode */
    _exit(5);
}

/* Needs no register: exit(42) straight from whatever state sigreturn left. */
__attribute__((naked, noinline)) static void exit_42(void)
{
    __asm__ volatile("li a0, 42\n li a7, 93\n ecall\n unimp\n");
}
_Static_assert(NR__exit == 93, "exit_42's system call number");

static void forge_handler(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ucv;
    switch (forge_case) {
    case 0:
        uc->uc_flags = 0xdead;
        break; /* bad magic */
    case 1:
        uc->uc_mcontext.pc = KERNEL_TEXT;
        break; /* into the kernel */
    case 2:
        uc->uc_mcontext.pc |= 1;
        break; /* not on an instruction boundary */
    case 3:
        uc->uc_sigmask = ~0UL;
        break; /* block everything */
    case 4:
        uc->uc_mcontext.fcsr = ~0UL;
        break; /* undefined fcsr bits */
    case 5:
        uc->uc_mcontext.pc = (unsigned long)priv_probe;
        break; /* resumes in U-mode: csrr traps */
    case 6:
        for (int i = 1; i < 32; i++) /* sp, gp, tp too */
            uc->uc_mcontext.x[i] = KERNEL_TEXT + 8 * i;
        uc->uc_mcontext.pc = (unsigned long)exit_42;
        break;
    case 7:
        uc->uc_mcontext.x[2] = KERNEL_TEXT; /* a kernel sp: no frame fits there */
        break;
    }
}

static void segv_never(int sig)
{
    (void)sig;
    _exit(9);
}

static void test_sigreturn_forged(void)
{
    /* how each forged frame must end: signal, or exit status */
    static const struct {
        int sig, code;
    } expect[] = {{SIGSEGV, 0}, {SIGSEGV, 0}, {SIGSEGV, 0}, {0, 0},
                  {0, 0},       {SIGILL, 0},  {0, 42},      {SIGSEGV, 0}};
    for (int i = 0; i < 8; i++) {
        pid_t pid = xfork();
        if (pid == 0) {
            forge_case = i;
            on_info(SIGUSR1, forge_handler, 0);
            if (i == 7)
                on(SIGSEGV, segv_never, 0);
            raise(SIGUSR1);
            /* cases 3 and 4 come back: SIGKILL/SIGSTOP still unblocked */
            sigset_t cur;
            sigprocmask(SIG_BLOCK, NULL, &cur);
            if (sigismember(&cur, SIGKILL) || sigismember(&cur, SIGSTOP))
                _exit(3);
            unsigned long fcsr;
            __asm__ volatile("frcsr %0" : "=r"(fcsr));
            _exit(fcsr > 0xff ? 4 : 0);
        }
        int st = xwait(pid);
        if (expect[i].sig)
            CHECK(WIFSIGNALED(st) && WTERMSIG(st) == expect[i].sig,
                  "forged frame %d: status 0x%x, expected death by %s", i, st,
                  strsignal(expect[i].sig));
        else
            CHECK(WIFEXITED(st) && WEXITSTATUS(st) == expect[i].code,
                  "forged frame %d: status 0x%x, expected exit %d", i, st, expect[i].code);
    }
    /* rt_sigreturn with garbage at sp, without any signal. */
    pid_t pid = xfork();
    if (pid == 0) {
        rt_sigreturn();
        _exit(0);
    }
    int st = xwait(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "bare sigreturn: status 0x%x", st);
}

static const struct sigtest frame_tests[] = {
    {"fp-state-saved", test_fp_saved},
    {"all-registers-saved", test_all_registers_saved},
    {"sigreturn-forged", test_sigreturn_forged},
};
SIGTEST_REGISTER(frame_tests);
