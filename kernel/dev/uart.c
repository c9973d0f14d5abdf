/*
 * NS16550A driver.  Registers (byte offsets from the device-tree base):
 *   0 RBR/THR   1 IER   2 ISR/FCR   3 LCR   5 LSR
 * The transmit ring (tx_buf) is guarded by uart_lock; the sync path drains it
 * first so output stays in order.  Lock order: printf -> uart.
 */
#include "dev/uart.h"
#include "dev/console.h"
#include "arch/riscv/plic.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"
#include "lib/printf.h"
#include "mm/layout.h"

#define RBR 0
#define THR 0
#define IER 1
#define FCR 2
#define ISR 2
#define LCR 3
#define LSR 5

#define IER_RX (1 << 0)
#define IER_TX (1 << 1)
#define LSR_RX_READY (1 << 0)
#define LSR_TX_EMPTY (1 << 5)

#define TX_SIZE 1024

static volatile uint8_t *uart;
static uint32_t uart_irq;
static struct spinlock uart_lock = SPINLOCK_INIT("uart");
static char tx_buf[TX_SIZE];
static uint64_t tx_head, tx_tail; /* (uart_lock) write at head, send from tail */
static struct waitq tx_wq = WAITQ_INIT(tx_wq, "uart tx");

static uint8_t rd(int r)
{
    return uart[r];
}

static void wr(int r, uint8_t v)
{
    uart[r] = v;
}

void uart_init(paddr_t base, uint32_t irq)
{
    uart = pa_to_kva(base);
    uart_irq = irq;
    wr(IER, 0);
    wr(LCR, 0x80); /* divisor latch: QEMU ignores the rate, hardware wants one */
    wr(0, 0x03);
    wr(1, 0x00);
    wr(LCR, 0x03); /* 8 data bits, no parity, 1 stop bit */
    wr(FCR, 0x07); /* enable and clear the FIFOs */
}

/* Send queued bytes while the transmitter has room. */
static void tx_drain_locked(void)
{
    ASSERT_HELD(&uart_lock);
    while (tx_tail != tx_head && (rd(LSR) & LSR_TX_EMPTY)) {
        wr(THR, tx_buf[tx_tail % TX_SIZE]);
        tx_tail++;
    }
    wr(IER, IER_RX | (tx_tail != tx_head ? IER_TX : 0));
}

void uart_putc_sync(int c)
{
    if (!uart)
        return;
    if (panicked) { /* no locks: the holder may be halted */
        while (!(rd(LSR) & LSR_TX_EMPTY))
            ;
        wr(THR, c);
        return;
    }
    spin_lock(&uart_lock);
    while (tx_tail != tx_head) {
        while (!(rd(LSR) & LSR_TX_EMPTY))
            ;
        wr(THR, tx_buf[tx_tail++ % TX_SIZE]);
    }
    while (!(rd(LSR) & LSR_TX_EMPTY))
        ;
    wr(THR, c);
    spin_unlock(&uart_lock);
}

void uart_write(const char *buf, size_t n)
{
    spin_lock(&uart_lock);
    for (size_t i = 0; i < n; i++) {
        while (tx_head - tx_tail == TX_SIZE) {
            tx_drain_locked();
            if (tx_head - tx_tail == TX_SIZE)
                waitq_sleep(&tx_wq, &uart_lock);
        }
        tx_buf[tx_head++ % TX_SIZE] = buf[i];
    }
    tx_drain_locked();
    spin_unlock(&uart_lock);
}

static void uart_interrupt(void *arg)
{
    (void)rd(ISR);
    while (rd(LSR) & LSR_RX_READY)
        console_input(rd(RBR));
    spin_lock(&uart_lock);
    tx_drain_locked();
    spin_unlock(&uart_lock);
    waitq_wake_all(&tx_wq);
}

void uart_enable_irq(void)
{
    if (plic_register(uart_irq, uart_interrupt, NULL) != 0)
        printf("uart: cannot route irq %u\n", uart_irq);
    wr(IER, IER_RX);
}
