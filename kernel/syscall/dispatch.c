/*
 * The dispatch table, generated from kernel/abi/syscalls.def: entry nr is
 * sys_<name>.  An unknown number returns -ENOSYS; user code never chooses a
 * kernel address to jump to.
 */
#include "syscall/syscall.h"
#include "abi/errno.h"
#include "arch/riscv/trap.h"
#include "fs/fs.h"
#include "mm/slab.h"
#include "mm/usercopy.h"

typedef long (*syscall_fn)(const struct sysargs *);

static const syscall_fn syscall_table[] = {
#define SYSCALL(nr, name, ret, params) [nr] = sys_##name,
#include "abi/syscalls.def"
#undef SYSCALL
};

long syscall_dispatch(struct trapframe *tf)
{
    uint64_t nr = tf->x[17];
    if (nr >= ARRAY_SIZE(syscall_table) || !syscall_table[nr])
        return -ENOSYS;
    struct sysargs args = {{tf->x[10], tf->x[11], tf->x[12], tf->x[13], tf->x[14], tf->x[15]}};
    return syscall_table[nr](&args);
}

long arg_path(const struct sysargs *s, int i, char **out)
{
    char *buf = kmalloc(PATH_MAX + 1);
    if (!buf)
        return -ENOMEM;
    long n = strncpy_from_user(buf, arg_ptr(s, i), PATH_MAX + 1);
    if (n < 0) {
        kfree(buf);
        return n;
    }
    *out = buf;
    return 0;
}
