/*
 * Spinlocks.  Holding one disables interrupts on this hart (nesting through
 * intr_push/intr_pop), so an interrupt handler can never spin on a lock its
 * own hart holds.  Each lock records its holder; these are kernel bugs and
 * panic with the lock's name:
 *   - acquiring a lock this hart already holds (recursion)
 *   - releasing a lock this hart does not hold
 *   - sleeping (sched) with a spinlock held
 */
#ifndef SYNC_SPINLOCK_H
#define SYNC_SPINLOCK_H

#include "types.h"

struct cpu;

struct spinlock {
    volatile uint32_t locked;
    const char *name;
    struct cpu *cpu;     /* holder, for diagnostics and spin_is_held() */
    uintptr_t holder_pc; /* where it was taken */
};

#define SPINLOCK_INIT(n)                                                                           \
    {                                                                                              \
        .locked = 0, .name = (n), .cpu = NULL, .holder_pc = 0                                      \
    }

void spin_init(struct spinlock *lk, const char *name);
void spin_lock(struct spinlock *lk);
void spin_unlock(struct spinlock *lk);
bool spin_trylock(struct spinlock *lk);
bool spin_is_held(const struct spinlock *lk);

/* Panics unless this hart holds lk: the first line of a *_locked function. */
#define ASSERT_HELD(lk)                                                                            \
    do {                                                                                           \
        if (!spin_is_held(lk))                                                                     \
            panic("%s: lock '%s' not held", __func__, (lk)->name);                                 \
    } while (0)

/* Panics if this hart holds any spinlock other than `allowed` (may be NULL). */
void spin_assert_none_held(const struct spinlock *allowed, const char *what);

#endif
