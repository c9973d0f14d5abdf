/*
 * Per-hart timer interrupts.  Each hart programs its own next deadline:
 * directly in the stimecmp CSR when the hart has Sstc (probed at boot), else
 * through the SBI TIME extension.  Every tick_ms milliseconds the hart takes a
 * timer interrupt and calls sched_tick(); cpu 0 also advances the global tick
 * count.
 */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include "types.h"

extern volatile uint64_t ticks; /* global tick count (cpu 0's timer) */

void timer_init(uint64_t timebase_hz, unsigned tick_ms);
void timer_init_hart(void);
void timer_interrupt(void);
uint64_t timer_now_ns(void);
unsigned timer_tick_ms(void);
const char *timer_kind(void);

#endif
