/*
 * Kernel printf and panic.  A printf call is formatted into a buffer first and
 * written out while holding the console lock, so each call's output is one
 * unbroken piece even when every hart prints at once.  After a panic the lock
 * is ignored: getting the message out matters more than tidiness.
 */
#include "lib/printf.h"
#include "lib/backtrace.h"
#include "sync/spinlock.h"
#include "proc/cpu.h"
#include "arch/riscv/smp.h"

volatile int panicked;

static struct spinlock print_lock = SPINLOCK_INIT("printf");
static void (*out_putc)(int c);

void printf_set_output(void (*putc_sync)(int c))
{
    out_putc = putc_sync;
}

static void emit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            out_putc('\r');
        out_putc(s[i]);
    }
}

int vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t len = MIN((size_t)n, sizeof(buf) - 1);
    if (!out_putc)
        return n;
    if (panicked) {
        emit(buf, len);
        return n;
    }
    spin_lock(&print_lock);
    emit(buf, len);
    spin_unlock(&print_lock);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

/* Claim the panic (a second panicking hart just stops) and halt the others. */
void panic_begin(void)
{
    intr_push();
    if (__atomic_exchange_n(&panicked, 1, __ATOMIC_SEQ_CST))
        smp_halt_self();
    smp_stop_others();
}

void panic_end(void)
{
    printf("system halted\n");
    smp_halt_self();
}

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    panic_begin();
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("\npanic: %s\n", buf);
    printf("  on hart %lu (cpu %d)\n", this_cpu()->hartid, this_cpu()->id);
    printf("backtrace:\n");
    backtrace_print(read_frame_pointer(), 0);
    panic_end();
}
