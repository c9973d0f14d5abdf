/* The list of replacement policies and what every policy shares (repl.h). */
#include "mm/repl.h"
#include "lib/string.h"

static const struct repl_ops *const policies[] = {&repl_clock, &repl_fifo, &repl_aging};

const struct repl_ops *repl_nth(int i)
{
    return i >= 0 && i < (int)ARRAY_SIZE(policies) ? policies[i] : NULL;
}

const struct repl_ops *repl_find(const char *name)
{
    for (int i = 0; repl_nth(i); i++)
        if (strcmp(repl_nth(i)->name, name) == 0)
            return repl_nth(i);
    return NULL;
}

void repl_set_init(struct repl_set *s, const struct repl_ops *ops, const struct repl_hooks *hooks,
                   void *owner, struct repl_slot *slots, int n)
{
    memset(slots, 0, n * sizeof(*slots));
    *s = (struct repl_set){.ops = ops, .hooks = hooks, .owner = owner, .slots = slots, .nslots = n};
}

void repl_requeue(struct repl_set *s, int slot)
{
    s->slots[slot].loaded = ++s->seq;
    s->slots[slot].age = 0xff;
}
