/*
 * The lock-order table (sync/lockorder.h) as data: names, nesting flags, and
 * the lookup from a lock's name to its rank.  The lookup runs once per lock
 * (at init, or at the first acquire of a statically initialised one); the
 * check on every acquisition only compares ranks.
 */
#include "sync/lockorder.h"
#include "lib/printf.h"
#include "lib/string.h"

static const struct {
    const char *name;
    int flags;
} ranks[LOCK_RANK_COUNT] = {[LOCK_RANK_UNSET] = {"(no rank)", 0},
#define LOCK_RANK_ENTRY(rank, lname, lflags) [LOCK_RANK_##rank] = {lname, lflags},
                            LOCK_ORDER(LOCK_RANK_ENTRY)
#undef LOCK_RANK_ENTRY
};

enum lock_rank lock_rank_of(const char *name)
{
    for (int r = LOCK_RANK_UNSET + 1; r < LOCK_RANK_COUNT; r++)
        if (strcmp(ranks[r].name, name) == 0)
            return (enum lock_rank)r;
    panic("lock '%s' has no rank: add it to the table in sync/lockorder.h", name);
}

const char *lock_rank_name(enum lock_rank rank)
{
    return rank < LOCK_RANK_COUNT ? ranks[rank].name : "(bad rank)";
}

bool lock_rank_nests(enum lock_rank rank)
{
    return rank < LOCK_RANK_COUNT && (ranks[rank].flags & LOCK_NEST);
}
