/*
 * Signals: generation, delivery on the way back to user mode, handler
 * frames and sigreturn.  See signal.h for the state and the locks.
 *
 * Generation (sig_send) marks the signal pending (one instance per signal)
 * and kicks the target out of an interruptible sleep.  Ignored signals are
 * dropped at once; SIGCONT and SIGKILL end a stop and cancel pending stop
 * signals; a stop signal cancels a pending SIGCONT.
 *
 * Delivery (sig_deliver) runs on the target's own thread, on its hart, just
 * before it returns to user mode: it takes each pending unblocked signal and
 * ignores it, stops, terminates, or builds a handler frame.  A handler runs
 * on the user stack:
 *
 *        interrupted sp ->  +------------------------------+  higher addresses
 *                           |  (whatever was on the stack) |
 *                           +------------------------------+
 *                           |  padding to 16 bytes         |
 *                           +------------------------------+  frame + 584
 *                           |  struct kucontext uc         |
 *                           |    fcsr                      |
 *                           |    f[0..31]   FP registers   |
 *                           |    x[0..31]   integer regs   |
 *                           |    pc         resume here    |
 *                           |    uc_sigmask mask to restore|
 *                           |    uc_flags   SIGFRAME_MAGIC |
 *   a2 = &frame->uc ----->  +------------------------------+  frame + 40
 *                           |  struct ksiginfo info        |
 *   a1 = &frame->info,      |                              |
 *   handler's sp -------->  +------------------------------+  = frame
 *
 *   pc = handler, a0 = signal number, ra = sa_restorer (the library's
 *   trampoline, which calls rt_sigreturn with sp back at the frame).
 *
 * sigreturn reads the frame back from sp and checks it: the magic must
 * match, the pc must be a user address on an instruction boundary (even:
 * the hart has compressed instructions, and sepc cannot hold an odd
 * address, so an odd pc would silently resume elsewhere), fcsr keeps only
 * its defined bits, and the mask can never block SIGKILL or SIGSTOP.
 * sstatus (and with it the privilege mode the sret goes to) is never taken
 * from the frame: the kernel sets it on every return to user mode, so a
 * forged frame can at worst make its own process fault.  A handler may change uc (e.g. skip an
 * instruction) or leave with longjmp, abandoning the frame.
 */
#include "proc/signal.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "arch/riscv/trap.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/usercopy.h"
#include "mm/uvm.h"

#define SIGFRAME_MAGIC 0x51534947UL /* "QSIG" */
#define FCSR_MASK 0xffUL            /* frm (7:5) and fflags (4:0) */

struct sigframe {
    struct ksiginfo info;
    struct kucontext uc;
};

enum sig_default { DFL_TERM, DFL_IGN, DFL_STOP, DFL_CONT };

static const char *const sig_names[NSIG] = {
    [SIGHUP] = "SIGHUP",     [SIGINT] = "SIGINT",       [SIGQUIT] = "SIGQUIT",
    [SIGILL] = "SIGILL",     [SIGTRAP] = "SIGTRAP",     [SIGABRT] = "SIGABRT",
    [SIGEMT] = "SIGEMT",     [SIGFPE] = "SIGFPE",       [SIGKILL] = "SIGKILL",
    [SIGBUS] = "SIGBUS",     [SIGSEGV] = "SIGSEGV",     [SIGSYS] = "SIGSYS",
    [SIGPIPE] = "SIGPIPE",   [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM",
    [SIGURG] = "SIGURG",     [SIGSTOP] = "SIGSTOP",     [SIGTSTP] = "SIGTSTP",
    [SIGCONT] = "SIGCONT",   [SIGCHLD] = "SIGCHLD",     [SIGTTIN] = "SIGTTIN",
    [SIGTTOU] = "SIGTTOU",   [SIGIO] = "SIGIO",         [SIGXCPU] = "SIGXCPU",
    [SIGXFSZ] = "SIGXFSZ",   [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
    [SIGWINCH] = "SIGWINCH", [SIGLOST] = "SIGLOST",     [SIGUSR1] = "SIGUSR1",
    [SIGUSR2] = "SIGUSR2",
};

const char *sig_name(int sig)
{
    return sig > 0 && sig < NSIG ? sig_names[sig] : NULL;
}

static enum sig_default sig_default_action(int sig)
{
    if (SIG_STOPS & SIG_BIT(sig))
        return DFL_STOP;
    switch (sig) {
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
    case SIGIO:
        return DFL_IGN;
    case SIGCONT:
        return DFL_CONT;
    default:
        return DFL_TERM;
    }
}

static bool valid_sig(int sig)
{
    return sig > 0 && sig < NSIG;
}

/* ---- per-process state ---- */

void sig_init_proc(struct proc *p)
{
    memset(&p->sig, 0, sizeof(p->sig));
    spin_init(&p->sig.lock, "sig");
    waitq_init(&p->sig.stop_wq, "stopped");
    waitq_init(&p->sig.wait_wq, "sigsuspend");
}

void sig_fork(struct proc *parent, struct proc *child)
{
    spin_lock(&parent->sig.lock);
    memcpy(child->sig.action, parent->sig.action, sizeof(child->sig.action));
    child->sig.blocked = parent->sig.blocked;
    spin_unlock(&parent->sig.lock);
}

void sig_exec(struct proc *p)
{
    spin_lock(&p->sig.lock);
    for (int s = 1; s < NSIG; s++) {
        struct ksigaction *a = &p->sig.action[s];
        if (a->handler != KSIG_IGN)
            memset(a, 0, sizeof(*a));
    }
    spin_unlock(&p->sig.lock);
}

bool sig_ignores_children(struct proc *p)
{
    spin_lock(&p->sig.lock);
    bool ign = p->sig.action[SIGCHLD].handler == KSIG_IGN;
    spin_unlock(&p->sig.lock);
    return ign;
}

bool sig_is_stopped(struct proc *p)
{
    return READ_ONCE(p->sig.stopped);
}

/* Would sig be thrown away now (ignored, and not blocked)? */
static bool sig_discarded_locked(struct proc *p, int sig)
{
    ASSERT_HELD(&p->sig.lock);
    if (p->sig.blocked & SIG_BIT(sig))
        return false;
    unsigned long h = p->sig.action[sig].handler;
    if (h == KSIG_IGN)
        return sig != SIGKILL && sig != SIGSTOP;
    if (h == KSIG_DFL) {
        enum sig_default d = sig_default_action(sig);
        return d == DFL_IGN || d == DFL_CONT;
    }
    return false;
}

bool sig_ignored_or_blocked(struct proc *p, int sig)
{
    spin_lock(&p->sig.lock);
    bool r = (p->sig.blocked & SIG_BIT(sig)) || p->sig.action[sig].handler == KSIG_IGN;
    spin_unlock(&p->sig.lock);
    return r;
}

/* ---- generation ---- */

bool sig_post(struct proc *p, int sig, const struct ksiginfo *info)
{
    if (!valid_sig(sig))
        return false;
    struct sigstate *s = &p->sig;
    spin_lock(&s->lock);
    if (sig == SIGKILL || sig == SIGCONT) {
        s->pending &= ~SIG_STOPS;
        if (s->stopped) {
            s->stopped = false;
            waitq_wake_all(&s->stop_wq);
        }
    } else if (SIG_STOPS & SIG_BIT(sig)) {
        s->pending &= ~SIG_BIT(SIGCONT);
    }
    if (sig_discarded_locked(p, sig)) {
        spin_unlock(&s->lock);
        return false;
    }
    s->pending |= SIG_BIT(sig);
    if (info)
        s->info[sig] = *info;
    else
        s->info[sig] = (struct ksiginfo){.si_signo = sig, .si_code = SI_KERNEL};
    s->info[sig].si_signo = sig;
    bool wake = !(s->blocked & SIG_BIT(sig));
    spin_unlock(&s->lock);
    return wake;
}

void sig_kick(struct proc *p)
{
    struct thread *t = READ_ONCE(p->thread);
    if (t)
        sched_kick(t);
}

bool sig_wants_kick(struct proc *p, int sig)
{
    if (!valid_sig(sig))
        return false;
    spin_lock(&p->sig.lock);
    bool want = p->sig.pending & ~p->sig.blocked & SIG_BIT(sig);
    spin_unlock(&p->sig.lock);
    return want;
}

void sig_send(struct proc *p, int sig, const struct ksiginfo *info)
{
    if (sig_post(p, sig, info))
        sig_kick(p);
}

void sig_send_kernel(struct proc *p, int sig)
{
    sig_send(p, sig, NULL);
}

void sig_force_fault(int sig, int code, uintptr_t addr)
{
    struct proc *p = proc_current();
    struct sigstate *s = &p->sig;
    spin_lock(&s->lock);
    /* A fault that cannot be handled ends the process (as Linux does). */
    if ((s->blocked & SIG_BIT(sig)) || s->action[sig].handler == KSIG_IGN) {
        s->blocked &= ~SIG_BIT(sig);
        memset(&s->action[sig], 0, sizeof(s->action[sig]));
    }
    s->pending |= SIG_BIT(sig);
    s->info[sig] = (struct ksiginfo){.si_signo = sig, .si_code = code, .si_addr = addr};
    spin_unlock(&s->lock);
}

bool sig_pending_proc(struct proc *p)
{
    return sigstate_has_pending(&p->sig);
}

bool sig_pending(void)
{
    struct proc *p = proc_current();
    return p && sig_pending_proc(p);
}

bool sig_fatal_pending(void)
{
    struct proc *p = proc_current();
    if (!p || !sig_pending_proc(p))
        return false; /* the common case, without the lock */
    bool fatal = false;
    spin_lock(&p->sig.lock);
    uint64_t set = p->sig.pending & ~p->sig.blocked;
    for (int sig = 1; sig < NSIG && !fatal; sig++)
        fatal = (set & SIG_BIT(sig)) &&
                (sig == SIGKILL ||
                 (p->sig.action[sig].handler == KSIG_DFL && sig_default_action(sig) == DFL_TERM));
    spin_unlock(&p->sig.lock);
    return fatal;
}

/* ---- delivery ---- */

static void __attribute__((noreturn))
sig_die(struct proc *p, int sig, const struct ksiginfo *info, struct trapframe *tf)
{
    bool fault =
        info->si_code != SI_USER && info->si_code != SI_KERNEL &&
        (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGTRAP || sig == SIGFPE);
    if (fault)
        printf("pid %d (%s): %s at pc %p, address %p: killed\n", p->pid, p->name, sig_name(sig),
               (void *)tf->sepc, (void *)info->si_addr);
    proc_exit(W_EXITCODE(0, sig));
}

/* Stop until SIGCONT or SIGKILL; the caller set s->stopped with the signal's dequeue. */
static void sig_stop_self(struct proc *p, int sig)
{
    struct sigstate *s = &p->sig;
    proc_notify_parent(p, CLD_STOPPED, sig);
    spin_lock(&s->lock);
    while (s->stopped && !(s->pending & SIG_BIT(SIGKILL)))
        waitq_sleep(&s->stop_wq, &s->lock);
    bool killed = s->pending & SIG_BIT(SIGKILL);
    s->stopped = false;
    spin_unlock(&s->lock);
    if (!killed)
        proc_notify_parent(p, CLD_CONTINUED, SIGCONT);
}

/* Build the handler frame on the user stack and point the registers at the handler. */
/* LAB signals BEGIN */
static int sig_setup_frame(struct proc *p, struct trapframe *tf, const struct ksiginfo *info,
                           const struct ksigaction *act, uint64_t oldmask)
{
    struct sigframe fr;
    memset(&fr, 0, sizeof(fr));
    fr.info = *info;
    fr.uc.uc_flags = SIGFRAME_MAGIC;
    fr.uc.uc_sigmask = oldmask;
    fr.uc.pc = tf->sepc;
    for (int i = 1; i < 32; i++)
        fr.uc.x[i] = tf->x[i];
    memcpy(fr.uc.f, p->fp.f, sizeof(fr.uc.f));
    fr.uc.fcsr = p->fp.fcsr;
    uintptr_t sp = ALIGN_DOWN(tf->x[2] - sizeof(fr), 16);
    if (tf->x[2] < sizeof(fr) || copy_to_user(sp, &fr, sizeof(fr)))
        return -EFAULT;
    tf->x[2] = sp;
    tf->x[1] = act->restorer;
    tf->x[10] = info->si_signo;
    tf->x[11] = sp + offsetof(struct sigframe, info);
    tf->x[12] = sp + offsetof(struct sigframe, uc);
    tf->sepc = act->handler;
    return 0;
}
/* LAB signals SKELETON
static int sig_setup_frame(struct proc *p, struct trapframe *tf, const struct ksiginfo *info,
                           const struct ksigaction *act, uint64_t oldmask)
{
    // Your code here (docs/labs/signals.md): save what the interrupted code
    // needs (a struct sigframe) on the user stack below its sp, and point the
    // registers at the handler.  Until then a handled signal kills.
    return -EFAULT;
}
   LAB signals END */

static bool is_restart_code(long r)
{
    return r == -ERESTARTSYS || r == -ERESTARTNOHAND || r == -ERESTART_RESTARTBLOCK;
}

/* Undo the ecall so the same system call runs again after sret. */
static void sig_restart_syscall(struct trapframe *tf, uint64_t orig_a0)
{
    long r = (long)tf->x[10];
    tf->x[10] = orig_a0;
    tf->sepc -= 4;
    if (r == -ERESTART_RESTARTBLOCK)
        tf->x[17] = SYSCALL_NR_RESTART;
}

/* A handler is about to run for an interrupted call: EINTR or restart. */
static void sig_syscall_before_handler(struct trapframe *tf, uint64_t orig_a0,
                                       const struct ksigaction *act)
{
    long r = (long)tf->x[10];
    if (r == -ERESTARTSYS && (act->flags & SA_RESTART))
        sig_restart_syscall(tf, orig_a0);
    else if (is_restart_code(r))
        tf->x[10] = (uint64_t)-EINTR;
}

static int lowest_sig(uint64_t set)
{
    int sig = 1;
    while (!(set & SIG_BIT(sig)))
        sig++;
    return sig;
}

/*
 * Take the next deliverable signal off p's pending set, with its action.
 * Returns 0 if there is none.  A stop signal with the default action sets
 * `stopped` in the same critical section, so a SIGCONT sent right after
 * cannot be missed.
 */
static int sig_dequeue(struct proc *p, struct ksiginfo *info, struct ksigaction *act,
                       uint64_t *oldmask)
{
    struct sigstate *s = &p->sig;
    spin_lock(&s->lock);
    uint64_t ready = s->pending & ~s->blocked;
    int sig = 0;
    if (ready) {
        sig = (ready & SIG_BIT(SIGKILL)) ? SIGKILL : lowest_sig(ready);
        s->pending &= ~SIG_BIT(sig);
        *info = s->info[sig];
        *act = s->action[sig];
        if (act->handler == KSIG_DFL && sig_default_action(sig) == DFL_STOP)
            s->stopped = true;
        if (act->handler > KSIG_IGN) {
            *oldmask = s->restore_mask ? s->saved_mask : s->blocked;
            s->restore_mask = false;
            s->blocked |= act->mask | ((act->flags & SA_NODEFER) ? 0 : SIG_BIT(sig));
            s->blocked &= ~SIG_UNBLOCKABLE;
            if (act->flags & SA_RESETHAND)
                memset(&s->action[sig], 0, sizeof(s->action[sig]));
        }
    }
    spin_unlock(&s->lock);
    return sig;
}

void sig_deliver(struct trapframe *tf, bool from_syscall, uint64_t orig_a0)
{
    struct proc *p = proc_current();
    struct ksiginfo info;
    struct ksigaction act;
    uint64_t oldmask = 0;
    int sig;
    /* The common case: nothing to do (user_trap_finish rechecks with interrupts off). */
    if (!sig_pending_proc(p) && !(from_syscall && is_restart_code((long)tf->x[10])))
        return;
    while ((sig = sig_dequeue(p, &info, &act, &oldmask)) != 0) {
        if (act.handler == KSIG_IGN)
            continue;
        if (act.handler == KSIG_DFL) {
            enum sig_default d = sig_default_action(sig);
            if (d == DFL_STOP)
                sig_stop_self(p, sig);
            else if (d == DFL_TERM)
                sig_die(p, sig, &info, tf);
            continue;
        }
        if (from_syscall)
            sig_syscall_before_handler(tf, orig_a0, &act);
        from_syscall = false;
        if (sig_setup_frame(p, tf, &info, &act, oldmask)) {
            printf("pid %d (%s): no room for a %s frame at sp %p: killed\n", p->pid, p->name,
                   sig_name(sig), (void *)tf->x[2]);
            proc_exit(W_EXITCODE(0, SIGSEGV));
        }
    }
    /* No handler ran: an interrupted call goes on as if nothing happened. */
    if (from_syscall && is_restart_code((long)tf->x[10])) {
        sig_restart_syscall(tf, orig_a0);
        spin_lock(&p->sig.lock);
        if (p->sig.restore_mask)
            p->sig.blocked = p->sig.saved_mask;
        p->sig.restore_mask = false;
        spin_unlock(&p->sig.lock);
    }
}

/* ---- system calls ---- */

int sig_action(int sig, uintptr_t uact, uintptr_t uold)
{
    struct proc *p = proc_current();
    struct ksigaction act, old;
    if (!valid_sig(sig))
        return -EINVAL;
    if (uact && copy_from_user(&act, uact, sizeof(act)))
        return -EFAULT;
    if (uact && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if (uact && act.handler > KSIG_IGN &&
        (act.handler >= USER_TOP || act.restorer == 0 || act.restorer >= USER_TOP))
        return -EINVAL;
    spin_lock(&p->sig.lock);
    old = p->sig.action[sig];
    if (uact) {
        act.mask &= SIG_ALL_VALID & ~SIG_UNBLOCKABLE;
        p->sig.action[sig] = act;
        /* Setting SIG_IGN (or a default that ignores) drops a pending one. */
        if (sig_discarded_locked(p, sig) || act.handler == KSIG_IGN)
            p->sig.pending &= ~SIG_BIT(sig);
    }
    spin_unlock(&p->sig.lock);
    if (uold && copy_to_user(uold, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

int sig_procmask(int how, uintptr_t uset, uintptr_t uold)
{
    struct proc *p = proc_current();
    uint64_t set = 0, old;
    if (uset && copy_from_user(&set, uset, sizeof(set)))
        return -EFAULT;
    if (uset && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
        return -EINVAL;
    set &= SIG_ALL_VALID & ~SIG_UNBLOCKABLE;
    spin_lock(&p->sig.lock);
    old = p->sig.blocked;
    if (uset)
        p->sig.blocked = how == SIG_BLOCK ? old | set : how == SIG_UNBLOCK ? old & ~set : set;
    spin_unlock(&p->sig.lock);
    if (uold && copy_to_user(uold, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

int sig_pending_set(uintptr_t uset)
{
    struct proc *p = proc_current();
    spin_lock(&p->sig.lock);
    uint64_t set = p->sig.pending & p->sig.blocked;
    spin_unlock(&p->sig.lock);
    return copy_to_user(uset, &set, sizeof(set));
}

/* Sleep until a signal is pending and not blocked (sig_send kicks us). */
static void sig_wait_locked(struct proc *p)
{
    ASSERT_HELD(&p->sig.lock);
    while (!(p->sig.pending & ~p->sig.blocked))
        waitq_sleep(&p->sig.wait_wq, &p->sig.lock);
}

/* Replace the mask and sleep until a signal is delivered; the old mask comes
 * back after the handler (sig_dequeue saves it in the frame). */
int sig_suspend(uintptr_t umask)
{
    struct proc *p = proc_current();
    uint64_t mask;
    if (copy_from_user(&mask, umask, sizeof(mask)))
        return -EFAULT;
    spin_lock(&p->sig.lock);
    p->sig.saved_mask = p->sig.blocked;
    p->sig.restore_mask = true;
    p->sig.blocked = mask & SIG_ALL_VALID & ~SIG_UNBLOCKABLE;
    sig_wait_locked(p);
    spin_unlock(&p->sig.lock);
    return -ERESTARTNOHAND;
}

int sig_pause(void)
{
    struct proc *p = proc_current();
    spin_lock(&p->sig.lock);
    sig_wait_locked(p);
    spin_unlock(&p->sig.lock);
    return -ERESTARTNOHAND;
}

/* LAB signals BEGIN */
long sig_return(struct trapframe *tf)
{
    struct proc *p = proc_current();
    struct kucontext uc;
    uintptr_t ucp = tf->x[2] + offsetof(struct sigframe, uc);
    if (copy_from_user(&uc, ucp, sizeof(uc)) || uc.uc_flags != SIGFRAME_MAGIC ||
        uc.pc >= USER_TOP || (uc.pc & 1)) {
        printf("pid %d (%s): bad signal frame at sp %p: killed\n", p->pid, p->name,
               (void *)tf->x[2]);
        proc_exit(W_EXITCODE(0, SIGSEGV));
    }
    for (int i = 1; i < 32; i++)
        tf->x[i] = uc.x[i];
    tf->sepc = uc.pc;
    memcpy(p->fp.f, uc.f, sizeof(p->fp.f));
    p->fp.fcsr = uc.fcsr & FCSR_MASK;
    proc_fp_changed(p);
    spin_lock(&p->sig.lock);
    p->sig.blocked = uc.uc_sigmask & SIG_ALL_VALID & ~SIG_UNBLOCKABLE;
    spin_unlock(&p->sig.lock);
    return (long)tf->x[10];
}
/* LAB signals SKELETON
long sig_return(struct trapframe *tf)
{
    // Your code here (docs/labs/signals.md): read the frame back from sp,
    // check it, and put the interrupted state and the signal mask back.
    struct proc *p = proc_current();
    printf("pid %d (%s): sigreturn is not written: killed\n", p->pid, p->name);
    proc_exit(W_EXITCODE(0, SIGSEGV));
}
   LAB signals END */
