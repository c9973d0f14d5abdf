/*
 * Starting the other harts and talking to them.  Harts interrupt each other
 * with IPIs (SBI IPI extension -> supervisor software interrupt); the reason
 * is a bit in the target's cpu->ipi_pending.
 */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include "types.h"

#define IPI_RESCHED (1U << 0) /* look at the run queue */
#define IPI_STOP (1U << 1)    /* halt: another hart panicked */
#define IPI_DRAIN (1U << 2)   /* return per-hart cached objects to the slabs */

/* Start every hart the device tree lists, waiting for each to come online;
 * returns how many harts are online (this one included). */
int smp_boot_secondaries(void);
void ipi_send(int cpu, uint32_t reason);
void ipi_interrupt(void);
void smp_stop_others(void);
/* Have every other hart drain its per-hart slab caches; waits (briefly) for them. */
void smp_drain_all(void);
void smp_halt_self(void) __attribute__((noreturn));

#endif
