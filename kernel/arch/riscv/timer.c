/* Timer: Sstc when available, the SBI TIME extension otherwise. */
#include "arch/riscv/timer.h"
#include "arch/riscv/riscv.h"
#include "arch/riscv/sbi.h"
#include "proc/cpu.h"
#include "proc/sched.h"
#include "proc/itimer.h"

#define CSR_STIMECMP 0x14D

volatile uint64_t ticks;
static uint64_t timebase;
static uint64_t interval; /* timebase units per tick */
static unsigned tick_len_ms;

void timer_init(uint64_t timebase_hz, unsigned tick_ms)
{
    timebase = timebase_hz;
    tick_len_ms = tick_ms;
    interval = timebase_hz * tick_ms / 1000;
}

unsigned timer_tick_ms(void)
{
    return tick_len_ms;
}

uint64_t timer_now_ns(void)
{
    uint64_t t = rdtime();
    return t / timebase * 1000000000UL + (t % timebase) * 1000000000UL / timebase;
}

static void write_stimecmp(uint64_t v)
{
    __asm__ volatile("csrw 0x14D, %0" ::"r"(v));
}

/*
 * Sstc needs both the extension in the hart and the firmware's permission
 * (menvcfg.STCE).  Try the CSR: an illegal-instruction trap means "no".
 */
static bool probe_sstc(void)
{
    struct cpu *c = this_cpu();
    c->probe_trapped = false;
    c->probing = true;
    write_stimecmp(-1UL);
    c->probing = false;
    return !c->probe_trapped;
}

static void set_next(uint64_t when)
{
    if (this_cpu()->has_sstc)
        write_stimecmp(when);
    else
        sbi_set_timer(when);
}

void timer_init_hart(void)
{
    struct cpu *c = this_cpu();
    if (c->has_sstc)
        c->has_sstc = probe_sstc();
    set_next(rdtime() + interval);
}

const char *timer_kind(void)
{
    return this_cpu()->has_sstc ? "sstc" : "sbi";
}

void timer_interrupt(void)
{
    struct cpu *c = this_cpu();
    set_next(rdtime() + interval);
    c->ticks++;
    if (c->id == 0)
        itimer_tick(__atomic_add_fetch(&ticks, 1, __ATOMIC_RELAXED));
    sched_tick();
}
