/* vminfo(): the memory counters of one process, for tests and memory tools. */
#ifndef ABI_VMINFO_H
#define ABI_VMINFO_H

struct vminfo {
    unsigned long resident;   /* pages mapped in its page table */
    unsigned long swapped;    /* pages on the swap device */
    unsigned long minflt;     /* page faults served without disk I/O */
    unsigned long majflt;     /* page faults that read a page from a file or swap */
    unsigned long cow_copies; /* write faults that copied a shared page */
    unsigned long cow_reuse;  /* write faults on a no-longer-shared page (no copy) */
    unsigned long limit_faults; /* faults that brought a page into its limited resident set */
    unsigned long evictions;  /* pages it gave up (to swap, or clean file pages dropped) */
};

/* vmstat(): the whole machine's memory. */
struct vmstat {
    unsigned long frames;      /* frames of RAM */
    unsigned long free;        /* free frames (per-hart caches included) */
    unsigned long swap_total;  /* swap slots (0: no swap device) */
    unsigned long swap_used;
    unsigned long swap_outs;   /* pages written to swap so far */
    unsigned long swap_ins;    /* pages read back */
};

#endif
