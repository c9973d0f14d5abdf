/*
 * Faults as signals: SIGSEGV with its address and code, caught and left by
 * siglongjmp; SIGILL and SIGTRAP handlers that step over the instruction
 * through the saved context; the exit status of a process a fault kills
 * (even with the signal blocked), and abort().
 */
#include "sigtest.h"

/* An address no program maps: a store there is a SIGSEGV. */
static volatile int *volatile bad_ptr = (int *)16;

static sigjmp_buf jb;
static void segv_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    last_info = *si;
    siglongjmp(jb, sig);
}

static void test_segv_longjmp(void)
{
    on_info(SIGSEGV, segv_handler, 0);
    volatile int *bad = (int *)0x12345678;
    int r = sigsetjmp(jb, 1);
    if (r == 0) {
        *bad = 1;
        fail("store to an unmapped address did not fault");
    }
    CHECK(r == SIGSEGV, "longjmp value %d", r);
    CHECK(last_info.si_code == SEGV_MAPERR, "si_code %d", last_info.si_code);
    CHECK(last_info.si_addr == (void *)bad, "si_addr %p, expected %p", last_info.si_addr, bad);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGSEGV), "siglongjmp left SIGSEGV blocked");
    /* And again: the handler is still installed and the mask was restored. */
    if (sigsetjmp(jb, 1) == 0)
        *bad = 2;
    CHECK(last_info.si_addr == (void *)bad, "second fault not caught");
}

/* SIGILL and SIGTRAP: the handler skips the instruction through the context. */
static void skip_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    last_info = *si;
    got = sig;
    uc->uc_mcontext.pc += 4;
}

static void test_fault_fixup_return(void)
{
    on_info(SIGILL, skip_handler, 0);
    on_info(SIGTRAP, skip_handler, 0);
    uintptr_t pc;
    __asm__ volatile("auipc %0, 0\n .word 0x00000000" : "=r"(pc)); /* illegal (all zeros) */
    CHECK(got == SIGILL, "no SIGILL (%d)", got);
    CHECK(last_info.si_code == ILL_ILLOPC && last_info.si_addr == (void *)(pc + 4),
          "SIGILL code %d addr %p (pc %p)", last_info.si_code, last_info.si_addr, (void *)(pc + 4));
    got = 0;
    __asm__ volatile(".word 0x00100073"); /* ebreak */
    CHECK(got == SIGTRAP && last_info.si_code == TRAP_BRKPT, "SIGTRAP: %d code %d", got,
          last_info.si_code);
}

static void test_fault_status(void)
{
    pid_t pid = xfork();
    if (pid == 0) {
        *bad_ptr = 1;
        _exit(0);
    }
    int st = xwait(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status 0x%x", st);
    pid = xfork();
    if (pid == 0) {
        __asm__ volatile(".word 0x00000000");
        _exit(0);
    }
    st = xwait(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL, "status 0x%x", st);
    pid = xfork();
    if (pid == 0) {
        /* a blocked SIGSEGV cannot hold a fault back: the process dies */
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSEGV);
        sigprocmask(SIG_BLOCK, &s, NULL);
        *bad_ptr = 1;
        _exit(0);
    }
    st = xwait(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "blocked: status 0x%x", st);
    pid = xfork();
    if (pid == 0)
        abort();
    st = xwait(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "abort: status 0x%x", st);
}

static const struct sigtest fault_tests[] = {
    {"segv-siginfo-longjmp", test_segv_longjmp},
    {"fault-handler-returns", test_fault_fixup_return},
    {"fault-status", test_fault_status},
};
SIGTEST_REGISTER(fault_tests);
