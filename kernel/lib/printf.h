/*
 * Formatted output.  vsnprintf() is the host-compilable core; printf() formats
 * a whole call into a buffer and writes it to the console under one lock, so
 * lines from different harts never interleave.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, flags '-' and '0', a field
 * width (or '*'), a precision for %s, and the length modifiers l, ll, z.
 */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include "types.h"

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#ifndef HOST_TEST
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

/* Print a message, a backtrace, and stop every hart.  For broken invariants only. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* A panic with a custom report: panic_begin(); printf(...); panic_end(); */
void panic_begin(void);
void panic_end(void) __attribute__((noreturn));

/* Where console output goes: SBI during early boot, the UART after uart_init(). */
void printf_set_output(void (*putc_sync)(int c));
extern volatile int panicked;
#else
/* Host unit tests: stdio, and panic() is a message and abort()
 * (tests/unit/shim/host_shim.c). */
#include <stdio.h>
#include <stdlib.h>
void host_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
#define panic(...) host_panic(__VA_ARGS__)
#endif

#define ASSERT(e)                                                                                  \
    do {                                                                                           \
        if (unlikely(!(e)))                                                                        \
            panic("assertion failed: %s at %s:%d", #e, __FILE__, __LINE__);                        \
    } while (0)

#endif
