/*
 * Process lifecycle: creation of init, fork, exit, wait4 (with stop and
 * continue reports), SIGCHLD (a parent that ignores it gets no zombies: init
 * reaps its children instead).  Signals themselves are in signal.c, process
 * groups and kill in group.c.  See proc.h for the states and the locks.
 */
#include "proc/proc.h"
#include "proc/thread.h"
#include "proc/sched.h"
#include "proc/cpu.h"
#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/procinfo.h"
#include "abi/signal.h"
#include "dev/console.h"
#include "fs/file.h"
#include "fs/fs.h"
#include "fs/fsops.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "mm/uvm.h"
#include "sync/spinlock.h"
#include "proc/itimer.h"
#include "proc/signal.h"

int max_procs = 64;
char init_path[64] = "/bin/init";

struct spinlock proc_lock = SPINLOCK_INIT("proc");
struct list_head all_procs = LIST_HEAD_INIT(all_procs); /* (proc_lock) */
static int nprocs;                                      /* (proc_lock) */
static int next_pid = 1;                                /* (proc_lock) */
static struct proc *init_proc;
static struct kmem_cache *proc_cache;

void proc_init(void)
{
    proc_cache = kmem_cache_create("proc", sizeof(struct proc), 16);
    if (!proc_cache)
        panic("proc_init: no memory");
}

struct trapframe *proc_trapframe(struct proc *p)
{
    return (struct trapframe *)(p->thread->kstack_top - sizeof(struct trapframe));
}

static bool pid_in_use_locked(int pid)
{
    ASSERT_HELD(&proc_lock);
    struct list_head *e;
    list_for_each (e, &all_procs)
        if (list_entry(e, struct proc, all)->pid == pid)
            return true;
    return false;
}

/*
 * A new EMBRYO process with a pid, counted against max_procs; NULL: -EAGAIN/
 * -ENOMEM in *err.  It is on the list of all processes (its pid is taken) but
 * every walker skips it until proc_publish makes it ALIVE.
 */
static struct proc *proc_alloc(int *err)
{
    struct proc *p = kmem_cache_alloc(proc_cache);
    if (!p) {
        *err = -ENOMEM;
        return NULL;
    }
    memset(p, 0, sizeof(*p));
    p->state = P_EMBRYO;
    list_init(&p->children);
    list_init(&p->sibling);
    list_init(&p->itimer_link);
    waitq_init(&p->child_wq, "wait");
    sig_init_proc(p);
    spin_lock(&proc_lock);
    if (nprocs >= max_procs) {
        spin_unlock(&proc_lock);
        kmem_cache_free(proc_cache, p);
        *err = -EAGAIN;
        return NULL;
    }
    do {
        p->pid = next_pid;
        next_pid = next_pid >= 32767 ? 2 : next_pid + 1;
    } while (pid_in_use_locked(p->pid));
    nprocs++;
    list_push_back(&all_procs, &p->all);
    spin_unlock(&proc_lock);
    return p;
}

/*
 * The process is complete (address space, descriptors, thread): make it
 * visible to kill, wait4 and the stop-all walk.  Called by the creator after
 * the thread exists and by the new thread before its first return to user
 * mode, whichever comes first; so fork never returns a pid that kill cannot
 * find, and the child never runs user code while it cannot be killed.
 */
static void proc_publish(struct proc *p)
{
    spin_lock(&proc_lock);
    if (p->state == P_EMBRYO)
        p->state = P_ALIVE;
    spin_unlock(&proc_lock);
}

void proc_set_name(struct proc *p, const char *name)
{
    memset(p->name, 0, sizeof(p->name));
    strlcpy(p->name, name, sizeof(p->name));
}

/* Undo proc_alloc and whatever was set up (for failed forks and reaped zombies). */
static void proc_free(struct proc *p)
{
    spin_lock(&proc_lock);
    list_remove(&p->all);
    list_remove(&p->sibling);
    nprocs--;
    spin_unlock(&proc_lock);
    if (p->mm)
        mm_put(p->mm);
    fd_close_all(p);
    kfree(p->fds);
    kfree(p->cloexec);
    if (p->cwd) {
        inode_put_op(p->cwd);
    }
    kmem_cache_free(proc_cache, p);
}

/* ---- init ---- */

/* Handed from the boot thread to init's thread; lives on the boot thread's stack. */
struct init_start {
    struct proc *p;
    volatile int result; /* 1: still running; 0: exec'd; <0: failed */
};

static void init_thread(void *arg)
{
    struct init_start *st = arg;
    struct proc *p = st->p;
    const char *argv[] = {init_path, NULL};
    proc_publish(p);
    int err = proc_exec_kernel(init_path, argv);
    /* The last touch of *st: the boot thread may return (and its stack
     * frame go away) as soon as it sees the result. */
    __atomic_store_n(&st->result, err, __ATOMIC_RELEASE);
    if (err)
        thread_exit(err); /* the boot thread frees the process */
    user_trap_return(proc_trapframe(p));
}

bool proc_start_init(void)
{
    int err;
    struct init_start st = {.result = 1};
    if (!root_fs)
        return false;
    struct proc *p = proc_alloc(&err);
    if (!p)
        return false;
    st.p = p;
    proc_set_name(p, "init");
    p->pgid = p->sid = p->pid;
    p->cwd = inode_get(root_fs, QFS_ROOT_INUM);
    /* fds 0, 1, 2 on the console, if the image has /dev/console. */
    struct file *con;
    if (file_open(NULL, "/dev/console", O_RDWR, 0, &con) == 0) {
        fd_alloc(p, con, 0);
        fd_alloc(p, file_dup(con), 1);
        fd_alloc(p, file_dup(con), 2);
    }
    init_proc = p;
    p->thread = thread_create_user(p, "init", init_thread, &st, NULL);
    if (!p->thread || !p->cwd) {
        init_proc = NULL;
        proc_free(p);
        return false;
    }
    while (__atomic_load_n(&st.result, __ATOMIC_ACQUIRE) == 1)
        sched_sleep_ticks(1);
    if (st.result == 0)
        return true;
    printf("init: cannot run %s (error %d)\n", init_path, st.result);
    thread_join(p->thread);
    init_proc = NULL;
    proc_free(p);
    return false;
}

/* ---- fork ---- */

static void fork_child_start(void *arg)
{
    struct proc *p = arg;
    proc_publish(p);
    user_trap_return(proc_trapframe(p));
}

int proc_fork(void)
{
    int err;
    struct proc *parent = proc_current();
    struct proc *child = proc_alloc(&err);
    if (!child)
        return err;
    memcpy(child->name, parent->name, sizeof(child->name));
    child->fp = parent->fp;
    sig_fork(parent, child);
    if ((err = mm_fork(parent->mm, &child->mm)) != 0 || (err = fd_copy_table(parent, child)) != 0)
        goto out_free;
    child->cwd = parent->cwd ? inode_dup(parent->cwd) : NULL;

    struct trapframe tf = *proc_trapframe(parent);
    tf.x[10] = 0; /* fork returns 0 in the child */
    spin_lock(&proc_lock);
    child->pgid = parent->pgid;
    child->sid = parent->sid;
    child->parent = parent;
    list_push_back(&parent->children, &child->sibling);
    spin_unlock(&proc_lock);
    child->thread = thread_create_user(child, child->name, fork_child_start, child, &tf);
    if (!child->thread) {
        err = -ENOMEM;
        goto out_free;
    }
    proc_publish(child);
    return child->pid;
out_free:
    proc_free(child);
    return err;
}

/* ---- exit and wait ---- */

void proc_exit(int status)
{
    struct proc *p = proc_current();
    if (p == init_proc)
        panic("proc_exit: init exited with status 0x%x", status);
    itimer_disarm(p);
    fd_close_all(p);
    if (p->cwd) {
        inode_put_op(p->cwd);
        p->cwd = NULL;
    }
    /* Unpublish the address space before freeing it: if this thread is
     * preempted in between, the scheduler must not load it again. */
    intr_push();
    struct mm *mm = proc_set_mm(p, NULL);
    mm_deactivate();
    intr_pop();
    mm_put(mm);
    if (p->pid == p->sid)
        console_session_leader_exit(p->sid); /* before proc_lock: the console's lock is first */

    spin_lock(&proc_lock);
    proc_orphan_check_locked(p);
    bool zombie_orphans = false;
    struct list_head *e;
    while ((e = list_pop_front(&p->children)) != NULL) {
        struct proc *c = list_entry(e, struct proc, sibling);
        c->parent = init_proc;
        list_push_back(&init_proc->children, &c->sibling);
        zombie_orphans |= c->state == P_ZOMBIE;
    }
    if (zombie_orphans)
        waitq_wake_all(&init_proc->child_wq);
    p->exit_status = status;
    p->state = P_ZOMBIE;
    p->wait_report = 0;
    struct proc *parent = p->parent;
    waitq_wake_all(&parent->child_wq);
    if (parent != init_proc && sig_ignores_children(parent)) {
        /* SIGCHLD ignored: the parent does not want zombies; init reaps it. */
        list_remove(&p->sibling);
        p->parent = init_proc;
        list_push_back(&init_proc->children, &p->sibling);
        waitq_wake_all(&init_proc->child_wq);
    } else {
        struct ksiginfo info = {.si_code = (status & 0x7f) ? CLD_KILLED : CLD_EXITED,
                                .si_pid = p->pid,
                                .si_status =
                                    (status & 0x7f) ? (status & 0x7f) : (status >> 8) & 0xff};
        sig_send(parent, SIGCHLD, &info);
    }
    spin_unlock(&proc_lock);
    thread_exit(0);
}

/* Does child c match wait4's pid argument (-1 any, >0 that pid, <=0 a group)? */
static bool wait_matches(struct proc *c, int pid, int pgid)
{
    return pid == -1 || (pid > 0 && c->pid == pid) || (pid <= 0 && c->pgid == pgid);
}

/*
 * A child matching pid with something to report: a zombie (taken off the
 * tree, *zombie set), or with WUNTRACED/WCONTINUED a stop or a continue
 * (report cleared).  A stop report of a child that SIGCONT (or SIGKILL) has
 * already woken is stale and not given (the continued child's thread
 * replaces it with W_CONTINUED as soon as it runs).  NULL if none;
 * *have_match says whether any child matched.
 */
static struct proc *wait_find_locked(struct proc *p, int pid, int options, int *status,
                                     bool *have_match, bool *zombie)
{
    ASSERT_HELD(&proc_lock);
    struct list_head *e;
    int pgid = pid == 0 ? p->pgid : -pid;
    *have_match = *zombie = false;
    list_for_each (e, &p->children) {
        struct proc *c = list_entry(e, struct proc, sibling);
        if (!wait_matches(c, pid, pgid))
            continue;
        *have_match = true;
        if (c->state == P_ZOMBIE) {
            list_remove(&c->sibling);
            *zombie = true;
            *status = c->exit_status;
            return c;
        }
        int r = c->wait_report;
        if (r && r != W_CONTINUED && !sig_is_stopped(c))
            continue; /* continued already: its own report of that comes next */
        if ((r == W_CONTINUED && (options & WCONTINUED)) ||
            (r && r != W_CONTINUED && (options & WUNTRACED))) {
            c->wait_report = 0;
            *status = r;
            return c;
        }
    }
    return NULL;
}

int proc_wait4(int pid, uintptr_t ustatus, int options)
{
    struct proc *p = proc_current(), *c;
    bool match, zombie;
    int status;
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED))
        return -EINVAL;
    spin_lock(&proc_lock);
    while ((c = wait_find_locked(p, pid, options, &status, &match, &zombie)) == NULL) {
        if (!match || (options & WNOHANG) || sig_pending()) {
            spin_unlock(&proc_lock);
            return !match ? -ECHILD : (options & WNOHANG) ? 0 : -ERESTARTSYS;
        }
        waitq_sleep(&p->child_wq, &proc_lock);
    }
    int cpid = c->pid;
    struct thread *t = zombie ? c->thread : NULL;
    if (zombie)
        c->thread = NULL; /* getprocs must not look at it any more */
    spin_unlock(&proc_lock);
    if (zombie) {
        thread_join(t); /* wait until it is off its hart, then free the thread */
        proc_free(c);
    }
    if (ustatus && copy_to_user(ustatus, &status, sizeof(status)))
        return -EFAULT;
    return cpid;
}

void proc_notify_parent(struct proc *p, int why, int sig)
{
    spin_lock(&proc_lock);
    struct proc *parent = p->parent;
    p->wait_report = why == CLD_STOPPED ? W_STOPCODE(sig) : W_CONTINUED;
    waitq_wake_all(&parent->child_wq);
    spin_lock(&parent->sig.lock);
    bool quiet = parent->sig.action[SIGCHLD].flags & SA_NOCLDSTOP;
    spin_unlock(&parent->sig.lock);
    if (!quiet) {
        struct ksiginfo info = {.si_code = why, .si_pid = p->pid, .si_status = sig};
        sig_send(parent, SIGCHLD, &info);
    }
    spin_unlock(&proc_lock);
}

/* ---- power-off ---- */

/*
 * Processes other than the caller and init that have not exited (embryos
 * included: their creator publishes them soon); send them SIGKILL too if
 * `kill`.  An embryo has no thread to wake yet: the pending signal alone is
 * enough, since its thread takes it before it first enters user mode.
 */
static int others_alive(bool kill)
{
    struct list_head *e;
    struct proc *self = proc_current();
    int n = 0;
    spin_lock(&proc_lock);
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (p == self || p == init_proc || p->state == P_ZOMBIE)
            continue;
        n++;
        if (kill)
            sig_send_kernel(p, SIGKILL);
    }
    spin_unlock(&proc_lock);
    return n;
}

/* Set once by the first proc_stop_all (power-off or reboot); never cleared. */
static volatile bool stopping;

bool proc_shutting_down(void)
{
    return stopping;
}

void proc_stop_all(void)
{
    stopping = true;
    others_alive(true);
    for (int i = 0; i < 200 && others_alive(false); i++)
        sched_sleep_ticks(1);
}

struct mm *proc_set_mm(struct proc *p, struct mm *mm)
{
    spin_lock(&proc_lock); /* proc_mm_get reads p->mm under it */
    struct mm *old = p->mm;
    p->mm = mm;
    spin_unlock(&proc_lock);
    return old;
}

struct mm *proc_mm_get(int pid)
{
    struct list_head *e;
    struct mm *mm = NULL;
    if (pid == 0)
        pid = proc_current()->pid;
    spin_lock(&proc_lock);
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (p->pid == pid && p->state == P_ALIVE && p->mm) {
            mm = p->mm;
            mm_get(mm);
            break;
        }
    }
    spin_unlock(&proc_lock);
    return mm;
}

int proc_vminfo(int pid, struct vminfo *out)
{
    struct list_head *e;
    struct proc *self = proc_current();
    int err = -ESRCH;
    if (pid == 0)
        pid = self->pid;
    spin_lock(&proc_lock);
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (p->pid == pid && p->state == P_ALIVE && p->mm) {
            mm_vminfo(p->mm, out); /* word-sized counters: a snapshot */
            err = 0;
            break;
        }
    }
    spin_unlock(&proc_lock);
    return err;
}

int proc_parent_pid(struct proc *p)
{
    spin_lock(&proc_lock);
    int pid = p->parent ? p->parent->pid : 0;
    spin_unlock(&proc_lock);
    return pid;
}

void proc_totals(unsigned *count, unsigned long *user_bytes)
{
    struct list_head *e;
    unsigned long bytes = 0;
    spin_lock(&proc_lock);
    *count = (unsigned)nprocs;
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        bytes += p->mm ? p->mm->st.resident * PAGE_SIZE : 0;
    }
    spin_unlock(&proc_lock);
    *user_bytes = bytes;
}

/* One line of proc_dump; the thread fields are read without the scheduler
 * lock (a diagnostic: a value may be a moment old). */
static void dump_one(struct proc *p)
{
    struct thread *t = p->thread;
    char state = p->state == P_ZOMBIE ? 'Z' : thread_state_letter(t);
    printf("%5d %5d %c ", p->pid, p->parent ? p->parent->pid : 0, state);
    if (t && state == 'R')
        printf("%4lu", cpus[t->cpu].hartid);
    else
        printf("   -");
    struct waitq *wq =
        t && state == 'S' ? READ_ONCE(t->wq) : NULL; /* read once: a waker clears it */
    const char *what = t && state == 'S' ? READ_ONCE(t->sleeps_for) : NULL;
    printf(" %7lu %-16.16s %s\n", t ? (unsigned long)t->ticks_run : 0UL, p->name,
           wq     ? wq->name
           : what ? what
                  : "");
}

void proc_dump(void)
{
    struct list_head *e;
    /* Never wait for a lock a stuck hart may hold: try for a while, then give up. */
    int tries = 1000000;
    while (!spin_trylock(&proc_lock))
        if (--tries == 0) {
            printf("proc_dump: the process list is locked (a hart stuck holding proc_lock?)\n");
            return;
        }
    printf("\n  PID  PPID S HART   TICKS NAME             WAITING ON\n");
    list_for_each (e, &all_procs)
        dump_one(list_entry(e, struct proc, all));
    spin_unlock(&proc_lock);
}

int proc_with_thread(int pid, int (*fn)(struct thread *t, void *arg), void *arg)
{
    struct list_head *e;
    int err = -ESRCH;
    if (pid == 0)
        pid = proc_current() ? proc_current()->pid : -1;
    spin_lock(&proc_lock);
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (p->pid == pid && p->thread) {
            err = fn(p->thread, arg);
            break;
        }
    }
    spin_unlock(&proc_lock);
    return err;
}

int proc_list(uintptr_t ubuf, int max)
{
    struct list_head *e;
    if (max <= 0)
        return -EINVAL;
    max = MIN(max, 1024);
    struct procinfo *info = kzalloc(max * sizeof(*info));
    if (!info)
        return -ENOMEM;
    int n = 0;
    spin_lock(&proc_lock);
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (n == max)
            break;
        struct procinfo *pi = &info[n++];
        pi->pid = p->pid;
        pi->ppid = p->parent ? p->parent->pid : 0;
        /* Only the name's bytes: the rest of the zeroed record stays zero. */
        memcpy(pi->name, p->name, strnlen(p->name, sizeof(pi->name) - 1));
        if (p->state == P_EMBRYO) {
            pi->state = 'E'; /* its thread and memory may be half built */
            continue;
        }
        pi->size = p->mm ? p->mm->st.resident * PAGE_SIZE : 0;
        pi->ticks = p->thread ? p->thread->ticks_run : 0;
        pi->cpu_ns = p->thread ? sched_cpu_ns(p->thread) : 0;
        pi->state = p->state == P_ZOMBIE ? 'Z'
                    : sig_is_stopped(p)  ? 'T'
                                         : thread_state_letter(p->thread);
        pi->cpu = p->thread && p->state != P_ZOMBIE ? (int)cpus[p->thread->cpu].hartid : -1;
    }
    spin_unlock(&proc_lock);
    int err = copy_to_user(ubuf, info, n * sizeof(*info));
    kfree(info);
    return err ? err : n;
}
