/* Memory system calls beyond brk: the per-process counters (vminfo). */
#include "syscall/syscall.h"
#include "abi/vminfo.h"
#include "mm/usercopy.h"
#include "proc/proc.h"

long sys_vminfo(const struct sysargs *args)
{
    struct vminfo info;
    int err = proc_vminfo(arg_int(args, 0), &info);
    if (err)
        return err;
    return copy_to_user(arg_ptr(args, 1), &info, sizeof(info));
}
