/*
 * PLIC driver.  Register map (offsets from the base the device tree gives):
 *   0x000000 + 4*irq            priority of each source
 *   0x002000 + 0x80*ctx         enable bits for a context
 *   0x200000 + 0x1000*ctx       priority threshold of a context
 *   0x200004 + 0x1000*ctx       claim / complete
 * Which context belongs to which hart's S-mode comes from the PLIC's
 * interrupts-extended property (lib/fdt.c); it is cpu->plic_ctx.
 */
#include "arch/riscv/plic.h"
#include "lib/printf.h"
#include "mm/layout.h"
#include "proc/cpu.h"

#define PLIC_MAX_IRQ 128

struct irq_slot {
    irq_handler_t handler;
    void *arg;
};

static volatile uint8_t *plic;
static uint32_t plic_ndev;
static struct irq_slot irqs[PLIC_MAX_IRQ];

static volatile uint32_t *reg(uint64_t off)
{
    return (volatile uint32_t *)(plic + off);
}

static void enable_on(int ctx, uint32_t irq)
{
    if (ctx >= 0)
        __atomic_fetch_or(reg(0x2000 + 0x80 * ctx + 4 * (irq / 32)), 1U << (irq % 32),
                          __ATOMIC_RELAXED);
}

void plic_init(paddr_t base, uint32_t ndev)
{
    plic = pa_to_kva(base);
    plic_ndev = MIN(ndev, PLIC_MAX_IRQ - 1);
}

int plic_register(uint32_t irq, irq_handler_t handler, void *arg)
{
    if (!plic || irq == 0 || irq > plic_ndev)
        return -1;
    irqs[irq].arg = arg;
    irqs[irq].handler = handler;
    *reg(4 * irq) = 1;
    /* Enable on every hart that is already running; later harts enable
     * all registered sources in plic_init_hart(). */
    for (int i = 0; i < ncpu; i++) {
        if (cpus[i].started || &cpus[i] == this_cpu())
            enable_on(cpus[i].plic_ctx, irq);
    }
    return 0;
}

void plic_init_hart(void)
{
    int ctx = this_cpu()->plic_ctx;
    if (ctx < 0)
        return;
    for (uint32_t irq = 1; irq <= plic_ndev; irq++)
        if (irqs[irq].handler)
            enable_on(ctx, irq);
    *reg(0x200000 + 0x1000 * ctx) = 0;
}

void plic_interrupt(void)
{
    int ctx = this_cpu()->plic_ctx;
    uint32_t irq;
    if (ctx < 0)
        return;
    while ((irq = *reg(0x200004 + 0x1000 * ctx)) != 0) {
        if (irq < PLIC_MAX_IRQ && irqs[irq].handler)
            irqs[irq].handler(irqs[irq].arg);
        else
            printf("plic: spurious interrupt %u\n", irq);
        *reg(0x200004 + 0x1000 * ctx) = irq;
    }
}
