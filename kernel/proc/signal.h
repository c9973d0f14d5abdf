/*
 * Signals: per-process dispositions, the blocked mask and the pending set;
 * sending (kill, faults, the terminal, SIGCHLD, SIGPIPE, alarms) and
 * delivery on the way back to user mode (signal.c, frame picture there);
 * stopping and continuing; restarting interrupted system calls.
 *
 * Locks: each process's `struct sigstate.lock` guards the fields marked (g).
 * Lock order (sync/lockorder.h): console lock -> itimer lock -> proc_lock ->
 * sigstate.lock -> wait-queue lock -> run-queue lock.  Fields marked (o)
 * are touched only by the process's own thread.
 *
 * Blocking system calls ask sig_pending() while they sleep; when it is true
 * they return -ERESTARTSYS (or -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK).
 * These codes never reach user space: sig_deliver() turns them into EINTR
 * when a handler runs (or restarts the call for SA_RESTART), and restarts
 * the call when no handler runs (a stop and continue, an ignored signal).
 */
#ifndef PROC_SIGNAL_H
#define PROC_SIGNAL_H

#include "types.h"
#include "abi/signal.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"

/* Kernel-internal results of an interrupted system call (never seen by users). */
#define ERESTARTSYS 512           /* EINTR, or restart with SA_RESTART or no handler */
#define ERESTARTNOHAND 514        /* EINTR after a handler; restart if none ran */
#define ERESTART_RESTARTBLOCK 516 /* like NOHAND, restarting via restart_syscall */

/* Numbers of two lines of kernel/abi/syscalls.def that the trap path needs. */
#define SYSCALL_NR_RESTART 128   /* restart_syscall */
#define SYSCALL_NR_SIGRETURN 139 /* rt_sigreturn */

#define SIG_BIT(sig) (1UL << (sig))
#define SIG_UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
#define SIG_STOPS (SIG_BIT(SIGSTOP) | SIG_BIT(SIGTSTP) | SIG_BIT(SIGTTIN) | SIG_BIT(SIGTTOU))
#define SIG_ALL_VALID (((1UL << NSIG) - 1) & ~1UL)

struct proc;
struct trapframe;

struct sigstate {
    struct spinlock lock;
    uint64_t pending;               /* (g) one instance per signal */
    uint64_t blocked;               /* (g) never has SIGKILL or SIGSTOP */
    struct ksiginfo info[NSIG];     /* (g) of each pending signal */
    struct ksigaction action[NSIG]; /* (g) */
    bool stopped;                   /* (g) stopped by a stop signal */
    struct waitq stop_wq;           /* a stopped thread sleeps here */
    struct waitq wait_wq;           /* pause and sigsuspend sleep here */
    uint64_t saved_mask;            /* (o) sigsuspend: mask to put back */
    bool restore_mask;              /* (o) saved_mask is valid */
    /* (o) restart_syscall for nanosleep: absolute deadline and rem pointer */
    uint64_t restart_until_ns;
    uintptr_t restart_rem;
};

/* A signal is pending and not blocked: one load of each word, no lock (the
 * return to user mode checks this on every trap). */
static inline bool sigstate_has_pending(const struct sigstate *s)
{
    return (READ_ONCE(s->pending) & ~READ_ONCE(s->blocked)) != 0;
}

void sig_init_proc(struct proc *p);                     /* new process: defaults */
void sig_fork(struct proc *parent, struct proc *child); /* handlers and mask, nothing pending */
void sig_exec(struct proc *p); /* caught -> default; keep ignored and mask */

/* Send sig with info (NULL: SI_KERNEL); sig 0 only checks.  Caller may hold
 * proc_lock.  Ignored signals are discarded here, stop/continue act here. */
void sig_send(struct proc *p, int sig, const struct ksiginfo *info);
/* sig_send in two halves: make sig pending (true: p should be woken for it),
 * then wake p's thread.  A group kill posts to every member first. */
bool sig_post(struct proc *p, int sig, const struct ksiginfo *info);
void sig_kick(struct proc *p);
/* Is sig pending in p and not blocked (so a sig_post of it asked for a kick)? */
bool sig_wants_kick(struct proc *p, int sig);
void sig_send_kernel(struct proc *p, int sig); /* si_code SI_KERNEL */
/* A fault in user mode: delivered even if blocked or ignored (then fatal). */
void sig_force_fault(int sig, int code, uintptr_t addr);

/* Has the current process a signal to act on (so a blocking call should stop)? */
bool sig_pending(void);
bool sig_pending_proc(struct proc *p);
/* Will the current process die of a pending signal when it next returns to
 * user mode (SIGKILL, or an unblocked one whose action is the default
 * "terminate")?  Long loops that are not interruptible by ordinary signals
 * (file reads and writes, truncation) check this between steps and stop
 * there, returning what they did so far: a killed process dies promptly. */
bool sig_fatal_pending(void);
/* Is sig ignored or blocked by p (for SIGTTIN/SIGTTOU, SIGPIPE)? */
bool sig_ignored_or_blocked(struct proc *p, int sig);
bool sig_is_stopped(struct proc *p);       /* for ps */
bool sig_ignores_children(struct proc *p); /* SIGCHLD set to SIG_IGN: no zombies */

/* On the way back to user mode: restart or fail an interrupted call, stop,
 * die, or set up handler frames.  Interrupts on; may sleep; may not return. */
void sig_deliver(struct trapframe *tf, bool from_syscall, uint64_t orig_a0);

/* System calls (kernel/syscall/sys_signal.c calls these). */
int sig_action(int sig, uintptr_t uact, uintptr_t uold);
int sig_procmask(int how, uintptr_t uset, uintptr_t uold);
int sig_pending_set(uintptr_t uset);
int sig_suspend(uintptr_t umask);
int sig_pause(void);
long sig_return(struct trapframe *tf);

const char *sig_name(int sig); /* "SIGINT", or NULL */

#endif
