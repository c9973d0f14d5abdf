/*
 * Scheduling system calls: the policy and its tunables, nice, tickets,
 * per-process accounting and the switch trace.  Parameters live in struct
 * thread and are read by the policies that use them (abi/sched.h).
 */
#include "syscall/syscall.h"
#include "abi/errno.h"
#include "abi/sched.h"
#include "lib/string.h"
#include "mm/usercopy.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "sched/runq.h"
#include "sched/trace.h"

#define KEY_MAX 32

STATIC_ASSERT(TICKETS_CURRENCIES == LOTTERY_CURRENCIES);

/* A short string argument (policy name, tunable key). */
static long arg_word(const struct sysargs *args, int i, char *buf, size_t size)
{
    long n = strncpy_from_user(buf, arg_ptr(args, i), size);
    if (n < 0)
        return n;
    return (size_t)n >= size ? -EINVAL : 0;
}

long sys_sched_policy(const struct sysargs *args)
{
    char name[KEY_MAX], text[SCHED_POLICY_MAX];
    if (arg_ptr(args, 0)) {
        long err = arg_word(args, 0, name, sizeof(name));
        if (err)
            return err;
        if ((err = sched_set_policy(name)) != 0)
            return err;
    }
    sched_describe(text, sizeof(text));
    size_t len = strlen(text), size = arg_long(args, 2);
    if (arg_ptr(args, 1) && size) {
        size_t n = MIN(len, size - 1);
        char nul = '\0';
        if (copy_to_user(arg_ptr(args, 1), text, n) || copy_to_user(arg_ptr(args, 1) + n, &nul, 1))
            return -EFAULT;
    }
    return len;
}

long sys_sched_tune(const struct sysargs *args)
{
    char key[KEY_MAX];
    long err = arg_word(args, 0, key, sizeof(key));
    return err ? err : sched_set_tunable(key, arg_long(args, 1));
}

static int set_nice(struct thread *t, void *arg)
{
    WRITE_ONCE(t->nice, *(int *)arg);
    runq_params_changed(t);
    return 0;
}

static int get_nice(struct thread *t, void *arg)
{
    return 20 - READ_ONCE(t->nice); /* 1 .. 40: never looks like -errno */
}

long sys_setpriority(const struct sysargs *args)
{
    int prio = arg_int(args, 2);
    if (arg_int(args, 0) != PRIO_PROCESS)
        return -EINVAL;
    prio = MAX(NICE_MIN, MIN(NICE_MAX, prio));
    return proc_with_thread(arg_int(args, 1), set_nice, &prio);
}

long sys_getpriority(const struct sysargs *args)
{
    if (arg_int(args, 0) != PRIO_PROCESS)
        return -EINVAL;
    return proc_with_thread(arg_int(args, 1), get_nice, NULL);
}

static int get_tickets(struct thread *t, void *arg)
{
    return READ_ONCE(t->tickets);
}

static int set_tickets(struct thread *t, void *arg)
{
    WRITE_ONCE(t->tickets, *(int *)arg);
    runq_params_changed(t);
    return *(int *)arg;
}

/* Add n to t's tickets (n may be negative); the new count or -EINVAL. */
static int add_tickets(struct thread *t, void *arg)
{
    int n = *(int *)arg;
    int now = __atomic_load_n(&t->tickets, __ATOMIC_RELAXED);
    for (;;) {
        int want = now + n;
        if (want < 1 || want > SCHED_TICKETS_MAX)
            return -EINVAL;
        if (__atomic_compare_exchange_n(&t->tickets, &now, want, false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
            runq_params_changed(t);
            return want;
        }
    }
}

/* Transfer: the caller lends n of its tickets to pid (it keeps at least 1). */
static long give_tickets(int pid, int n)
{
    int minus = -n;
    if (n < 1)
        return -EINVAL;
    int left = proc_with_thread(0, add_tickets, &minus);
    if (left < 0)
        return left;
    int err = proc_with_thread(pid, add_tickets, &n);
    if (err < 0) {
        proc_with_thread(0, add_tickets, &n); /* give them back */
        return err;
    }
    return left;
}

static int join_currency(struct thread *t, void *arg)
{
    WRITE_ONCE(t->currency, *(int *)arg);
    runq_params_changed(t);
    return 0;
}

long sys_tickets(const struct sysargs *args)
{
    int op = arg_int(args, 0), pid = arg_int(args, 1), n = arg_int(args, 2);
    switch (op) {
    case TICKETS_GET:
        return proc_with_thread(pid, get_tickets, NULL);
    case TICKETS_SET:
        if (n < 1 || n > SCHED_TICKETS_MAX)
            return -EINVAL;
        return proc_with_thread(pid, set_tickets, &n);
    case TICKETS_GIVE:
        return give_tickets(pid, n);
    case TICKETS_JOIN:
        if (n < 0 || n >= LOTTERY_CURRENCIES)
            return -EINVAL;
        return proc_with_thread(pid, join_currency, &n);
    case TICKETS_FUND:
        return lottery_fund(n, pid);
    default:
        return -EINVAL;
    }
}

static int fill_info(struct thread *t, void *arg)
{
    struct schedinfo *si = arg;
    si->pid = trace_id(t);
    /* A zombie once its thread's exit is complete (not when its process is
     * marked one, a moment earlier): its completion tick is set then, and
     * no tick charges it any more (sched_exit_current). */
    bool done = __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == T_ZOMBIE;
    si->state = done ? 'Z' : thread_state_letter(t);
    si->hart = READ_ONCE(t->cpu);
    si->nice = READ_ONCE(t->nice);
    si->tickets = READ_ONCE(t->tickets);
    si->level = READ_ONCE(t->level);
    si->arrival = t->created_tick;
    si->first_run = READ_ONCE(t->has_run) ? READ_ONCE(t->first_run_tick) : 0;
    si->completion = done ? READ_ONCE(t->exit_tick) : 0;
    si->cpu = READ_ONCE(t->ticks_run);
    si->wait = READ_ONCE(t->wait_ticks);
    si->voluntary = READ_ONCE(t->nvoluntary);
    si->involuntary = READ_ONCE(t->npreempt);
    si->pass = READ_ONCE(t->pass);
    si->vruntime = READ_ONCE(t->vruntime);
    for (int i = 0; i < SCHED_LEVELS_MAX; i++)
        si->level_ticks[i] = READ_ONCE(t->ticks_at_level[i]);
    si->cpu_ns = sched_cpu_ns(t);
    return 0;
}

long sys_schedinfo(const struct sysargs *args)
{
    struct schedinfo si = {0};
    int err = proc_with_thread(arg_int(args, 0), fill_info, &si);
    if (err)
        return err;
    return copy_to_user(arg_ptr(args, 1), &si, sizeof(si)) ? -EFAULT : 0;
}

long sys_schedtrace(const struct sysargs *args)
{
    return trace_read(arg_ptr(args, 0), arg_long(args, 1), arg_long(args, 2));
}
