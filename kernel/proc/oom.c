/*
 * The out-of-memory killer.  An allocation for user memory that finds no
 * frame after the kernel drained its caches and direct reclaim found
 * nothing to evict (memory and swap both full) comes here.
 *
 * Victim: the live process whose end frees the most memory, its resident
 * plus swapped pages.  Never init (pid 1); the processes the caller runs
 * under (its parent, its shell, ... up to init) only if no other process
 * has memory to give.  The caller itself may be the victim.  One console
 * line names it:
 *
 *     out of memory: killed pid 7 (hog), 61440 KiB resident, 0 KiB swapped (pid 7 faulted)
 *
 * If the victim is another process, the caller (inside its page fault,
 * holding its own mm->lock, which the victim never needs) waits for the
 * victim's address space to go, then retries its allocation.  While a
 * victim is dying nobody else is killed: later callers wait for it too.
 * "Gone" means its address space has been destroyed and its frames freed
 * (oom_mm_destroyed), not only that the process let go of it: a reclaimer
 * may still hold a reference, and the last one may be dropped to the swap
 * daemon (mm_put_deferred), so the frames come back some ticks later.
 * A caller that gets SIGKILL while it waits, or whose victim holds on to all
 * of its memory for OOM_WAIT_TICKS in a row (stuck: it may wait for a lock
 * the caller holds), gives up: its own allocation fails and it dies, so no
 * path waits forever for memory.  A victim whose memory shrinks is waited
 * for however long its exit takes.
 */
#include "proc/oom.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "abi/signal.h"
#include "lib/printf.h"
#include "mm/page.h"
#include "mm/reclaim.h"
#include "mm/uvm.h"
#include "sync/spinlock.h"

#define OOM_WAIT_TICKS 500

static int oom_victim_pid; /* (proc_lock) a victim not yet gone, 0: none */
/* (atomic) the victim's address space until mm_destroy has freed it */
static struct mm *oom_victim_mm;

void oom_mm_destroyed(struct mm *mm)
{
    struct mm *want = mm;
    __atomic_compare_exchange_n(&oom_victim_mm, &want, NULL, false, __ATOMIC_RELEASE,
                                __ATOMIC_RELAXED);
}

static bool victim_mm_left(void)
{
    return __atomic_load_n(&oom_victim_mm, __ATOMIC_ACQUIRE) != NULL;
}

static bool sig_pending_proc_kill(struct proc *p)
{
    return (READ_ONCE(p->sig.pending) & SIG_BIT(SIGKILL)) != 0;
}

static size_t proc_pages_locked(struct proc *p)
{
    return READ_ONCE(p->mm->st.resident) + READ_ONCE(p->mm->st.swapped);
}

/* The pages the victim still holds, or -1 once its address space is gone.
 * proc_lock held. */
static long victim_pages_locked(int pid)
{
    struct list_head *e;
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (p->pid == pid)
            return p->mm ? (long)proc_pages_locked(p) : -1;
    }
    return -1;
}

static bool is_ancestor_locked(struct proc *a, struct proc *p)
{
    for (struct proc *q = p->parent; q; q = q->parent)
        if (q == a)
            return true;
    return false;
}

/* The process to end (see the top); proc_lock held. */
static struct proc *oom_pick_locked(struct proc *self)
{
    struct proc *best = NULL, *best_anc = NULL;
    size_t most = 0, most_anc = 0;
    struct list_head *e;
    list_for_each (e, &all_procs) {
        struct proc *p = list_entry(e, struct proc, all);
        if (p->pid == 1 || p->state != P_ALIVE || !p->mm)
            continue;
        size_t n = proc_pages_locked(p);
        if (is_ancestor_locked(p, self)) {
            if (!best_anc || n > most_anc)
                best_anc = p, most_anc = n;
        } else if (!best || n > most) {
            best = p, most = n;
        }
    }
    return best && most ? best : best_anc ? best_anc : self;
}

/* Is the victim still holding its memory?  proc_lock held. */
static bool victim_alive_locked(int pid)
{
    return victim_pages_locked(pid) >= 0 || victim_mm_left();
}

static void oom_kill_locked(struct proc *victim, struct proc *self)
{
    ASSERT_HELD(&proc_lock);
    printf("out of memory: killed pid %d (%s), %lu KiB resident, %lu KiB swapped (pid %d "
           "faulted)\n",
           victim->pid, victim->name, READ_ONCE(victim->mm->st.resident) * (PAGE_SIZE / 1024),
           READ_ONCE(victim->mm->st.swapped) * (PAGE_SIZE / 1024), self->pid);
    sig_send_kernel(victim, SIGKILL);
    mm_reclaim_count_oom();
    oom_victim_pid = victim->pid;
    __atomic_store_n(&oom_victim_mm, victim->mm, __ATOMIC_RELEASE);
}

bool oom_kill_and_wait(void)
{
    struct proc *self = proc_current();
    if (!self || sig_pending_proc_kill(self))
        return false;
    spin_lock(&proc_lock);
    if (!oom_victim_pid || !victim_alive_locked(oom_victim_pid)) {
        struct proc *victim = oom_pick_locked(self);
        oom_kill_locked(victim, self);
    }
    int pid = oom_victim_pid;
    spin_unlock(&proc_lock);
    if (pid == self->pid)
        return false;
    long last = -1;
    size_t last_free = page_free_count();
    for (int t = 0; t < OOM_WAIT_TICKS; t++) {
        spin_lock(&proc_lock);
        long pages = victim_pages_locked(pid);
        spin_unlock(&proc_lock);
        if (pages < 0 && !victim_mm_left())
            return true;
        if (sig_pending_proc_kill(self))
            return false;
        /* It is letting go of its memory (its own count shrinks while it
         * runs, the free count grows while its address space is torn
         * down): wait on, however slowly. */
        size_t free = page_free_count();
        if ((last >= 0 && pages >= 0 && pages < last) || free > last_free)
            t = 0;
        last = pages, last_free = free;
        sched_sleep_ticks(1);
    }
    return false;
}

bool oom_self_killed(void)
{
    struct proc *self = proc_current();
    return self && sig_pending_proc_kill(self);
}

void proc_oom_kill_self(uintptr_t addr)
{
    struct proc *p = proc_current();
    if (sig_pending_proc_kill(p))
        return; /* chosen by the OOM killer, or dying anyway */
    printf("out of memory: killed pid %d (%s), %lu KiB resident, faulting at %p\n", p->pid, p->name,
           p->mm->st.resident * (PAGE_SIZE / 1024), (void *)addr);
    mm_reclaim_count_oom();
    sig_send_kernel(p, SIGKILL);
}
