/*
 * Host shim for sync/spinlock.h: a pthread mutex plus the holder, so that
 * ASSERT_HELD works and test threads acting as harts really exclude each
 * other.  Like the kernel's, spin_lock() also does intr_push().
 */
#ifndef SYNC_SPINLOCK_H
#define SYNC_SPINLOCK_H

#include "types.h"
#include <pthread.h>

struct cpu;

struct spinlock {
    pthread_mutex_t m;
    const char *name;
    struct cpu *cpu; /* holder */
};

#define SPINLOCK_INIT(n)                                                                           \
    {                                                                                              \
        .m = PTHREAD_MUTEX_INITIALIZER, .name = (n), .cpu = NULL                                   \
    }

void spin_init(struct spinlock *lk, const char *name);
void spin_lock(struct spinlock *lk);
void spin_unlock(struct spinlock *lk);
bool spin_trylock(struct spinlock *lk);
bool spin_is_held(const struct spinlock *lk);

#define ASSERT_HELD(lk)                                                                            \
    do {                                                                                           \
        if (!spin_is_held(lk))                                                                     \
            panic("%s: lock '%s' not held", __func__, (lk)->name);                                 \
    } while (0)

#endif
