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
 * it cleared.  The hand stops just past the slot it gives up.
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
    int dirty = -1;
    for (int step = 0; step < s->nslots; step++) {
        int i = s->hand;
        s->hand = (i + 1) % s->nslots;
        if (s->hooks->test_clear_ref(s, i))
            continue;
        if (!s->hooks->is_dirty(s, i))
            return clock_take(s, i);
        if (dirty < 0)
            dirty = i;
    }
    /* No clean unreferenced page: the first dirty one, else (every bit was
     * set and is clear now, the hand is back at its start) the hand's. */
    return clock_take(s, dirty >= 0 ? dirty : s->hand);
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
