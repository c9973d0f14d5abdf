/* Process, memory, time and machine system calls. */
#include "syscall/syscall.h"
#include "abi/errno.h"
#include "abi/signal.h"
#include "abi/time.h"
#include "abi/utsname.h"
#include "arch/riscv/smp.h"
#include "mm/vm.h"
#include "arch/riscv/timer.h"
#include "dev/rtc.h"
#include "fs/fsops.h"
#include "init/boot.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/page.h"
#include "mm/reclaim.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "mm/uvm.h"
#include "proc/proc.h"
#include "proc/sched.h"

long sys_fork(const struct sysargs *args)
{
    return proc_fork();
}

long sys__exit(const struct sysargs *args)
{
    proc_exit(W_EXITCODE(arg_int(args, 0), 0));
}

long sys_wait4(const struct sysargs *args)
{
    if (arg_ptr(args, 3))
        return -EINVAL; /* no resource usage accounting */
    return proc_wait4(arg_int(args, 0), arg_ptr(args, 1), arg_int(args, 2));
}

long sys_getpid(const struct sysargs *args)
{
    return proc_current()->pid;
}

long sys_getppid(const struct sysargs *args)
{
    return proc_parent_pid(proc_current());
}

long sys_sched_yield(const struct sysargs *args)
{
    sched_yield();
    return 0;
}

long sys_execve(const struct sysargs *args)
{
    char *path;
    long err = arg_path(args, 0, &path);
    if (err)
        return err;
    err = proc_exec(path, arg_ptr(args, 1), arg_ptr(args, 2));
    kfree(path);
    return err; /* on success the new program's a0 (argc) */
}

long sys_brk(const struct sysargs *args)
{
    struct mm *mm = proc_current()->mm;
    return (long)mm_brk(mm, arg_ptr(args, 0));
}

long sys_getprocs(const struct sysargs *args)
{
    return proc_list(arg_ptr(args, 0), arg_int(args, 1));
}

/*
 * Sleep until `until` (timer_now_ns); if a signal interrupts it, store the
 * time left in *urem (if given) and ask for a restart through
 * restart_syscall, which sleeps only what is left when no handler ran.
 */
static long nanosleep_until(uint64_t until, uintptr_t urem)
{
    uint64_t now = timer_now_ns();
    if (now >= until || sched_sleep_ns(until - now) == 0)
        return 0;
    now = timer_now_ns();
    uint64_t left = now < until ? until - now : 0;
    struct sigstate *s = &proc_current()->sig;
    s->restart_until_ns = until;
    s->restart_rem = urem;
    if (urem) {
        struct ktimespec rem = {(long)(left / 1000000000UL), (long)(left % 1000000000UL)};
        if (copy_to_user(urem, &rem, sizeof(rem)))
            return -EFAULT;
    }
    return -ERESTART_RESTARTBLOCK;
}

long sys_nanosleep(const struct sysargs *args)
{
    struct ktimespec req;
    if (copy_from_user(&req, arg_ptr(args, 0), sizeof(req)))
        return -EFAULT;
    if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000)
        return -EINVAL;
    uint64_t ns = (uint64_t)req.tv_sec * 1000000000UL + req.tv_nsec;
    return nanosleep_until(timer_now_ns() + ns, arg_ptr(args, 1));
}

/* The continuation of a nanosleep interrupted by a signal that ran no handler. */
long sys_restart_syscall(const struct sysargs *args)
{
    struct sigstate *s = &proc_current()->sig;
    if (!s->restart_until_ns)
        return -EINTR;
    uint64_t until = s->restart_until_ns;
    s->restart_until_ns = 0;
    return nanosleep_until(until, s->restart_rem);
}

long sys_clock_gettime(const struct sysargs *args)
{
    int64_t ns;
    switch (arg_int(args, 0)) {
    case CLOCK_REALTIME:
        ns = rtc_now_ns();
        break;
    case CLOCK_MONOTONIC:
        ns = (int64_t)timer_now_ns();
        break;
    default:
        return -EINVAL;
    }
    struct ktimespec ts = {ns / 1000000000, ns % 1000000000};
    return copy_to_user(arg_ptr(args, 1), &ts, sizeof(ts));
}

long sys_uname(const struct sysargs *args)
{
    struct kutsname u;
    memset(&u, 0, sizeof(u));
    strlcpy(u.sysname, "Quill", sizeof(u.sysname));
    strlcpy(u.nodename, "quill", sizeof(u.nodename));
    strlcpy(u.release, "0.3", sizeof(u.release));
    strlcpy(u.version, __DATE__ " " __TIME__, sizeof(u.version));
    strlcpy(u.machine, "riscv64", sizeof(u.machine));
    return copy_to_user(arg_ptr(args, 0), &u, sizeof(u));
}

long sys_poweroff(const struct sysargs *args)
{
    machine_power_off(arg_int(args, 0) != 0);
}

/*
 * Free physical frames, counting memory the kernel keeps only as a cache:
 * per-hart slab magazines are drained and empty slabs returned first, and
 * freed kernel stacks (kept for reuse) count as free.  usertests compares
 * this before and after its run to find leaks.
 */
long sys_memfree(const struct sysargs *args)
{
    /* The same reclaim a failing allocation does, so the count is canonical:
     * no frame sits in a per-hart cache, a slab magazine or a cached stack. */
    mm_reclaim_caches();
    return (long)page_free_count();
}
