/*
 * Spinlocks with holder tracking and lock-order checking.  Acquire uses an
 * atomic swap with acquire ordering; release a store with release ordering
 * (RVWMO via the A extension's .aq/.rl bits, which the GCC builtins emit).
 * Each hart keeps the list of spinlocks it holds (cpu->held), sorted by rank;
 * spin_lock compares the new lock's rank with the largest held before it
 * spins (sync/lockorder.h): one compare, always on.
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
    if (__builtin_expect(lk->rank == LOCK_RANK_UNSET, 0))
        WRITE_ONCE(lk->rank, lock_rank_of(lk->name));
    return lk->rank;
}

static void __attribute__((noinline, noreturn))
order_panic(struct spinlock *lk, const struct spinlock *h)
{
    panic("lock order: '%s' taken while holding '%s' (sync/lockorder.h puts '%s' outside)",
          lk->name, h->name, lock_rank_name(h->rank));
}

/*
 * Panics unless every spinlock this hart holds is outer to lk.  c->held is
 * kept sorted by rank (an acquisition that passes this check has a rank no
 * smaller than any held, and a try-lock is inserted at its place), so the
 * last entry has the largest rank held and one compare decides for all.
 */
static inline void check_order(struct cpu *c, struct spinlock *lk)
{
    enum lock_rank r = rank_of(lk);
    int n = c->nheld;
    if (n > 0 && !lock_rank_allows(c->held[n - 1]->rank, r))
        order_panic(lk, c->held[n - 1]);
}

static void __attribute__((noinline, noreturn)) too_many_panic(struct spinlock *lk)
{
    panic("spin_lock: '%s' would be the %dth spinlock this hart holds", lk->name, NHELD_MAX + 1);
}

/* A try-lock's entry: at its place by rank, after those of equal rank. */
static void __attribute__((noinline)) held_insert(struct cpu *c, struct spinlock *lk)
{
    int i = c->nheld;
    if (i == NHELD_MAX)
        too_many_panic(lk);
    for (; i > 0 && c->held[i - 1]->rank > lk->rank; i--)
        c->held[i] = c->held[i - 1];
    c->held[i] = lk;
    c->nheld++;
}

/* Locks need not be released in LIFO order: remove lk wherever it is. */
static void __attribute__((noinline)) held_remove(struct cpu *c, struct spinlock *lk)
{
    int n = c->nheld, i = n - 1;
    while (i >= 0 && c->held[i] != lk)
        i--;
    if (i < 0)
        panic("spin_unlock: '%s' is not in its hart's list of held locks", lk->name);
    for (; i < n - 1; i++)
        c->held[i] = c->held[i + 1];
    c->nheld = n - 1;
}

static inline void held_pop(struct cpu *c, struct spinlock *lk)
{
    int n = c->nheld;
    if (n > 0 && c->held[n - 1] == lk) { /* the usual, LIFO order */
        c->nheld = n - 1;
    } else if (n > 1 && c->held[n - 2] == lk) {
        c->held[n - 2] = c->held[n - 1]; /* hand-over-hand: a sleep's wait queue, a wake's */
        c->nheld = n - 1;
    } else {
        held_remove(c, lk);
    }
}

static void __attribute__((noinline, noreturn)) recursion_panic(struct spinlock *lk)
{
    panic("spin_lock: recursive acquire of '%s' (first taken at %p)", lk->name,
          (void *)lk->holder_pc);
}

static void __attribute__((noinline)) spin_wait(struct spinlock *lk)
{
    do {
        while (READ_ONCE(lk->locked))
            arch_cpu_relax();
    } while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0);
}

void spin_lock(struct spinlock *lk)
{
    intr_push();
    struct cpu *c = this_cpu();
    if (lk->locked && lk->cpu == c)
        recursion_panic(lk);
    check_order(c, lk);
    int n = c->nheld;
    if (n == NHELD_MAX)
        too_many_panic(lk);
    if (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0)
        spin_wait(lk);
    /* After the acquiring swap (its .aq orders these after it). */
    lk->cpu = c;
    lk->holder_pc = (uintptr_t)__builtin_return_address(0);
    c->held[n] = lk; /* its rank is the largest: the list stays sorted */
    c->nheld = n + 1;
}

bool spin_trylock(struct spinlock *lk)
{
    intr_push();
    struct cpu *c = this_cpu();
    if (lk->locked && lk->cpu == c)
        panic("spin_trylock: recursive acquire of '%s'", lk->name);
    rank_of(lk); /* no order check: a trylock never waits */
    if (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0) {
        intr_pop();
        return false;
    }
    lk->cpu = c;
    lk->holder_pc = (uintptr_t)__builtin_return_address(0);
    held_insert(c, lk);
    return true;
}

/* holder_pc is left as it is: it means something only while cpu is set. */
void spin_unlock(struct spinlock *lk)
{
    struct cpu *c = this_cpu();
    if (!lk->locked || lk->cpu != c)
        panic("spin_unlock: '%s' released by a hart that does not hold it", lk->name);
    held_pop(c, lk);
    lk->cpu = NULL;
    __atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
    intr_pop();
}

void spin_assert_none_held(const struct spinlock *allowed, const char *what)
{
    struct cpu *c = this_cpu();
    for (int i = 0; i < c->nheld; i++)
        if (c->held[i] != allowed)
            panic("%s with spinlock '%s' held", what, c->held[i]->name);
}
