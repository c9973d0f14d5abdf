/*
 * Spinlocks.  Holding one disables interrupts on this hart (nesting through
 * intr_push/intr_pop), so an interrupt handler can never spin on a lock its
 * own hart holds.  Each lock records its holder and has a rank in the lock
 * order (sync/lockorder.h); these are kernel bugs and panic with the lock's
 * name:
 *   - acquiring a lock this hart already holds (recursion)
 *   - acquiring a lock while holding one the order puts inside it
 *   - releasing a lock this hart does not hold
 *   - sleeping (sched) with a spinlock held
 *   - holding more than NHELD_MAX (proc/cpu.h) at once
 *
 * Fields: (a) atomic, written by the holder's acquire and release;
 * (h) written by the holder, read by anyone for diagnostics;
 * (r) set once (init or first acquire) to the same value by whoever sets it.
 */
#ifndef SYNC_SPINLOCK_H
#define SYNC_SPINLOCK_H

#include "types.h"
#include "sync/lockorder.h"

struct cpu;

#ifndef HOST_TEST
#include "arch/riscv/hart.h"

struct spinlock {
    volatile uint32_t locked; /* (a) */
    const char *name;         /* (r) */
    struct cpu *cpu;          /* (h) holder, for diagnostics and spin_is_held() */
    uintptr_t holder_pc;      /* (h) where it was taken (stale while cpu is NULL) */
    uint8_t rank;             /* (r) enum lock_rank; LOCK_RANK_UNSET until looked up */
};

/* A lock named after its owner, with its class's rank given. */
#define SPINLOCK_INIT_RANKED(n, r)                                                                 \
    {                                                                                              \
        .locked = 0, .name = (n), .cpu = NULL, .holder_pc = 0, .rank = (r)                         \
    }
#else
/* The host unit tests (tests/unit/shim/host_shim.c): a pthread mutex and
 * the holder, so test threads acting as harts exclude each other and
 * ASSERT_HELD works; no order check. */
#include <pthread.h>
struct spinlock {
    pthread_mutex_t m;
    const char *name;
    struct cpu *cpu; /* holder */
};
#define SPINLOCK_INIT_RANKED(n, r)                                                                 \
    {                                                                                              \
        .m = PTHREAD_MUTEX_INITIALIZER, .name = (n), .cpu = NULL                                   \
    }
#endif

/* A lock whose rank is found from its name (at its first acquire). */
#define SPINLOCK_INIT(n) SPINLOCK_INIT_RANKED(n, LOCK_RANK_UNSET)

/* Looks the rank up by name: panics if sync/lockorder.h has no such lock. */
void spin_init(struct spinlock *lk, const char *name);
void spin_init_ranked(struct spinlock *lk, const char *name, enum lock_rank rank);
void spin_lock(struct spinlock *lk);
void spin_unlock(struct spinlock *lk);
bool spin_trylock(struct spinlock *lk);

#ifndef HOST_TEST
/* Does this hart hold lk?  Inline: every _locked function asks.  A holder
 * has interrupts off (spin_lock's intr_push): with them on, this hart holds
 * no spinlock; with them off, it cannot move to another hart between
 * reading tp and comparing. */
static inline bool spin_is_held(const struct spinlock *lk)
{
    if (arch_intr_enabled())
        return false;
    return lk->locked && lk->cpu == arch_hart_ptr();
}
#else
bool spin_is_held(const struct spinlock *lk);
#endif

/* Panics unless this hart holds lk: the first line of a *_locked function. */
#define ASSERT_HELD(lk)                                                                            \
    do {                                                                                           \
        if (!spin_is_held(lk))                                                                     \
            panic("%s: lock '%s' not held", __func__, (lk)->name);                                 \
    } while (0)

/* Panics if this hart holds any spinlock other than `allowed` (may be NULL). */
void spin_assert_none_held(const struct spinlock *allowed, const char *what);

#endif
