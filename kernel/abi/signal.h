/*
 * Signal numbers (picolibc's <sys/signal.h>, BSD numbering) and wait status
 * encoding (picolibc's <sys/wait.h>): exit status in bits 8..15, the number
 * of the signal that ended the process in bits 0..6.
 */
#ifndef ABI_SIGNAL_H
#define ABI_SIGNAL_H

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGFPE 8
#define SIGKILL 9
#define SIGBUS 10
#define SIGSEGV 11
#define SIGSYS 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTOP 17
#define SIGTSTP 18
#define SIGCONT 19
#define SIGCHLD 20
#define NSIG 32

#define W_EXITCODE(status, sig) (((status) & 0xff) << 8 | ((sig) & 0x7f))
#define WNOHANG 1

#endif
