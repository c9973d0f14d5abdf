/* vminfo(): the memory counters of one process, for tests and memory tools. */
#ifndef ABI_VMINFO_H
#define ABI_VMINFO_H

struct vminfo {
    unsigned long resident;     /* pages mapped in its page table */
    unsigned long swapped;      /* pages on the swap device */
    unsigned long minflt;       /* page faults served without disk I/O */
    unsigned long majflt;       /* page faults that read a page from a file or swap */
    unsigned long cow_copies;   /* write faults that copied a shared page */
    unsigned long cow_reuse;    /* write faults on a no-longer-shared page (no copy) */
    unsigned long limit_faults; /* faults that brought a page into its limited resident set */
    unsigned long evictions;    /* pages it gave up (to swap, or clean file pages dropped) */
};

/* vmstat(): the whole machine's memory. */
struct vmstat {
    unsigned long frames;     /* frames of RAM */
    unsigned long free;       /* free frames (per-hart caches included) */
    unsigned long swap_total; /* swap slots (0: no swap device) */
    unsigned long swap_used;
    unsigned long swap_outs;    /* pages written to swap so far */
    unsigned long swap_ins;     /* pages read back */
    unsigned long evictions;    /* frames given up under global pressure (swapped or dropped) */
    unsigned long kswapd_runs;  /* times the swap daemon woke */
    unsigned long kswapd_freed; /* frames it freed */
    unsigned long direct_freed; /* frames freed by allocations that reclaimed themselves */
    unsigned long writebacks;   /* dirty shared file pages the daemon wrote back */
    unsigned long oom_kills;    /* processes ended by the OOM killer */
    unsigned long low, high;    /* the daemon's watermarks, frames */
    unsigned long slab_frames;  /* frames held by the kernel's slab caches */
    unsigned long rmap_frames;  /* of those, the reverse map's (its "rmap" cache) */
    unsigned long rmap_chained; /* reverse-map items: PTEs beyond the first of their frame */
    unsigned long page_cache;   /* frames in the page cache (file pages) */
    unsigned long cache_mapped; /* of those, frames mapped by some process */
    unsigned long cache_hits;   /* page-cache lookups that found the page */
    unsigned long cache_misses; /* lookups that read the page from its file */
    unsigned long slab_objects; /* objects in use in the slab caches */
    unsigned long direct_runs;  /* allocations that reclaimed directly */
    unsigned long drains;       /* per-cpu cache drains (an IPI to every other hart each) */
    unsigned long alloc_waits;  /* ticks allocations slept waiting for reclaim to progress */
    unsigned long lock_waits;   /* times the global replacement set's lock was busy */
};

/* vmregions(): one record per region (VMA) of a process, for pmap. */
#define VMR_ANON 0
#define VMR_FILE 1
#define VMR_HEAP 2
#define VMR_STACK 3

struct vmregion {
    unsigned long start, end; /* [start, end) */
    unsigned int prot;        /* PROT_READ | PROT_WRITE | PROT_EXEC (abi/mman.h) */
    unsigned int kind;        /* VMR_* */
    unsigned int shared;      /* 1: MAP_SHARED */
    unsigned int inum;        /* VMR_FILE: the file's inode number */
    unsigned long offset;     /* VMR_FILE: file offset of the region's file part */
    unsigned long resident;   /* pages mapped */
    unsigned long swapped;    /* pages in swap */
};

/* vmwalk(): every valid entry of a process's page table (user half), depth
 * first, for vmprint. */
struct vmpte {
    unsigned long va;  /* first address the entry covers */
    unsigned long pte; /* the raw entry */
    int level;         /* 2 (root) .. 0 (leaf level) */
    int index;         /* 0..511 within its table */
};

#endif
