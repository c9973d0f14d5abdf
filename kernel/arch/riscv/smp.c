/*
 * Secondary harts.  The boot hart gives each one a scheduler stack and the
 * kernel page table through its struct cpu, then asks the firmware (SBI HSM
 * hart_start) to run _start_secondary on it with a1 = &cpus[i].  The new hart
 * sets itself up in secondary_main() and enters the scheduler loop.
 */
#include "arch/riscv/smp.h"
#include "mm/page.h"
#include "arch/riscv/sbi.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/trap.h"
#include "arch/riscv/timer.h"
#include "arch/riscv/plic.h"
#include "init/boot.h"
#include "lib/printf.h"
#include "mm/layout.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "proc/cpu.h"
#include "proc/sched.h"

extern char _start_secondary[];

void secondary_main(struct cpu *c);

void ipi_send(int cpu, uint32_t reason)
{
    __atomic_fetch_or(&cpus[cpu].ipi_pending, reason, __ATOMIC_SEQ_CST);
    sbi_send_ipi(1UL, cpus[cpu].hartid);
}

static volatile uint64_t drain_gen;             /* the latest drain request */
static volatile uint64_t drained_gen[NCPU_MAX]; /* the last one each hart did */

void ipi_interrupt(void)
{
    struct cpu *c = this_cpu();
    uint32_t why = __atomic_exchange_n(&c->ipi_pending, 0, __ATOMIC_SEQ_CST);
    if (why & IPI_STOP)
        smp_halt_self();
    if (why & IPI_RESCHED)
        c->need_resched = true;
    if (why & IPI_DRAIN) {
        /* Safe here: interrupts are on only when this hart holds no spinlock. */
        uint64_t gen = drain_gen;
        kmem_drain_local();
        page_drain_local();
        drained_gen[c->id] = gen;
    }
}

void smp_drain_all(void)
{
    uint64_t gen = __atomic_add_fetch(&drain_gen, 1, __ATOMIC_SEQ_CST);
    struct cpu *self = this_cpu();
    for (int i = 0; i < ncpu; i++)
        if (&cpus[i] != self && cpus[i].started)
            ipi_send(i, IPI_DRAIN);
    uint64_t deadline = timer_now_ns() + 200000000UL;
    for (int i = 0; i < ncpu; i++)
        while (&cpus[i] != self && cpus[i].started && drained_gen[i] < gen &&
               timer_now_ns() < deadline)
            ;
}

void smp_stop_others(void)
{
    struct cpu *self = this_cpu();
    for (int i = 0; i < ncpu; i++)
        if (&cpus[i] != self && cpus[i].started)
            ipi_send(i, IPI_STOP);
}

void smp_halt_self(void)
{
    arch_intr_off();
    for (;;)
        arch_wait_for_interrupt();
}

static void start_one(int i)
{
    struct cpu *c = &cpus[i];
    uintptr_t top = kstack_alloc();
    if (!top) {
        printf("smp: no memory for hart %lu's stack; leaving it off\n", c->hartid);
        return;
    }
    c->boot_sp = top;
    c->sched_stack_lo = top - KSTACK_SIZE;
    c->stack_lo = c->sched_stack_lo;
    c->boot_satp = kernel_satp();
    __sync_synchronize();
    /* The firmware may still be bringing the hart to its stopped state
     * (SBI_ERR_ALREADY_AVAILABLE): wait for that and try again. */
    long err;
    uint64_t give_up = timer_now_ns() + 2000000000UL;
    while ((err = sbi_hart_start(c->hartid, kva_to_pa(_start_secondary), (unsigned long)c)) ==
               SBI_ERR_ALREADY_AVAILABLE &&
           timer_now_ns() < give_up) {
        uint64_t until = timer_now_ns() + 1000000;
        while (timer_now_ns() < until)
            ;
    }
    if (err) {
        printf("smp: hart %lu did not start (SBI error %ld)\n", c->hartid, err);
        return;
    }
    uint64_t deadline = timer_now_ns() + 5000000000UL;
    while (!READ_ONCE(c->started) && timer_now_ns() < deadline)
        ;
    if (!c->started)
        printf("smp: hart %lu did not come online\n", c->hartid);
}

int smp_boot_secondaries(void)
{
    int online = 1;
    for (int i = 0; i < ncpu; i++) {
        if (&cpus[i] == this_cpu())
            continue;
        start_one(i);
        online += cpus[i].started;
    }
    return online;
}

/* First C code on a secondary hart: tp = c, on its scheduler stack. */
void secondary_main(struct cpu *c)
{
    c->emerg_sp = cpu_emergency_stack_top(c->id);
    trap_init_hart();
    timer_init_hart();
    plic_init_hart();
    printf("hart %lu started (cpu %d)\n", c->hartid, c->id);
    __atomic_store_n(&c->started, true, __ATOMIC_SEQ_CST);
    boot_run_hooks(BOOT_HOOK_EVERY_HART);
    sched_loop();
}
