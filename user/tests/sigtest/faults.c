/*
 * Faults as signals: SIGSEGV with its address and code, caught and left by
 * siglongjmp; a SIGSEGV handler that fixes the cause (mprotect) and
 * returns, so the store runs again and succeeds; SIGBUS for a misaligned
 * access and for a file mapping past the end of its file, SIGILL for a
 * privileged instruction, each with its si_code and si_addr; SIGILL and
 * SIGTRAP handlers that step over the instruction through the saved
 * context; the exit status of a process a fault kills (even with the signal
 * blocked), and abort().
 */
#include "sigtest.h"
#include <fcntl.h>
#include <sys/mman.h>

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

static char *fix_page;
static void fix_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    last_info = *si;
    got++;
    if (sig == SIGSEGV && si->si_addr == fix_page)
        mprotect(fix_page, 4096, PROT_READ | PROT_WRITE);
}

static void test_segv_fix_and_retry(void)
{
    fix_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(fix_page != MAP_FAILED, "mmap: errno %d", errno);
    on_info(SIGSEGV, fix_handler, 0);
    *(volatile char *)fix_page = 'x'; /* faults once; the handler makes it writable */
    CHECK(got == 1, "%d faults", got);
    CHECK(last_info.si_code == SEGV_ACCERR && last_info.si_addr == fix_page,
          "si_code %d si_addr %p, expected SEGV_ACCERR at %p", last_info.si_code, last_info.si_addr,
          fix_page);
    CHECK(fix_page[0] == 'x', "the store was not done again after the handler");
}

/* A fault that a handler leaves with siglongjmp: its siginfo. */
static int fault_info(int sig, void (*fn)(void *), void *arg)
{
    on_info(sig, segv_handler, 0);
    memset((void *)&last_info, 0, sizeof(last_info));
    int r = sigsetjmp(jb, 1);
    if (r == 0) {
        fn(arg);
        return 0;
    }
    signal(sig, SIG_DFL);
    return r;
}

static void misaligned_lr(void *p)
{
    __asm__ volatile("lr.w t1, (%0)" ::"r"(p) : "t1", "memory");
}

static void read_byte(void *p)
{
    (void)*(volatile char *)p;
}

static void privileged(void *p)
{
    (void)p;
    unsigned long v;
    __asm__ volatile("csrr %0, sstatus" : "=r"(v));
}

static void test_sigbus_sigill_codes(void)
{
    static long word[2];
    char *odd = (char *)word + 1;
    CHECK(fault_info(SIGBUS, misaligned_lr, odd) == SIGBUS, "misaligned lr.w: no SIGBUS");
    CHECK(last_info.si_code == BUS_ADRALN && last_info.si_addr == odd,
          "misaligned: si_code %d si_addr %p, expected BUS_ADRALN at %p", last_info.si_code,
          last_info.si_addr, odd);
    /* a mapping of two pages of a file 100 bytes long: the second page has no file under it */
    const char *path = "/sigtest.bus";
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0, "create %s: errno %d", path, errno);
    char buf[100];
    memset(buf, 'b', sizeof(buf));
    CHECK(write(fd, buf, sizeof(buf)) == (long)sizeof(buf), "write: errno %d", errno);
    char *m = mmap(NULL, 2 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    unlink(path);
    CHECK(m != MAP_FAILED, "mmap of the file: errno %d", errno);
    CHECK(m[0] == 'b' && m[99] == 'b' && m[100] == 0, "the file's page: %d %d %d", m[0], m[99],
          m[100]);
    CHECK(fault_info(SIGBUS, read_byte, m + 4096 + 8) == SIGBUS, "past the end: no SIGBUS");
    CHECK(last_info.si_code == BUS_OBJERR && last_info.si_addr == m + 4096 + 8,
          "past the end: si_code %d si_addr %p, expected BUS_OBJERR at %p", last_info.si_code,
          last_info.si_addr, m + 4096 + 8);
    CHECK(fault_info(SIGILL, privileged, NULL) == SIGILL, "csrr sstatus: no SIGILL");
    CHECK(last_info.si_code == ILL_PRVOPC, "privileged: si_code %d, expected ILL_PRVOPC",
          last_info.si_code);
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
    {"segv-fix-and-retry", test_segv_fix_and_retry},
    {"sigbus-sigill-codes", test_sigbus_sigill_codes},
    {"fault-handler-returns", test_fault_fixup_return},
    {"fault-status", test_fault_status},
};
SIGTEST_REGISTER(fault_tests);
