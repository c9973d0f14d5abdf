/*
 * System calls that describe the machine to user space: sysinfo (uptime,
 * memory, harts, processes, block cache) for free, uptime and top, and statfs (sizes and
 * free space of the file system holding a path) for df.  Both only read
 * counters; the numbers are a snapshot and may be stale by the time the
 * caller prints them.
 */
#include "syscall/syscall.h"
#include "abi/errno.h"
#include "abi/stat.h"
#include "abi/sysinfo.h"
#include "arch/riscv/timer.h"
#include "dev/blockdev.h"
#include "fs/bcache.h"
#include "fs/fs.h"
#include "fs/fsops.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "proc/cpu.h"
#include "proc/proc.h"

long sys_sysinfo(const struct sysargs *args)
{
    struct ksysinfo si;
    struct page_stats ps;
    memset(&si, 0, sizeof(si));
    page_stats(&ps);
    si.uptime_ns = timer_now_ns();
    si.ticks = ticks;
    si.tick_ns = (unsigned long)timer_tick_ms() * 1000000UL;
    si.mem_total = ps.total * PAGE_SIZE;
    si.mem_free = ps.free * PAGE_SIZE;
    si.mem_reserved = ps.reserved * PAGE_SIZE;
    si.ncpu = (unsigned)ncpu;
    si.max_procs = (unsigned)max_procs;
    si.shutdown = proc_shutting_down();
    si.bcache_bufs = bcache_nbufs();
    proc_totals(&si.nprocs, &si.mem_user);
    return copy_to_user(arg_ptr(args, 0), &si, sizeof(si));
}

long sys_statfs(const struct sysargs *args)
{
    char *path;
    struct kstat st;
    struct kstatfs sf;
    long err = arg_path(args, 0, &path);
    if (err)
        return err;
    /* The path must exist; there is one file system, the root. */
    err = fs_stat(proc_current()->cwd, path, true, &st);
    kfree(path);
    if (err)
        return err;
    struct fs *fs = root_fs;
    if (!fs)
        return -ENODEV;
    uint64_t free_blocks, free_inodes;
    fs_counts(fs, &free_blocks, &free_inodes);
    memset(&sf, 0, sizeof(sf));
    sf.block_size = fs->sb.block_size;
    sf.blocks = fs->sb.nblocks;
    sf.blocks_free = free_blocks;
    sf.inodes = fs->sb.ninodes;
    sf.inodes_free = free_inodes;
    sf.name_max = QFS_NAME_MAX;
    strlcpy(sf.device, fs->dev->name, sizeof(sf.device));
    return copy_to_user(arg_ptr(args, 1), &sf, sizeof(sf));
}
