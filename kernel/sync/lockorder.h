/*
 * The kernel's lock order, as a table: every lock has a rank, and a lock may
 * be taken only while every lock already held is outer to it (has a smaller
 * rank).  spin_lock checks this against the spinlocks its hart holds,
 * sleeplock_acquire against the sleep locks its thread holds; a violation
 * panics with both names, so an order bug shows up the first time the two
 * locks meet in the wrong order, not as a rare deadlock.  A try-lock is not
 * checked: it never waits, so it cannot close a cycle.
 *
 * The table lists locks outermost first.  Sleep locks come first: nothing
 * may sleep with a spinlock held, so every sleep lock is outer to every
 * spinlock.  Locks of one class (all inodes, all buffers, all run queues)
 * share a rank; a class marked LOCK_NEST may be held several times at once,
 * in the order its module documents (parent inode before child, run queues
 * in index order); any other class may not.
 *
 * Two classes have more to their rule than a rank:
 *   - A wait queue's lock and a sleep lock's inner spinlock are named after
 *     their owner (the pipe, the inode): they get their class's rank
 *     explicitly (spin_init_ranked, SPINLOCK_INIT_RANKED), not by name.
 *   - The mm lock (an address space) is the outermost sleep lock for every
 *     thread but one: the process's own thread may take it in a page fault
 *     while file-system locks are held (a user copy inside read(); the
 *     fault's file read-in takes inode locks under it).  That is
 *     sleeplock_acquire_owner; a thread looking at another process's mm
 *     uses sleeplock_acquire_leaf and takes no sleep lock under it, so the
 *     owner never waits for a thread that waits for the owner.  Fork holds
 *     two: the parent's, then the child's with sleeplock_try_acquire (no
 *     one else knows the child's mm yet, so it never waits; a failure
 *     panics).  docs/architecture.md ("Locks") has the argument.
 *
 * A lock finds its rank by its name (spin_init, SPINLOCK_INIT, sleeplock_init)
 * when it is initialised or first taken; a name missing from the table panics
 * there, so adding a lock is one line here, at its place in the order.
 * docs/architecture.md is this order in prose; each header's lock note names
 * the part of it that concerns its module.
 */
#ifndef SYNC_LOCKORDER_H
#define SYNC_LOCKORDER_H

#include "types.h"

#define LOCK_NEST 1 /* the class may be held more than once (module-defined order) */

/* X(RANK, "name", flags): outermost first. */
#define LOCK_ORDER(X)                                                                              \
    /* sleep locks */                                                                              \
    X(POLICY_SWITCH, "policy switch", 0) /* one scheduling-policy switch at a time */              \
    X(MM, "mm", 0)                       /* an address space (see above for its owner) */          \
    X(FILE_OFFSET, "file offset", 0)     /* an open file's offset: read/write/lseek */             \
    X(RENAME, "rename", 0)               /* one cross-directory rename at a time */                \
    X(INODE, "inode", LOCK_NEST)         /* parent directory before child */                       \
    X(BUF, "buf", LOCK_NEST)             /* buffer-cache blocks, within one fs operation */        \
    X(SELFTEST_SLEEP, "selftest", 0)     /* the thread self-test's sleep lock */                   \
    X(RECLAIM, "reclaim", 0)             /* the global replacement set (mm/kswapd.c) */            \
    /* spinlocks */                                                                                \
    X(KMON_CRASH_OUTER, "kmon-crash outer", 0) /* kmon `crash order` takes it too late */          \
    X(KMON_CRASH, "kmon-crash", 0)                                                                 \
    X(BENCH_PINGPONG, "bench pingpong", 0) /* self-tests and benchmarks */                         \
    X(PAIR, "pair", 0)                                                                             \
    X(MAILBOX, "mailbox", 0)                                                                       \
    X(FS_ALLOC, "fs alloc", 0) /* a file system's block and inode allocation */                    \
    X(LOG, "log", 0)                                                                               \
    X(DIRINDEX, "dirindex pins", 0) /* pins directory inodes (icache under it) */                  \
    X(ICACHE, "icache", 0)                                                                         \
    X(BCACHE, "bcache", 0)                                                                         \
    X(PIPE, "pipe", 0)                                                                             \
    X(CONSOLE, "console", 0)                                                                       \
    X(VBLK, "vblk", 0)                                                                             \
    X(BLOCKDEV, "blockdev", 0)                                                                     \
    X(SWAP, "swap", 0)                                                                             \
    X(PCACHE, "pcache", 0) /* the page cache (mm/pcache.h) */                                      \
    X(RMAP, "rmap", 0)     /* a user frame's reverse map (mm/rmap.h) */                            \
    X(ITIMER, "itimer", 0) /* interval timers: sends SIGALRM under it */                           \
    X(PROC, "proc", 0)     /* the process tree (proc/proc.h) */                                    \
    X(SIG, "sig", 0)       /* a process's signal state (proc/signal.h) */                          \
    X(THREADS, "threads", 0)                                                                       \
    X(KPT, "kpt", 0)                                                                               \
    X(SLAB_CACHES, "slab_caches", 0)                                                               \
    X(KMEM_CACHE, "kmem_cache", 0)                                                                 \
    X(BUDDY, "buddy", 0)                                                                           \
    X(ASID, "asid", 0)                                                                             \
    X(MM_REAP, "mm_reap", 0) /* address spaces left for the swap daemon to destroy */              \
    X(KSWAPD, "kswapd", 0)   /* the swap daemon's wake-up flag */                                  \
    X(PRINTF, "printf", 0)                                                                         \
    X(UART, "uart", 0)                       /* sleeps on its wait queue with the lock held */     \
    X(SLEEPLOCK_INNER, "sleeplock inner", 0) /* guards a sleep lock's own fields */                \
    X(SLEEP_TIMERS, "sleep timers", 0)       /* timed sleepers by deadline (proc/sleep.c) */       \
    X(WAITQ, "wait queue", 0)                /* a wait queue's list of sleepers */                 \
    X(RUNQ, "runq", LOCK_NEST)               /* a hart's run queue; several only in index order */

enum lock_rank {
    LOCK_RANK_UNSET = 0, /* not looked up yet */
#define LOCK_RANK_ENUM(rank, name, flags) LOCK_RANK_##rank,
    LOCK_ORDER(LOCK_RANK_ENUM)
#undef LOCK_RANK_ENUM
        LOCK_RANK_COUNT
};

/* The rank of the lock called name; panics if the table has no such lock. */
enum lock_rank lock_rank_of(const char *name);
/* Its name in the table. */
const char *lock_rank_name(enum lock_rank rank);

/* The classes marked LOCK_NEST, one bit per rank. */
#define LOCK_RANK_NEST_BIT(rank, name, flags) | ((flags)&LOCK_NEST ? 1ULL << LOCK_RANK_##rank : 0)
#define LOCK_RANK_NEST_MASK (0ULL LOCK_ORDER(LOCK_RANK_NEST_BIT))
STATIC_ASSERT(LOCK_RANK_COUNT <= 64);

/* Whether locks of this rank's class may be held several at once. */
static inline bool lock_rank_nests(enum lock_rank rank)
{
    return rank < LOCK_RANK_COUNT && ((LOCK_RANK_NEST_MASK >> rank) & 1);
}

/* May a lock of rank `want` be taken while one of rank `held` is held?  The
 * test on every acquisition: one compare unless the two ranks are equal. */
static inline bool lock_rank_allows(enum lock_rank held, enum lock_rank want)
{
    return held < want || (held == want && lock_rank_nests(want));
}

#endif
