/*
 * Aging replacement, an LRU approximation (repl.h).  Each tick shifts every
 * slot's 8-bit age right and puts the referenced bit (cleared as it is read)
 * in at the top, so a recently used page has a large age:
 *
 *   tick:  age = (age >> 1) | (referenced << 7)
 *
 * The lowest age goes (the lowest slot on a tie).  A page just loaded starts
 * at 0 and counts as referenced by the access that loaded it.  With a tick
 * after every reference this is exact LRU over the last 8 references.
 */
#include "mm/repl.h"

static void aging_loaded(struct repl_set *s, int slot)
{
    s->slots[slot].loaded = ++s->seq;
    s->slots[slot].age = 0;
}

static void aging_tick(struct repl_set *s)
{
    for (int i = 0; i < s->nslots; i++) {
        if (!repl_usable(s, i))
            continue;
        bool ref = s->hooks->test_clear_ref(s, i);
        s->slots[i].age = (uint8_t)((s->slots[i].age >> 1) | (ref ? 0x80 : 0));
    }
}

static int aging_victim(struct repl_set *s)
{
    int v = -1;
    for (int i = 0; i < s->nslots; i++)
        if (repl_usable(s, i) && (v < 0 || s->slots[i].age < s->slots[v].age))
            v = i;
    return v;
}

const struct repl_ops repl_aging = {
    .name = "aging", .loaded = aging_loaded, .tick = aging_tick, .victim = aging_victim};
