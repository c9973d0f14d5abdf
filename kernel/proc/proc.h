/*
 * Processes: a user address space, open files and a working directory, run
 * by one kernel thread that enters and leaves user mode.
 *
 * Lifecycle: proc_alloc makes an EMBRYO: it holds its pid (no one else gets
 * it) but kill and wait4 cannot find it, and the power-off walk only leaves a
 * SIGKILL pending for it; fork (or proc_start_init) publishes it ALIVE once
 * it has its address space, descriptors and thread, before it runs user code
 * and before fork returns its pid.  Exit makes it a ZOMBIE that keeps its pid
 * and exit status until the parent's wait4 reaps it; the orphans of an
 * exiting process are given to init (pid 1), which reaps them.  Processes and pids are allocated
 * dynamically (no table); `max_procs` (bootargs maxproc=, default 64) makes fork fail with EAGAIN.
 *
 * Locks: proc_lock (in proc.c) guards the fields marked (p): the process
 * tree, states, exit statuses and the list of all processes.  Fields marked
 * (o) belong to the process's own thread and are touched only by it (or by
 * the parent once the process is a zombie).  Signal state has its own lock
 * (proc/signal.h).
 * Lock order (sync/lockorder.h): proc_lock -> sigstate.lock -> wait-queue
 * lock -> run-queue lock.
 */
#ifndef PROC_PROC_H
#define PROC_PROC_H

#include "types.h"
#include "lib/list.h"
#include "sync/waitq.h"
#include "arch/riscv/trap.h"
#include "proc/signal.h"
#include "proc/thread.h"

#define PROC_NAME_MAX 16
#define FD_MAX 1024 /* descriptors per process (tables grow up to this) */

struct thread;
struct mm;
struct file;
struct inode;

enum proc_state { P_EMBRYO, P_ALIVE, P_ZOMBIE };

struct proc {
    int pid;
    char name[PROC_NAME_MAX]; /* (o) program name, for ps and fault messages; zero-filled
                                 after the terminator (proc_set_name) */
    struct thread *thread;    /* set before the process is published ALIVE; cleared
                                 (p) when the zombie is reaped */
    struct mm *mm;            /* (o; written under p) */
    struct file **fds;        /* (o) descriptor table, nfds entries */
    bool *cloexec;            /* (o) per descriptor: close it at exec */
    int nfds;                 /* (o) */
    struct inode *cwd;        /* (o) */
    struct fpstate fp;        /* (o) user FP registers while in the kernel */
    int fp_cpu;               /* (o) 1 + id of the hart whose FP registers hold fp; 0: none */

    enum proc_state state;     /* (p) */
    int exit_status;           /* (p) wait status, W_EXITCODE(code, signal) */
    struct proc *parent;       /* (p) */
    struct list_head children; /* (p) */
    struct list_head sibling;  /* (p) in parent->children */
    struct list_head all;      /* (p) in the list of all processes */
    struct waitq child_wq;     /* the parent sleeps here in wait4 */
    int wait_report;           /* (p) stop/continue status not yet seen by wait4, or 0 */
    int pgid;                  /* (p) process group */
    int sid;                   /* (p) session */
    struct sigstate sig;       /* signals (proc/signal.h) */
    /* (i) the interval timer (proc/itimer.c) */
    struct list_head itimer_link;        /* (itimer lock) on the armed list */
    uint64_t itimer_at, itimer_interval; /* (itimer lock) in ticks; 0: disarmed */
};

/* For the files of kernel/proc/ only: the lock and list behind (p). */
extern struct spinlock proc_lock;
extern struct list_head all_procs;

extern int max_procs;
extern char init_path[64]; /* bootargs init=<path>, default /bin/init */

void proc_init(void);
/* Start init_path as pid 1; false if it cannot be run. */
bool proc_start_init(void);
/* The running process; NULL in a kernel thread. */
static inline struct proc *proc_current(void)
{
    struct thread *t = thread_current();
    return t ? t->proc : NULL;
}

/* The kernel wrote p->fp (exec, sigreturn): no hart's FP registers hold it now. */
static inline void proc_fp_changed(struct proc *p)
{
    p->fp_cpu = 0;
}
struct trapframe *proc_trapframe(struct proc *p);

int proc_fork(void);                                     /* child pid or -errno */
void proc_exit(int status) __attribute__((noreturn));    /* status: wait status */
int proc_wait4(int pid, uintptr_t ustatus, int options); /* pid, 0 (WNOHANG) or -errno */
/* Tell p's parent that p stopped or continued (CLD_STOPPED/CLD_CONTINUED):
 * a report for wait4 and SIGCHLD unless the parent asked SA_NOCLDSTOP. */
void proc_notify_parent(struct proc *p, int why, int sig);

/* Signals to processes and groups (group.c). */
int proc_kill(int pid, int sig);       /* kill(2): pid >0, 0, -1, <-1 */
int proc_kill_pgrp(int pgid, int sig); /* from the kernel (the terminal); -ESRCH if empty */
int proc_setpgid(int pid, int pgid);
int proc_getpgid(int pid);
int proc_setsid(void);
int proc_getsid(int pid);
bool proc_pgrp_in_session(int pgid, int sid); /* some process of group pgid is in session sid */
/* `gone` is exiting (proc_lock held, before its children move to init):
 * SIGHUP and SIGCONT to each group this orphans that has stopped members. */
void proc_orphan_check_locked(struct proc *gone);
bool proc_pgrp_orphaned(int pgid); /* nobody outside it in its session could continue it */
/* Kill every process but the caller and init, and wait (up to ~2 s) until they
 * have exited and released their files (before power-off). */
void proc_stop_all(void);
/* Has proc_stop_all begun (the machine is going down)?  init asks, through
 * sysinfo, so that it does not restart the shell on the way down. */
bool proc_shutting_down(void);
int proc_list(uintptr_t ubuf, int max); /* getprocs */
/* Print every process to the console (pid, parent, state, hart, ticks, name,
 * the wait queue it sleeps on): the Ctrl-P dump and kmon's `ps`.  Takes no
 * sleeping lock and waits for none; call it without the console lock held. */
void proc_dump(void);
/* How many processes there are, and the user memory they map (for sysinfo). */
void proc_totals(unsigned *count, unsigned long *user_bytes);
int proc_parent_pid(struct proc *p); /* getppid */
/* A fault of the current process found no memory (oom.c): unless the OOM
 * killer already chose it, say so on the console and send it SIGKILL (it
 * dies on its way back to user mode). */
void proc_oom_kill_self(uintptr_t addr);
struct vminfo;
int proc_vminfo(int pid, struct vminfo *out); /* pid 0: the caller; 0 or -ESRCH */
/* Replace p's address space (exec, exit); returns the old one. */
struct mm *proc_set_mm(struct proc *p, struct mm *mm);
/* A reference on the address space of live process pid (0: the caller), or
 * NULL; drop it with mm_put. */
struct mm *proc_mm_get(int pid);
/* fn(the thread of process pid, arg) under proc_lock, for a live process or
 * a zombie not yet reaped (pid 0: the caller); fn's result, or -ESRCH.  fn
 * must not sleep. */
struct thread;
int proc_with_thread(int pid, int (*fn)(struct thread *t, void *arg), void *arg);
/* Set p's name, clearing the rest of the field (no bytes of an older name stay). */
void proc_set_name(struct proc *p, const char *name);

/* Descriptors (fdtable.c). */
int fd_alloc(struct proc *p, struct file *f, int min); /* lowest free >= min, or -EMFILE */
int fd_alloc_cloexec(struct proc *p, struct file *f, int min, bool cloexec);
void fd_close_on_exec(struct proc *p);       /* after a successful exec */
struct file *fd_get(struct proc *p, int fd); /* NULL if not open */
int fd_close(struct proc *p, int fd);
int fd_copy_table(struct proc *src, struct proc *dst); /* for fork */
void fd_close_all(struct proc *p);

/* exec.c */
int proc_exec(const char *path, uintptr_t uargv, uintptr_t uenvp);
/* Exec from the kernel (for init): argv are kernel strings. */
int proc_exec_kernel(const char *path, const char *const argv[]);

#endif
