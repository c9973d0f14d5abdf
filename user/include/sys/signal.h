/*
 * <sys/signal.h> for Quill programs, in place of picolibc's (whose
 * <signal.h> includes it): the same signal numbers and sigset_t, plus what
 * POSIX has and picolibc's generic version lacks: sigaction with
 * sa_sigaction, SA_SIGINFO/SA_RESTART/SA_NODEFER/SA_RESETHAND, a siginfo_t
 * with si_pid/si_addr/si_status, and ucontext_t.  The layouts are the
 * kernel's (kernel/abi/signal.h); user/lib/signal.c converts struct
 * sigaction and checks the rest at compile time.
 */
#ifndef _SYS_SIGNAL_H
#define _SYS_SIGNAL_H

#include "_ansi.h"
#include <sys/cdefs.h>
#include <sys/features.h>
#include <sys/types.h>
#include <sys/_sigset.h>
#include <sys/_timespec.h>
#include <stdint.h>

#include "abi/signal.h" /* numbers, SA_*, SIG_BLOCK..., si_code values */

_BEGIN_STD_C

#if !defined(_SIGSET_T_DECLARED)
#define _SIGSET_T_DECLARED
typedef __sigset_t sigset_t;
#endif

union sigval {
    int sival_int;
    void *sival_ptr;
};

struct sigevent {
    int sigev_notify;
    int sigev_signo;
    union sigval sigev_value;
};
#define SIGEV_NONE 1
#define SIGEV_SIGNAL 2
#define SIGEV_THREAD 3

typedef struct {
    int si_signo;
    int si_code;
    int si_errno;
    pid_t si_pid;
    uid_t si_uid;
    int si_status;
    void *si_addr;
    union sigval si_value;
} siginfo_t;

/* The third argument of an SA_SIGINFO handler; changes to it take effect
 * when the handler returns (e.g. uc_mcontext.pc += 4 skips an instruction). */
typedef struct {
    unsigned long pc;
    unsigned long x[32]; /* x[0] unused; x[2] = sp */
    unsigned long f[32];
    unsigned long fcsr;
} mcontext_t;

typedef struct ucontext {
    unsigned long uc_flags;
    sigset_t uc_sigmask;
    mcontext_t uc_mcontext;
} ucontext_t;

typedef void (*_sig_func_ptr)(int);

struct sigaction {
    union {
        _sig_func_ptr _handler;
        void (*_sigaction)(int, siginfo_t *, void *);
    } _u;
    sigset_t sa_mask;
    int sa_flags;
};
#define sa_handler _u._handler
#define sa_sigaction _u._sigaction

typedef struct sigaltstack {
    void *ss_sp;
    int ss_flags;
    size_t ss_size;
} stack_t;
#define SS_ONSTACK 0x1
#define SS_DISABLE 0x2
#define MINSIGSTKSZ 2048
#define SIGSTKSZ 8192

int sigprocmask(int, const sigset_t *, sigset_t *);
int pthread_sigmask(int, const sigset_t *, sigset_t *);
int kill(pid_t, int);
int killpg(pid_t, int);
int sigaction(int, const struct sigaction *, struct sigaction *);
int sigaddset(sigset_t *, const int);
int sigdelset(sigset_t *, const int);
int sigismember(const sigset_t *, int);
int sigfillset(sigset_t *);
int sigemptyset(sigset_t *);
int sigpending(sigset_t *);
int sigsuspend(const sigset_t *);
int siginterrupt(int, int);
int sig2str(int, char *);
int str2sig(const char *__restrict, int *__restrict);
#define SIG2STR_MAX 16

_END_STD_C

#endif
