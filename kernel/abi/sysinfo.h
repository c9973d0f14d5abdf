/*
 * sysinfo() and statfs(): what free, uptime, top and df show.  Shared by the
 * kernel (kernel/syscall/sys_info.c) and user programs (<quill/sysinfo.h>).
 * Sizes are in bytes, times in nanoseconds.
 */
#ifndef ABI_SYSINFO_H
#define ABI_SYSINFO_H

struct ksysinfo {
    unsigned long uptime_ns;    /* since the kernel started its timer */
    unsigned long ticks;        /* timer ticks so far (hart 0's count) */
    unsigned long tick_ns;      /* length of one tick */
    unsigned long mem_total;    /* RAM */
    unsigned long mem_free;     /* free frames, per-hart caches included */
    unsigned long mem_reserved; /* never allocatable: kernel image, page array, firmware */
    unsigned long mem_user;     /* mapped by user processes (sum of their sizes) */
    unsigned int ncpu;          /* harts online */
    unsigned int nprocs;        /* processes, zombies included */
    unsigned int max_procs;     /* the limit (bootargs maxproc=) */
    unsigned int shutdown;      /* 1 once power-off or reboot has begun */
    unsigned long bcache_bufs;  /* buffers in the block cache, one disk block each */
};

struct kstatfs {
    unsigned long block_size; /* bytes per block */
    unsigned long blocks;     /* size of the file system, in blocks */
    unsigned long blocks_free;
    unsigned long inodes;
    unsigned long inodes_free;
    unsigned long name_max; /* longest file name */
    char device[16];        /* the disk it lives on, e.g. "vda" */
};

#endif
