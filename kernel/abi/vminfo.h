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
};

#endif
