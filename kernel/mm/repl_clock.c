/*
 * Clock replacement (second chance), the default (repl.h).
 *
 *          hand
 *           v
 *   [A=1] [A=0,D=1] [A=0] [A=1]     A=1: clear it, move on
 *     ^                 |           A=0, clean: this one goes
 *     '-----------------'           A=0, dirty: passed over once per sweep
 *
 * One revolution looks for an unreferenced clean page, clearing the
 * referenced bits it passes; the first unreferenced dirty page it saw is the
 * fallback, and if there was none the next revolution finds a page whose bit
 * it cleared.  The hand stops just past the slot it gives up.  Slots that
 * are not usable (repl_hooks.usable) are passed without a look.  A large
 * set (all of RAM) bounds the search for a clean page: once it has a dirty
 * candidate it looks at no more than scan_max usable slots, so a machine
 * full of dirty anonymous pages does not pay a sweep of RAM per eviction.
 */
#include "mm/repl.h"

static void clock_loaded(struct repl_set *s, int slot)
{
    s->slots[slot].loaded = ++s->seq;
}

static void clock_tick(struct repl_set *s)
{
}

/* LAB clock BEGIN */
static int clock_take(struct repl_set *s, int slot)
{
    s->hand = (slot + 1) % s->nslots;
    return slot;
}

static int clock_victim(struct repl_set *s)
{
    int dirty = -1, first = -1, looked = 0;
    for (int step = 0; step < s->nslots; step++) {
        if (dirty >= 0 && s->scan_max && looked >= s->scan_max)
            break; /* looked far enough for a clean one: take the dirty one */
        int i = s->hand;
        s->hand = (i + 1) % s->nslots;
        if (!repl_usable(s, i))
            continue;
        looked++;
        if (first < 0)
            first = i;
        if (s->hooks->test_clear_ref(s, i))
            continue;
        if (!s->hooks->is_dirty(s, i))
            return clock_take(s, i);
        if (dirty < 0)
            dirty = i;
    }
    /* No clean unreferenced page: the first dirty one, else (every bit was
     * set and is clear now, the hand is back at its start) the first usable
     * one the hand passed (the hand's own slot in a full set). */
    if (dirty < 0 && first < 0)
        return -1;
    return clock_take(s, dirty >= 0 ? dirty : first);
}

/* LAB clock SKELETON
static int clock_victim(struct repl_set *s)
{
    // Your code here (docs/labs/clock.md): sweep the slots from s->hand,
    // clearing referenced bits (s->hooks->test_clear_ref), passing over a
    // dirty page once (s->hooks->is_dirty), and leave the hand just past
    // the slot you return.  Until then every fault gives up slot 0.
    return 0;
}

   LAB clock END */
const struct repl_ops repl_clock = {
    .name = "clock", .loaded = clock_loaded, .tick = clock_tick, .victim = clock_victim};
