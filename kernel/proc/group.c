/*
 * Process groups, sessions, and kill.
 *
 * Every process is in a process group (pgid) inside a session (sid); both
 * are named by the pid of the process that created them, and both are
 * inherited across fork.  A job of the shell is a process group; the
 * terminal sends its signals to its foreground group (dev/console.c).
 *
 * kill(pid, sig):  pid > 0 that process;  pid == 0 the caller's group;
 * pid == -1 every process but init and the caller;  pid < -1 the group -pid.
 * sig == 0 sends nothing and only reports whether a target exists.  Init
 * (pid 1) takes only the signals it has a handler for.
 *
 * A process group is orphaned when no member has a parent outside the group
 * but in the same session (nobody is left who could continue it).  When an
 * exit orphans a group that has stopped members, the group gets SIGHUP and
 * SIGCONT, as POSIX asks, so that it does not stay stopped forever.
 *
 * Locks: pgid and sid are guarded by proc_lock (proc.h), which this file
 * holds while it walks the list of processes and calls sig_post/sig_kick.
 */
#include "proc/proc.h"
#include "abi/errno.h"
#include "sync/spinlock.h"
#include "lib/printf.h"

static struct proc *find_alive_locked(int pid)
{
    ASSERT_HELD(&proc_lock);
    struct list_head *e;
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (p->pid == pid && p->state == P_ALIVE)
            return p;
    }
    return NULL;
}

/* Init ignores what it has no handler for, even SIGKILL (it must not die). */
static bool init_refuses(struct proc *p, int sig)
{
    if (p->pid != 1 || sig == 0)
        return false;
    spin_lock(&p->sig.lock);
    bool caught = p->sig.action[sig].handler > KSIG_IGN;
    spin_unlock(&p->sig.lock);
    return !caught || sig == SIGKILL || sig == SIGSTOP;
}

static void kill_one_locked(struct proc *p, int sig, const struct ksiginfo *info)
{
    ASSERT_HELD(&proc_lock);
    if (sig && !init_refuses(p, sig))
        sig_send(p, sig, info);
}

static bool kill_selects(struct proc *p, struct proc *self, int pid, int pgid)
{
    if (p->state != P_ALIVE)
        return false;
    return pid == -1 ? (p != self && p->pid != 1) : p->pgid == pgid;
}

/*
 * Signal every alive process selected by pid (see the top); how many matched.
 *
 * In two passes over the list, both under proc_lock: the signal is made
 * pending in every member (sig_post) before any of them is woken
 * (sig_kick), so no member can act on another's death first (in
 * `sleep 100 | cat`, ^C must not let cat see end of file and exit 0 before
 * its own SIGINT is pending).  The second pass keeps no list of whom to
 * wake: it asks each member again whether sig is pending and unblocked
 * (sig_wants_kick), which is what sig_post's answer was, or has since
 * become needless (the member took the signal, or blocked it, on another
 * hart).  proc_lock keeps the set of members the same for both passes
 * (pgid and state change only under it) and keeps every member allocated.
 */
static int kill_matching_locked(int pid, int sig, const struct ksiginfo *info)
{
    ASSERT_HELD(&proc_lock);
    struct proc *self = proc_current();
    int pgid = pid == 0 ? self->pgid : -pid, n = 0;
    struct list_head *e;
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (!kill_selects(p, self, pid, pgid))
            continue;
        n++;
        if (sig && !init_refuses(p, sig))
            sig_post(p, sig, info);
    }
    if (!sig)
        return n;
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (kill_selects(p, self, pid, pgid) && sig_wants_kick(p, sig))
            sig_kick(p);
    }
    return n;
}

int proc_kill(int pid, int sig)
{
    struct proc *self = proc_current();
    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    struct ksiginfo info = {.si_signo = sig, .si_code = SI_USER, .si_pid = self->pid};
    int err = 0;
    spin_lock(&proc_lock);
    if (pid > 0) {
        struct proc *p = find_alive_locked(pid);
        if (!p)
            err = -ESRCH;
        else if (p->pid == 1 && sig == SIGKILL)
            err = -EPERM;
        else
            kill_one_locked(p, sig, &info);
    } else if (pid == (int)0x80000000 || kill_matching_locked(pid, sig, &info) == 0) {
        err = -ESRCH;
    }
    spin_unlock(&proc_lock);
    return err;
}

int proc_kill_pgrp(int pgid, int sig)
{
    if (pgid <= 0)
        return -ESRCH;
    spin_lock(&proc_lock);
    int n = kill_matching_locked(-pgid, sig, NULL);
    spin_unlock(&proc_lock);
    return n ? 0 : -ESRCH;
}

bool proc_pgrp_in_session(int pgid, int sid)
{
    struct list_head *e;
    bool found = false;
    spin_lock(&proc_lock);
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (p->state == P_ALIVE && p->pgid == pgid && p->sid == sid) {
            found = true;
            break;
        }
    }
    spin_unlock(&proc_lock);
    return found;
}

/*
 * setpgid(pid, pgid): pid 0 is the caller, pgid 0 is pid itself.  The target
 * is the caller or one of its children, in the caller's session and not a
 * session leader; the group must be new (pgid == pid) or exist in the session.
 */
int proc_setpgid(int pid, int pgid)
{
    struct proc *self = proc_current();
    if (pgid < 0)
        return -EINVAL;
    int err = 0;
    spin_lock(&proc_lock);
    struct proc *p = pid == 0 ? self : find_alive_locked(pid);
    if (!p || (p != self && p->parent != self)) {
        err = -ESRCH;
        goto out_unlock;
    }
    if (pgid == 0)
        pgid = p->pid;
    if (p->sid != self->sid || p->pid == p->sid) {
        err = -EPERM;
        goto out_unlock;
    }
    if (pgid != p->pid) {
        struct list_head *e;
        bool exists = false;
        list_for_each (e, &all_procs) {
            struct proc *q = list_entry(e, struct proc, all);
            exists |= q->state == P_ALIVE && q->pgid == pgid && q->sid == self->sid;
        }
        if (!exists) {
            err = -EPERM;
            goto out_unlock;
        }
    }
    p->pgid = pgid;
out_unlock:
    spin_unlock(&proc_lock);
    return err;
}

int proc_getpgid(int pid)
{
    spin_lock(&proc_lock);
    struct proc *p = pid == 0 ? proc_current() : find_alive_locked(pid);
    int r = p ? p->pgid : -ESRCH;
    spin_unlock(&proc_lock);
    return r;
}

int proc_getsid(int pid)
{
    spin_lock(&proc_lock);
    struct proc *p = pid == 0 ? proc_current() : find_alive_locked(pid);
    int r = p ? p->sid : -ESRCH;
    spin_unlock(&proc_lock);
    return r;
}

/* A new session and group led by the caller, unless it leads a group already. */
int proc_setsid(void)
{
    struct proc *self = proc_current();
    struct list_head *e;
    int err = 0;
    spin_lock(&proc_lock);
    list_for_each (e, &all_procs) {
        struct proc *q = list_entry(e, struct proc, all);
        if (q->state == P_ALIVE && q->pgid == self->pid)
            err = -EPERM;
    }
    if (!err)
        self->pgid = self->sid = self->pid;
    spin_unlock(&proc_lock);
    return err ? err : self->pid;
}

/* Is group pgid orphaned if `gone` (exiting) no longer counts? */
static bool pgrp_orphaned_locked(int pgid, struct proc *gone)
{
    ASSERT_HELD(&proc_lock);
    struct list_head *e;
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (p == gone || p->state != P_ALIVE || p->pgid != pgid)
            continue;
        struct proc *q = p->parent;
        if (q && q != gone && q->pgid != pgid && q->sid == p->sid)
            return false;
    }
    return true;
}

static bool pgrp_has_stopped_locked(int pgid)
{
    ASSERT_HELD(&proc_lock);
    struct list_head *e;
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (p->state == P_ALIVE && p->pgid == pgid && sig_is_stopped(p))
            return true;
    }
    return false;
}

static void orphan_check_locked(int pgid, struct proc *gone)
{
    ASSERT_HELD(&proc_lock);
    if (pgid > 0 && pgrp_has_stopped_locked(pgid) && pgrp_orphaned_locked(pgid, gone)) {
        kill_matching_locked(-pgid, SIGHUP, NULL);
        kill_matching_locked(-pgid, SIGCONT, NULL);
    }
}

void proc_orphan_check_locked(struct proc *gone)
{
    ASSERT_HELD(&proc_lock);
    struct list_head *e;
    orphan_check_locked(gone->pgid, gone);
    list_for_each (e, &gone->children) {
        struct proc *c = list_entry(e, struct proc, sibling);
        if (c->pgid != gone->pgid)
            orphan_check_locked(c->pgid, gone);
    }
}

bool proc_pgrp_orphaned(int pgid)
{
    spin_lock(&proc_lock);
    bool r = pgrp_orphaned_locked(pgid, NULL);
    spin_unlock(&proc_lock);
    return r;
}
