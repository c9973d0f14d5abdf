/*
 * NS16550A UART.  Received characters arrive by interrupt (PLIC) and go to
 * the console line discipline; output goes through a transmit ring drained by
 * the "transmitter empty" interrupt, or synchronously for kernel printf.
 */
#ifndef DEV_UART_H
#define DEV_UART_H

#include "types.h"

void uart_init(paddr_t base, uint32_t irq);
/* Enable the receive interrupt (after the PLIC is set up). */
void uart_enable_irq(void);
/* Write c, spinning until the transmitter has room (printf, panic). */
void uart_putc_sync(int c);
/* Queue n bytes for interrupt-driven output; sleeps while the ring is full. */
void uart_write(const char *buf, size_t n);

#endif
