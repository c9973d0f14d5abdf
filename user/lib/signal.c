/*
 * Signals in the C library: sigaction and signal over rt_sigaction (every
 * handler returns through __sigtramp, sigtramp.S), the mask calls, raise,
 * abort, killpg, siglongjmp, the sigset_t operations, and signal names (sig2str,
 * str2sig; picolibc supplies strsignal and psignal).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ulib.h"

_Static_assert(sizeof(sigset_t) == sizeof(unsigned long), "sigset_t is one word");
_Static_assert(sizeof(siginfo_t) == sizeof(struct ksiginfo), "siginfo_t layout");
_Static_assert(__builtin_offsetof(siginfo_t, si_addr) ==
                   __builtin_offsetof(struct ksiginfo, si_addr),
               "siginfo_t layout");
_Static_assert(sizeof(ucontext_t) == sizeof(struct kucontext), "ucontext_t layout");
_Static_assert(__builtin_offsetof(ucontext_t, uc_mcontext.x) ==
                   __builtin_offsetof(struct kucontext, x),
               "ucontext_t layout");

void __sigtramp(void);

static int bad_signal(int sig)
{
    return sig <= 0 || sig >= NSIG;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    struct ksigaction k, kold;
    if (act) {
        k.handler = (unsigned long)act->sa_handler;
        k.flags = (unsigned long)act->sa_flags | SA_RESTORER;
        k.restorer = (unsigned long)__sigtramp;
        k.mask = act->sa_mask;
    }
    if (rt_sigaction(sig, act ? &k : NULL, old ? &kold : NULL) < 0)
        return -1;
    if (old) {
        memset(old, 0, sizeof(*old));
        old->sa_handler = (_sig_func_ptr)kold.handler;
        old->sa_flags = (int)(kold.flags & ~SA_RESTORER);
        old->sa_mask = kold.mask;
    }
    return 0;
}

/* signal(): BSD semantics, as on Linux: the handler stays, calls restart. */
_sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    if (sigaction(sig, &sa, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

int siginterrupt(int sig, int flag)
{
    struct sigaction sa;
    if (sigaction(sig, NULL, &sa) < 0)
        return -1;
    if (flag)
        sa.sa_flags &= ~SA_RESTART;
    else
        sa.sa_flags |= SA_RESTART;
    return sigaction(sig, &sa, NULL);
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    return rt_sigprocmask(how, set, old);
}

int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
    long r = __sys_rt_sigprocmask(how, set, old);
    return r < 0 ? (int)-r : 0;
}

int sigpending(sigset_t *set)
{
    return rt_sigpending(set);
}

int sigsuspend(const sigset_t *mask)
{
    return rt_sigsuspend(mask);
}

int raise(int sig)
{
    return kill(getpid(), sig);
}

int killpg(pid_t pgrp, int sig)
{
    if (pgrp <= 1) {
        errno = EINVAL;
        return -1;
    }
    return kill(-pgrp, sig);
}

/* Unblock SIGABRT and raise it; if a handler returns, die of it anyway. */
void abort(void)
{
    sigset_t set = 1UL << SIGABRT;
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(SIGABRT);
    signal(SIGABRT, SIG_DFL);
    raise(SIGABRT);
    _exit(127);
}

int sigemptyset(sigset_t *set)
{
    *set = 0;
    return 0;
}

int sigfillset(sigset_t *set)
{
    *set = ((1UL << NSIG) - 1) & ~1UL;
    return 0;
}

int sigaddset(sigset_t *set, int sig)
{
    if (bad_signal(sig)) {
        errno = EINVAL;
        return -1;
    }
    *set |= 1UL << sig;
    return 0;
}

int sigdelset(sigset_t *set, int sig)
{
    if (bad_signal(sig)) {
        errno = EINVAL;
        return -1;
    }
    *set &= ~(1UL << sig);
    return 0;
}

int sigismember(const sigset_t *set, int sig)
{
    if (bad_signal(sig)) {
        errno = EINVAL;
        return -1;
    }
    return (*set >> sig) & 1;
}

static const char *const sig_abbrev[NSIG] = {
    [SIGHUP] = "HUP",   [SIGINT] = "INT",       [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
    [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",     [SIGEMT] = "EMT",   [SIGFPE] = "FPE",
    [SIGKILL] = "KILL", [SIGBUS] = "BUS",       [SIGSEGV] = "SEGV", [SIGSYS] = "SYS",
    [SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",     [SIGTERM] = "TERM", [SIGURG] = "URG",
    [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",     [SIGCONT] = "CONT", [SIGCHLD] = "CHLD",
    [SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",     [SIGIO] = "IO",     [SIGXCPU] = "XCPU",
    [SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
    [SIGLOST] = "LOST", [SIGUSR1] = "USR1",     [SIGUSR2] = "USR2",
};

/* sig2str: the name without "SIG" ("INT" for 2). */
int sig2str(int sig, char *buf)
{
    if (bad_signal(sig) || !sig_abbrev[sig])
        return -1;
    strcpy(buf, sig_abbrev[sig]);
    return 0;
}

/* str2sig: "INT", "SIGINT" (any case) or "2" -> 2. */
int str2sig(const char *restrict name, int *restrict sig)
{
    char *end;
    if (name[0] >= '0' && name[0] <= '9') {
        long n = strtol(name, &end, 10);
        if (*end || bad_signal((int)n))
            return -1;
        *sig = (int)n;
        return 0;
    }
    if (strncasecmp(name, "SIG", 3) == 0)
        name += 3;
    for (int s = 1; s < NSIG; s++) {
        if (sig_abbrev[s] && strcasecmp(name, sig_abbrev[s]) == 0) {
            *sig = s;
            return 0;
        }
    }
    return -1;
}

void siglongjmp(sigjmp_buf env, int val)
{
    if (env[0].savemask)
        sigprocmask(SIG_SETMASK, &env[0].mask, NULL);
    longjmp(env[0].jb, val);
}
