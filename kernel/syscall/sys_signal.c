/*
 * Signal, process-group and interval-timer system calls.  The work is in
 * proc/signal.c, proc/group.c and proc/itimer.c; these read the arguments.
 * The terminal's calls (ioctl, tcsetpgrp...) are in dev/console.c.
 */
#include "syscall/syscall.h"
#include "abi/errno.h"
#include "abi/signal.h"
#include "arch/riscv/trap.h"
#include "mm/usercopy.h"
#include "proc/itimer.h"
#include "proc/proc.h"
#include "proc/signal.h"

long sys_rt_sigaction(const struct sysargs *args)
{
    return sig_action(arg_int(args, 0), arg_ptr(args, 1), arg_ptr(args, 2));
}

long sys_rt_sigprocmask(const struct sysargs *args)
{
    return sig_procmask(arg_int(args, 0), arg_ptr(args, 1), arg_ptr(args, 2));
}

long sys_rt_sigpending(const struct sysargs *args)
{
    return sig_pending_set(arg_ptr(args, 0));
}

long sys_rt_sigsuspend(const struct sysargs *args)
{
    return sig_suspend(arg_ptr(args, 0));
}

long sys_pause(const struct sysargs *args)
{
    return sig_pause();
}

long sys_rt_sigreturn(const struct sysargs *args)
{
    return sig_return(proc_trapframe(proc_current()));
}

long sys_kill(const struct sysargs *args)
{
    return proc_kill(arg_int(args, 0), arg_int(args, 1));
}

long sys_setpgid(const struct sysargs *args)
{
    return proc_setpgid(arg_int(args, 0), arg_int(args, 1));
}

long sys_getpgid(const struct sysargs *args)
{
    return proc_getpgid(arg_int(args, 0));
}

long sys_getsid(const struct sysargs *args)
{
    return proc_getsid(arg_int(args, 0));
}

long sys_setsid(const struct sysargs *args)
{
    return proc_setsid();
}

long sys_alarm(const struct sysargs *args)
{
    return itimer_alarm((unsigned)arg_int(args, 0));
}

long sys_setitimer(const struct sysargs *args)
{
    struct kitimerval nv, old;
    if (arg_int(args, 0) != ITIMER_REAL)
        return -EINVAL;
    if (copy_from_user(&nv, arg_ptr(args, 1), sizeof(nv)))
        return -EFAULT;
    int err = itimer_set(&nv, &old);
    if (!err && arg_ptr(args, 2) && copy_to_user(arg_ptr(args, 2), &old, sizeof(old)))
        return -EFAULT;
    return err;
}

long sys_getitimer(const struct sysargs *args)
{
    struct kitimerval old;
    if (arg_int(args, 0) != ITIMER_REAL)
        return -EINVAL;
    itimer_set(NULL, &old);
    return copy_to_user(arg_ptr(args, 1), &old, sizeof(old));
}
