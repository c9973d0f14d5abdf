/*
 * Platform-Level Interrupt Controller.  Devices register a handler for their
 * interrupt source; each hart enables the sources in its S-mode context and
 * claims/completes them in plic_interrupt().
 */
#ifndef ARCH_PLIC_H
#define ARCH_PLIC_H

#include "types.h"

typedef void (*irq_handler_t)(void *arg);

void plic_init(paddr_t base, uint32_t ndev);
void plic_init_hart(void);
/* Route source irq to handler(arg) on every hart, priority 1. */
int plic_register(uint32_t irq, irq_handler_t handler, void *arg);
void plic_interrupt(void);

#endif
