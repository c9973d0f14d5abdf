/*
 * Console line discipline.  The input ring holds three regions:
 *   [rd, committed)   complete lines that readers may take
 *   [committed, wr)   the line being edited (echoed, not yet readable)
 * All indexes grow forever and are taken modulo INPUT_SIZE; guarded by
 * cons_lock.
 */
#include "dev/console.h"
#include "dev/uart.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"
#include "proc/proc.h"
#include "abi/errno.h"

#define INPUT_SIZE 256
#define CTRL(c) ((c) - '@')

static struct spinlock cons_lock = SPINLOCK_INIT("console");
static char input[INPUT_SIZE];
static uint64_t rd, committed, wr;
static struct waitq readers = WAITQ_INIT(readers, "console read");

/* Echo from interrupt context: spin on the transmitter, never sleep. */
static void echo(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        uart_putc_sync(s[i]);
}

static void commit_locked(void)
{
    committed = wr;
    waitq_wake_all(&readers);
}

void console_input(int c)
{
    spin_lock(&cons_lock);
    switch (c) {
    case 0x7f:
    case '\b':
        if (wr != committed) {
            wr--;
            echo("\b \b", 3);
        }
        break;
    case CTRL('U'):
        while (wr != committed) {
            wr--;
            echo("\b \b", 3);
        }
        break;
    case CTRL('D'):
        input[wr++ % INPUT_SIZE] = CTRL('D');
        commit_locked();
        break;
    default:
        if (c == '\r')
            c = '\n';
        if (wr - rd >= INPUT_SIZE - 1 && c != '\n')
            break; /* line full: drop until Enter */
        input[wr++ % INPUT_SIZE] = (char)c;
        echo(c == '\n' ? "\r\n" : (char[]){(char)c}, c == '\n' ? 2 : 1);
        if (c == '\n')
            commit_locked();
    }
    spin_unlock(&cons_lock);
}

ssize_t console_read(char *buf, size_t n)
{
    size_t got = 0;
    spin_lock(&cons_lock);
    while (rd == committed) {
        if (proc_killed()) {
            spin_unlock(&cons_lock);
            return -EINTR;
        }
        waitq_sleep(&readers, &cons_lock);
    }
    while (got < n && rd != committed) {
        char c = input[rd % INPUT_SIZE];
        if (c == CTRL('D')) {
            if (got == 0)
                rd++; /* an EOF on its own is consumed; else left for next read */
            break;
        }
        rd++;
        buf[got++] = c;
        if (c == '\n')
            break;
    }
    spin_unlock(&cons_lock);
    return (ssize_t)got;
}

/* Output: a newline goes out as CR LF, as a terminal expects (tty ONLCR). */
ssize_t console_write(const char *buf, size_t n)
{
    char out[128];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k + 2 > sizeof(out)) {
            uart_write(out, k);
            k = 0;
        }
        if (buf[i] == '\n')
            out[k++] = '\r';
        out[k++] = buf[i];
    }
    uart_write(out, k);
    return (ssize_t)n;
}
