/* Memory system calls beyond brk: mappings and the per-process counters. */
#include "syscall/syscall.h"
#include "abi/errno.h"
#include "abi/mman.h"
#include "abi/vminfo.h"
#include "fs/file.h"
#include "mm/usercopy.h"
#include "mm/page.h"
#include "mm/pcache.h"
#include "mm/reclaim.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/uvm.h"
#include "lib/string.h"
#include "proc/proc.h"

long sys_mmap(const struct sysargs *args)
{
    struct proc *p = proc_current();
    int flags = arg_int(args, 3);
    struct file *f = NULL;
    if (!(flags & MAP_ANONYMOUS) && !(f = fd_get(p, arg_int(args, 4))))
        return -EBADF;
    return mm_mmap(p->mm, arg_ptr(args, 0), arg_long(args, 1), arg_int(args, 2), flags, f,
                   (uint64_t)arg_long(args, 5));
}

long sys_munmap(const struct sysargs *args)
{
    return mm_munmap(proc_current()->mm, arg_ptr(args, 0), arg_long(args, 1));
}

long sys_mprotect(const struct sysargs *args)
{
    return mm_mprotect(proc_current()->mm, arg_ptr(args, 0), arg_long(args, 1), arg_int(args, 2));
}

long sys_msync(const struct sysargs *args)
{
    return mm_msync(proc_current()->mm, arg_ptr(args, 0), arg_long(args, 1), arg_int(args, 2));
}

/* memlimit(pages, policy): the caller's resident-set limit (0: none); policy
 * NULL means the default, clock.  Inherited by fork and kept across exec. */
long sys_memlimit(const struct sysargs *args)
{
    char name[16] = "clock";
    uintptr_t upolicy = arg_ptr(args, 1);
    if (upolicy) {
        long n = strncpy_from_user(name, upolicy, sizeof(name));
        if (n < 0)
            return n == -ENAMETOOLONG ? -EINVAL : n;
    }
    return mm_set_limit(proc_current()->mm, arg_int(args, 0), name);
}

/* vm_policy(name, buf, size): switch the global replacement policy (name
 * NULL: keep it) and describe it, "clock low=N high=N", into buf. */
long sys_vm_policy(const struct sysargs *args)
{
    char name[16], desc[64];
    uintptr_t uname = arg_ptr(args, 0);
    if (uname) {
        long n = strncpy_from_user(name, uname, sizeof(name));
        if (n < 0)
            return n == -ENAMETOOLONG ? -EINVAL : n;
        int err = mm_reclaim_set_policy(name);
        if (err)
            return err;
    }
    mm_reclaim_describe(desc, sizeof(desc));
    size_t len = strlen(desc) + 1, size = arg_long(args, 2);
    if (arg_ptr(args, 1) && size) {
        if (copy_to_user(arg_ptr(args, 1), desc, MIN(len, size)))
            return -EFAULT;
    }
    return (long)len;
}

/* vm_tune(key, value): the daemon's watermarks ("low", "high", frames). */
long sys_vm_tune(const struct sysargs *args)
{
    char key[16];
    long n = strncpy_from_user(key, arg_ptr(args, 0), sizeof(key));
    if (n < 0)
        return n == -ENAMETOOLONG ? -EINVAL : n;
    return mm_reclaim_tune(key, arg_long(args, 1));
}

long sys_vminfo(const struct sysargs *args)
{
    struct vminfo info;
    int err = proc_vminfo(arg_int(args, 0), &info);
    if (err)
        return err;
    return copy_to_user(arg_ptr(args, 1), &info, sizeof(info));
}

long sys_vmstat(const struct sysargs *args)
{
    struct vmstat v;
    struct page_stats ps;
    struct swap_stats ss;
    page_stats(&ps);
    swap_get_stats(&ss);
    memset(&v, 0, sizeof(v));
    v.frames = ps.total;
    v.free = ps.free;
    v.swap_total = ss.total;
    v.swap_used = ss.used;
    v.swap_outs = ss.outs;
    v.swap_ins = ss.ins;
    struct reclaim_stats rs;
    mm_reclaim_get_stats(&rs);
    v.evictions = rs.evictions;
    v.kswapd_runs = rs.kswapd_runs;
    v.kswapd_freed = rs.kswapd_freed;
    v.direct_freed = rs.direct_freed;
    v.writebacks = rs.writebacks;
    v.oom_kills = rs.oom_kills;
    v.direct_runs = rs.direct_runs;
    v.drains = rs.drains;
    v.alloc_waits = rs.alloc_waits;
    v.lock_waits = rs.lock_waits;
    v.low = rs.low;
    v.high = rs.high;
    v.slab_frames = kmem_frames();
    v.slab_objects = kmem_objects();
    v.rmap_frames = rmap_frames();
    v.rmap_chained = rmap_chained_items();
    struct pcache_stats pc;
    pcache_get_stats(&pc);
    v.page_cache = pc.pages;
    v.cache_mapped = pc.mapped;
    v.cache_hits = pc.hits;
    v.cache_misses = pc.misses;
    return copy_to_user(arg_ptr(args, 0), &v, sizeof(v));
}

/* Copy what fill (mm_regions / mm_walk) makes for process pid into ubuf. */
static long inspect(int pid, uintptr_t ubuf, int max, size_t size,
                    int (*fill)(struct mm *, void *, int))
{
    if (max < 0)
        return -EINVAL;
    max = MIN(max, 4096);
    void *buf = max ? kzalloc(max * size) : NULL;
    if (max && !buf)
        return -ENOMEM;
    struct mm *mm = proc_mm_get(pid);
    long n = -ESRCH;
    if (mm) {
        n = fill(mm, buf, max);
        mm_put(mm);
    }
    if (n > 0 && copy_to_user(ubuf, buf, MIN(n, max) * size))
        n = -EFAULT;
    kfree(buf);
    return n;
}

static int fill_regions(struct mm *mm, void *buf, int max)
{
    return mm_regions(mm, buf, max);
}

static int fill_walk(struct mm *mm, void *buf, int max)
{
    return mm_walk(mm, buf, max);
}

long sys_vmregions(const struct sysargs *args)
{
    return inspect(arg_int(args, 0), arg_ptr(args, 1), arg_int(args, 2), sizeof(struct vmregion),
                   fill_regions);
}

long sys_vmwalk(const struct sysargs *args)
{
    return inspect(arg_int(args, 0), arg_ptr(args, 1), arg_int(args, 2), sizeof(struct vmpte),
                   fill_walk);
}
