/*
 * Signals in the system-call ABI, shared by the kernel and user space.
 *
 * Numbers are picolibc's (<sys/signal.h>, BSD numbering), so a program that
 * includes <signal.h> and one that includes this header agree; the user
 * library checks that at compile time (user/lib/signal.c).  A signal set is
 * one 64-bit word with bit `sig` for signal sig (picolibc's sigaddset).
 *
 * The structures are the kernel's side of sigaction and siginfo; the user
 * library's <sys/signal.h> (user/include) lays out struct sigaction and
 * siginfo_t the same way.
 */
#ifndef ABI_SIGNAL_H
#define ABI_SIGNAL_H

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGEMT 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGBUS 10
#define SIGSEGV 11
#define SIGSYS 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGURG 16
#define SIGSTOP 17
#define SIGTSTP 18
#define SIGCONT 19
#define SIGCHLD 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGIO 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGLOST 29
#define SIGUSR1 30
#define SIGUSR2 31
#define NSIG 32 /* signals are 1 .. NSIG-1 */

/* sigaction flags (SA_NOCLDSTOP has picolibc's value). */
#define SA_NOCLDSTOP 0x1  /* no SIGCHLD when a child stops or continues */
#define SA_SIGINFO 0x2    /* handler(sig, siginfo_t *, ucontext *) */
#define SA_RESTART 0x4    /* restart an interrupted system call */
#define SA_NODEFER 0x8    /* do not block the signal while its handler runs */
#define SA_RESETHAND 0x10 /* back to SIG_DFL when the handler is entered */
#define SA_RESTORER 0x20  /* sa_restorer is set (the library always sets it) */

#define SIG_BLOCK 1
#define SIG_UNBLOCK 2
#define SIG_SETMASK 0

#define KSIG_DFL 0UL
#define KSIG_IGN 1UL

/* si_code values: who or what sent the signal (Linux's values; the
 * per-signal codes of faults and SIGCHLD are small positive numbers). */
#define SI_USER 0      /* kill, raise */
#define SI_KERNEL 0x80 /* the kernel (SIGPIPE, the terminal...) */
#define SI_TIMER (-2)  /* alarm / setitimer */
#define ILL_ILLOPC 1   /* illegal opcode */
#define ILL_PRVOPC 5   /* privileged opcode */
#define TRAP_BRKPT 1
#define BUS_ADRALN 1  /* misaligned address */
#define BUS_OBJERR 3  /* beyond the end of a mapped object */
#define SEGV_MAPERR 1 /* nothing mapped there */
#define SEGV_ACCERR 2 /* mapped without the permission */
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* What a handler's second argument points to (siginfo_t). */
struct ksiginfo {
    int si_signo;
    int si_code;
    int si_errno;
    int si_pid; /* kill: the sender; SIGCHLD: the child */
    int si_uid;
    int si_status;         /* SIGCHLD: exit code or signal */
    unsigned long si_addr; /* faults: the address */
    unsigned long si_value;
};

/* rt_sigaction's argument (Linux order: handler, flags, restorer, mask). */
struct ksigaction {
    unsigned long handler; /* KSIG_DFL, KSIG_IGN or a user address */
    unsigned long flags;
    unsigned long restorer; /* where the handler returns: calls sigreturn */
    unsigned long mask;
};

/* The user context a SA_SIGINFO handler gets as its third argument; the
 * kernel restores it from there at sigreturn (so a handler may change it). */
struct kucontext {
    unsigned long uc_flags;
    unsigned long uc_sigmask; /* mask to restore */
    unsigned long pc;         /* where the interrupted code goes on */
    unsigned long x[32];      /* x[0] unused; x[2] = sp */
    unsigned long f[32];      /* FP registers (as raw 64-bit values) */
    unsigned long fcsr;
};

#define ITIMER_REAL 0
struct kitimerval {
    long interval_sec, interval_usec; /* reload value (0: one shot) */
    long value_sec, value_usec;       /* time to the next expiry (0: disarm) */
};

#include "abi/wait.h"

#endif
