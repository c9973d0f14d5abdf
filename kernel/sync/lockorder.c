/*
 * The lock-order table (sync/lockorder.h) as data: the names, and the
 * lookup from a lock's name to its rank (the nesting flags are a mask in
 * the header).  The lookup runs once per lock (at init, or at the first
 * acquire of a statically initialised one), so once per process for its
 * mm lock; the check on every acquisition only compares ranks.
 */
#include "sync/lockorder.h"
#include "lib/printf.h"
#include "lib/string.h"

static const struct {
    const char *name;
} ranks[LOCK_RANK_COUNT] = {[LOCK_RANK_UNSET] = {"(no rank)"},
#define LOCK_RANK_ENTRY(rank, lname, lflags) [LOCK_RANK_##rank] = {lname},
                            LOCK_ORDER(LOCK_RANK_ENTRY)
#undef LOCK_RANK_ENTRY
};

enum lock_rank lock_rank_of(const char *name)
{
    /* A name is usually the very string in the table (the linker merges
     * equal string literals): compare pointers first, strings if that fails. */
    for (int r = LOCK_RANK_UNSET + 1; r < LOCK_RANK_COUNT; r++)
        if (ranks[r].name == name)
            return (enum lock_rank)r;
    for (int r = LOCK_RANK_UNSET + 1; r < LOCK_RANK_COUNT; r++)
        if (strcmp(ranks[r].name, name) == 0)
            return (enum lock_rank)r;
    panic("lock '%s' has no rank: add it to the table in sync/lockorder.h", name);
}

const char *lock_rank_name(enum lock_rank rank)
{
    return rank < LOCK_RANK_COUNT ? ranks[rank].name : "(bad rank)";
}
