/*
 * The floating-point registers survive the kernel: system calls, switches to
 * other processes that use them too, moves between harts, and signal
 * handlers that change them.  The kernel loads a process's FP state only
 * when its hart's registers do not hold it already, at the first FP
 * instruction after it returns to user mode (sstatus.FS Off until then, see
 * kernel/arch/riscv/trap.c), so these tests are what catches a skipped
 * load.  The registers are loaded, kept across system calls and read back
 * inside one asm block, so the compiler never touches them in between.
 */
#include "ut.h"

#include <signal.h>
#include <stdint.h>

#if QUILL

/* System-call numbers, from the one table. */
enum {
#define SYSCALL(nr, name, ret, params) NR_##name = nr,
#include "abi/syscalls.def"
#undef SYSCALL
};

/* clang-format off */
#define F_ALL(OP) \
    OP(0) OP(1) OP(2) OP(3) OP(4) OP(5) OP(6) OP(7) OP(8) OP(9) OP(10) OP(11) OP(12) OP(13) \
    OP(14) OP(15) OP(16) OP(17) OP(18) OP(19) OP(20) OP(21) OP(22) OP(23) OP(24) OP(25) \
    OP(26) OP(27) OP(28) OP(29) OP(30) OP(31)
/* clang-format on */
#define F_LOAD(n) "fld f" #n ", " #n "*8(%[in])\n"
#define F_STORE(n) "fsd f" #n ", " #n "*8(%[out])\n"

/*
 * Load f0..f31 from in, make `calls` system calls nr(a0, a1) from one asm
 * block, then store f0..f31 to out.
 */
static void fp_hold_across_calls(const uint64_t in[32], uint64_t out[32], long nr, long a0, long a1,
                                 long calls)
{
    register long r_a0 __asm__("a0");
    register long r_a1 __asm__("a1");
    register long r_a7 __asm__("a7");
    register long r_n __asm__("t1") = calls;
    __asm__ volatile(F_ALL(F_LOAD) "1:\n"
                                   "mv a0, %[a0]\n"
                                   "mv a1, %[a1]\n"
                                   "mv a7, %[nr]\n"
                                   "ecall\n"
                                   "addi %[n], %[n], -1\n"
                                   "bnez %[n], 1b\n" F_ALL(F_STORE)
                     : [n] "+r"(r_n), "=&r"(r_a0), "=&r"(r_a1), "=&r"(r_a7)
                     : [in] "r"(in), [out] "r"(out), [nr] "r"(nr), [a0] "r"(a0), [a1] "r"(a1)
                     : "memory");
}

static void fp_pattern(uint64_t v[32], uint64_t seed)
{
    for (int i = 0; i < 32; i++)
        v[i] = seed * 0x9e3779b97f4a7c15UL + (uint64_t)i * 0x0101010101010101UL;
}

static void fp_check_same(const uint64_t want[32], const uint64_t got[32], const char *what)
{
    for (int i = 0; i < 32; i++)
        CHECK(want[i] == got[i], "%s: f%d is %#lx, was %#lx", what, i, (unsigned long)got[i],
              (unsigned long)want[i]);
}

/* Four processes, each with its own values in all 32 registers, yield to one
 * another (and move between harts) a thousand times each. */
static void test_fp_switch(void)
{
    enum { PROCS = 4, CALLS = 1000 };
    int pids[PROCS];
    for (int k = 0; k < PROCS; k++) {
        if ((pids[k] = xfork()) == 0) {
            uint64_t in[32], out[32];
            fp_pattern(in, (uint64_t)k + 1);
            fp_hold_across_calls(in, out, NR_sched_yield, 0, 0, CALLS);
            fp_check_same(in, out, "after sched_yield");
            fp_hold_across_calls(in, out, NR_getpid, 0, 0, CALLS);
            fp_check_same(in, out, "after getpid");
            _exit(0);
        }
    }
    for (int k = 0; k < PROCS; k++)
        wait_ok(pids[k], "FP process");
}

static volatile int handled;

/* A handler that puts other values into every FP register. */
static void clobber_fp(int sig)
{
    (void)sig;
    static uint64_t junk[32];
    fp_pattern(junk, 0xdead);
    __asm__ volatile(F_ALL(F_LOAD)::[in] "r"(junk) : "memory");
    handled++;
}

/* A signal handler that changes the FP registers returns to code whose own
 * values are back (the signal frame's copy, restored by sigreturn). */
static void test_fp_signal(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = clobber_fp;
    OK(sigaction(SIGUSR1, &sa, NULL));
    uint64_t in[32], out[32];
    fp_pattern(in, 7);
    fp_hold_across_calls(in, out, NR_kill, getpid(), SIGUSR1, 20);
    CHECK(handled == 20, "the handler ran %d times, expected 20", handled);
    fp_check_same(in, out, "after a handler that changed them");
}

static const struct ut_test fp_tests[] = {
    {"fp-switch", test_fp_switch, UT_QUICK, 0, UT_QUILL_ONLY},
    {"fp-signal", test_fp_signal, UT_QUICK, 0, UT_QUILL_ONLY},
};
UT_REGISTER(fp_tests);

#endif
