/*
 * wait4 options and status words, as picolibc's <sys/wait.h> reads them:
 *
 *     exited with code c       (c & 0xff) << 8          WIFEXITED, WEXITSTATUS
 *     killed by signal s       s                        WIFSIGNALED, WTERMSIG
 *     stopped by signal s      (s << 8) | 0x7f          WIFSTOPPED, WSTOPSIG
 *     continued by SIGCONT     0xffff                   WIFCONTINUED
 *
 * WCONTINUED and WIFCONTINUED are not in picolibc; user/include/sys/wait.h
 * adds them from here.
 */
#ifndef ABI_WAIT_H
#define ABI_WAIT_H

#define WNOHANG 1
#define WUNTRACED 2
#define WCONTINUED 8

#define W_EXITCODE(status, sig) (((status)&0xff) << 8 | ((sig)&0x7f))
#define W_STOPCODE(sig) (((sig)&0xff) << 8 | 0x7f)
#define W_CONTINUED 0xffff

#endif
