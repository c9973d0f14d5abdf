/* FIFO replacement: the page that has been resident longest goes (repl.h). */
#include "mm/repl.h"

static void fifo_loaded(struct repl_set *s, int slot)
{
    s->slots[slot].loaded = ++s->seq;
}

static void fifo_tick(struct repl_set *s)
{
}

static int fifo_victim(struct repl_set *s)
{
    int v = -1;
    for (int i = 0; i < s->nslots; i++)
        if (repl_usable(s, i) && (v < 0 || s->slots[i].loaded < s->slots[v].loaded))
            v = i;
    return v;
}

const struct repl_ops repl_fifo = {
    .name = "fifo", .loaded = fifo_loaded, .tick = fifo_tick, .victim = fifo_victim};
