/*
 * The signal frame: the FP registers of the interrupted code survive a
 * handler that uses them, and sigreturn refuses a frame the handler forged
 * (bad magic, a kernel pc: SIGSEGV) or cleans it (a mask that blocks
 * SIGKILL, undefined fcsr bits), and a bare rt_sigreturn is a SIGSEGV.
 */
#include "sigtest.h"

#define KERNEL_TEXT 0xffffffc080200000UL

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
        uc->uc_sigmask = ~0UL;
        break; /* block everything */
    case 3:
        uc->uc_mcontext.fcsr = ~0UL;
        break; /* undefined fcsr bits */
    }
}

static void test_sigreturn_forged(void)
{
    for (int i = 0; i < 4; i++) {
        pid_t pid = xfork();
        if (pid == 0) {
            forge_case = i;
            on_info(SIGUSR1, forge_handler, 0);
            raise(SIGUSR1);
            /* cases 2 and 3 come back: SIGKILL/SIGSTOP still unblocked */
            sigset_t cur;
            sigprocmask(SIG_BLOCK, NULL, &cur);
            if (sigismember(&cur, SIGKILL) || sigismember(&cur, SIGSTOP))
                _exit(3);
            unsigned long fcsr;
            __asm__ volatile("frcsr %0" : "=r"(fcsr));
            _exit(fcsr > 0xff ? 4 : 0);
        }
        int st = xwait(pid);
        if (i < 2)
            CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "forged frame %d: status 0x%x", i,
                  st);
        else
            CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "forged frame %d: status 0x%x", i, st);
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
    {"sigreturn-forged", test_sigreturn_forged},
};
SIGTEST_REGISTER(frame_tests);
