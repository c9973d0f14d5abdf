/*
 * Spinlocks with holder tracking and lock-order checking.  Acquire uses an
 * atomic swap with acquire ordering; release a store with release ordering
 * (RVWMO via the A extension's .aq/.rl bits, which the GCC builtins emit).
 * Each hart keeps the list of spinlocks it holds (cpu->held); spin_lock
 * compares the new lock's rank with theirs before it spins (sync/lockorder.h),
 * a compare per lock held, always on.
 */
#include "sync/spinlock.h"
#include "proc/cpu.h"
#include "arch/riscv/hart.h"
#include "lib/printf.h"

void spin_init_ranked(struct spinlock *lk, const char *name, enum lock_rank rank)
{
    lk->locked = 0;
    lk->name = name;
    lk->cpu = NULL;
    lk->holder_pc = 0;
    lk->rank = rank;
}

void spin_init(struct spinlock *lk, const char *name)
{
    spin_init_ranked(lk, name, lock_rank_of(name));
}

/* lk's rank, looked up by name the first time (locks from SPINLOCK_INIT). */
static enum lock_rank rank_of(struct spinlock *lk)
{
    if (lk->rank == LOCK_RANK_UNSET)
        WRITE_ONCE(lk->rank, lock_rank_of(lk->name));
    return lk->rank;
}

/* Panics unless every spinlock this hart holds is outer to lk. */
static void check_order(struct spinlock *lk)
{
    struct cpu *c = this_cpu();
    enum lock_rank r = rank_of(lk);
    int n = MIN(c->nheld, NHELD_MAX);
    for (int i = 0; i < n; i++) {
        const struct spinlock *h = c->held[i];
        if (!lock_rank_allows(h->rank, r))
            panic("lock order: '%s' taken while holding '%s' (sync/lockorder.h puts '%s' "
                  "outside)",
                  lk->name, h->name, lock_rank_name(r));
    }
}

bool spin_is_held(const struct spinlock *lk)
{
    /* A holder has interrupts off (spin_lock's intr_push): with them on,
     * this hart holds no spinlock; with them off, it cannot move to another
     * hart between reading tp and comparing. */
    if (arch_intr_enabled())
        return false;
    return lk->locked && lk->cpu == this_cpu();
}

static void held_push(struct spinlock *lk)
{
    struct cpu *c = this_cpu();
    if (c->nheld < NHELD_MAX)
        c->held[c->nheld] = lk;
    c->nheld++;
}

static void held_pop(struct spinlock *lk)
{
    struct cpu *c = this_cpu();
    int n = c->nheld;
    if (n > 0 && n <= NHELD_MAX && c->held[n - 1] == lk) { /* the usual, LIFO order */
        c->nheld = n - 1;
        return;
    }
    n = MIN(n, NHELD_MAX);
    /* Locks need not be released in LIFO order: remove lk wherever it is. */
    for (int i = n - 1; i >= 0; i--) {
        if (c->held[i] == lk) {
            for (int j = i; j < n - 1; j++)
                c->held[j] = c->held[j + 1];
            break;
        }
    }
    c->nheld--;
}

/* After the acquiring swap (its .aq orders everything below after it). */
static void take(struct spinlock *lk, uintptr_t pc)
{
    lk->cpu = this_cpu();
    lk->holder_pc = pc;
    held_push(lk);
}

void spin_lock(struct spinlock *lk)
{
    intr_push();
    if (lk->locked && lk->cpu == this_cpu())
        panic("spin_lock: recursive acquire of '%s' (first taken at %p)", lk->name,
              (void *)lk->holder_pc);
    check_order(lk);
    while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0) {
        while (READ_ONCE(lk->locked))
            arch_cpu_relax();
    }
    take(lk, (uintptr_t)__builtin_return_address(0));
}

bool spin_trylock(struct spinlock *lk)
{
    intr_push();
    if (lk->locked && lk->cpu == this_cpu())
        panic("spin_trylock: recursive acquire of '%s'", lk->name);
    rank_of(lk); /* no order check: a trylock never waits */
    if (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0) {
        intr_pop();
        return false;
    }
    take(lk, (uintptr_t)__builtin_return_address(0));
    return true;
}

void spin_unlock(struct spinlock *lk)
{
    if (!lk->locked || lk->cpu != this_cpu())
        panic("spin_unlock: '%s' released by a hart that does not hold it", lk->name);
    held_pop(lk);
    lk->cpu = NULL;
    lk->holder_pc = 0;
    __atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
    intr_pop();
}

void spin_assert_none_held(const struct spinlock *allowed, const char *what)
{
    struct cpu *c = this_cpu();
    int n = MIN(c->nheld, NHELD_MAX);
    for (int i = 0; i < n; i++)
        if (c->held[i] != allowed)
            panic("%s with spinlock '%s' held", what, c->held[i]->name);
    if (c->nheld > n)
        panic("%s with %d spinlocks held", what, c->nheld);
}
