/*
 * The console: a terminal over the UART.  A line discipline (canonical or
 * raw, echo, ^C ^\ ^Z as signals to the foreground process group), the
 * terminal modes of abi/termios.h, and job control (SIGTTIN for background
 * readers).  See console.c.
 */
#ifndef DEV_CONSOLE_H
#define DEV_CONSOLE_H

#include "types.h"

/* A character from the UART (interrupt context). */
void console_input(int c);
/* Read up to n bytes (one line in canonical mode); 0 at Ctrl-D; -ERESTARTSYS or
 * -EIO for a background reader.  May sleep. */
ssize_t console_read(char *buf, size_t n);
ssize_t console_write(const char *buf, size_t n);
/* ioctl on the console (TCGETS, TCSETS[WF], TIOC[GS]PGRP, TIOCGSID); arg: user pointer. */
int console_ioctl(unsigned long req, uintptr_t uarg);
/* The leader of session sid is exiting (proc_exit, no locks held): if sid
 * owns the console, it loses it and its foreground group gets SIGHUP. */
void console_session_leader_exit(int sid);

#endif
