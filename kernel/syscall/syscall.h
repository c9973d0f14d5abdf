/*
 * System-call dispatch.  kernel/abi/syscalls.def is the one table; this
 * header turns each of its lines into the prototype of a handler,
 *
 *     long sys_<name>(const struct sysargs *args);
 *
 * which reads its arguments from args->a[0..5] (the user's a0..a5) with the
 * helpers below and returns the result, or -errno, for the user's a0.
 * User pointers are plain numbers here: only copy_from_user/copy_to_user/
 * strncpy_from_user (mm/usercopy.h) may touch the memory behind them.
 */
#ifndef SYSCALL_SYSCALL_H
#define SYSCALL_SYSCALL_H

#include "types.h"

struct trapframe;

struct sysargs {
    uint64_t a[6];
};

static inline int arg_int(const struct sysargs *s, int i)
{
    return (int)s->a[i];
}

static inline long arg_long(const struct sysargs *s, int i)
{
    return (long)s->a[i];
}

static inline uintptr_t arg_ptr(const struct sysargs *s, int i)
{
    return (uintptr_t)s->a[i];
}

/* Copy a path argument into a new kernel buffer (PATH_MAX+1); free it with kfree. */
long arg_path(const struct sysargs *s, int i, char **out);

long syscall_dispatch(struct trapframe *tf);

#define SYSCALL(nr, name, ret, params) long sys_##name(const struct sysargs *args);
#include "abi/syscalls.def"
#undef SYSCALL

#endif
