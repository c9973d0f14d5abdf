/*
 * usertests, faults: loads, stores and jumps to unmapped, read-only or kernel
 * memory, illegal and privileged instructions, misaligned atomics; each must
 * kill the faulting process (and only it) with the right signal.
 */
#include "ut.h"

static void test_fault_load(void)
{
    volatile long *p = (volatile long *)unmapped_addr();
    long v = *p;
    fail("load from unmapped %p gave %ld", (void *)p, v);
}

static void test_fault_store(void)
{
    *(volatile long *)unmapped_addr() = 1;
    fail("store to an unmapped address succeeded");
}

static void test_fault_text(void)
{
    volatile unsigned char *p = (volatile unsigned char *)(uintptr_t)&test_fault_text;
    *p = *p;
    fail("store to the program's own text succeeded");
}

static void test_fault_kread(void)
{
    long v = *(volatile long *)KERNEL_ADDR;
    fail("user load from kernel memory gave %#lx", v);
}

static void test_fault_kwrite(void)
{
    *(volatile long *)KERNEL_ADDR = 0;
    fail("user store to kernel memory succeeded");
}

static void test_fault_jump(void)
{
    void (*f)(void) = (void (*)(void))(uintptr_t)unmapped_addr();
    f();
    fail("jump to an unmapped address returned");
}

static void test_fault_kjump(void)
{
    void (*f)(void) = (void (*)(void))(uintptr_t)KERNEL_ADDR;
    f();
    fail("jump into the kernel returned");
}

static void test_fault_illegal(void)
{
#if QUILL
    __asm__ volatile(".4byte 0");
#else
    __builtin_trap();
#endif
    fail("an illegal instruction executed");
}

static void test_fault_priv(void)
{
#if QUILL
    unsigned long x;
    __asm__ volatile("csrr %0, sstatus" : "=r"(x));
    fail("csrr sstatus in user mode gave %#lx", x);
#endif
}

static void test_fault_misalign(void)
{
#if QUILL
    static unsigned int words[4] __attribute__((aligned(16)));
    uintptr_t a = (uintptr_t)words + 2;
    int v;
    __asm__ volatile("lr.w %0, (%1)" : "=r"(v) : "r"(a) : "memory");
    fail("misaligned lr.w succeeded (%d)", v);
#endif
}

/* A fault kills the faulting process only. */
static void test_fault_alone(void)
{
    int p[2];
    OK(pipe(p));
    int sib = xfork();
    if (sib == 0) {
        char c;
        close(p[1]);
        _exit(read(p[0], &c, 1) == 1 && c == 'x' ? 7 : 8);
    }
    int pid = xfork();
    if (pid == 0) {
        *(volatile int *)unmapped_addr() = 1;
        _exit(0);
    }
    CHECK(wait_signal(pid) == SIGSEGV, "faulting child: wrong signal");
    xwrite(p[1], "x", 1);
    CHECK(wait_exit(sib) == 7, "the faulting child's sibling was disturbed");
}

static const struct ut_test fault_tests[] = {
    {"fault-load", test_fault_load, UT_QUICK, SIGSEGV, UT_ANY},
    {"fault-store", test_fault_store, UT_QUICK, SIGSEGV, UT_ANY},
    {"fault-text", test_fault_text, UT_QUICK, SIGSEGV, UT_ANY},
    {"fault-kread", test_fault_kread, UT_QUICK, SIGSEGV, UT_ANY},
    {"fault-kwrite", test_fault_kwrite, UT_QUICK, SIGSEGV, UT_ANY},
    {"fault-jump", test_fault_jump, UT_QUICK, SIGSEGV, UT_ANY},
    {"fault-kjump", test_fault_kjump, UT_QUICK, SIGSEGV, UT_ANY},
    {"fault-illegal", test_fault_illegal, UT_QUICK, SIGILL, UT_ANY},
    {"fault-priv", test_fault_priv, UT_QUICK, SIGILL, UT_QUILL_ONLY},
    {"fault-misalign", test_fault_misalign, UT_QUICK, SIGBUS, UT_QUILL_ONLY},
    {"fault-alone", test_fault_alone, UT_QUICK, 0, UT_ANY},
};
UT_REGISTER(fault_tests);
