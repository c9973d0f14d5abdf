/*
 * The console: a line discipline over the UART.  Input is cooked: typed
 * characters are echoed, backspace erases one, Ctrl-U erases the line,
 * Enter ends it, Ctrl-D ends input without a newline.  Readers sleep until
 * a whole line is there.
 */
#ifndef DEV_CONSOLE_H
#define DEV_CONSOLE_H

#include "types.h"

/* A character from the UART (interrupt context). */
void console_input(int c);
/* Read up to n bytes of the next line (with its '\n'); 0 at Ctrl-D.  May sleep. */
ssize_t console_read(char *buf, size_t n);
ssize_t console_write(const char *buf, size_t n);

#endif
