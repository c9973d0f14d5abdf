/*
 * Page replacement policies behind one interface (one file per policy).
 *
 * A policy chooses which of a fixed set of frames ("slots" 0..n-1, all in
 * use when it is asked) to give up.  It sees the hardware only through the
 * set's hooks: the referenced bit of a slot's page (the PTE's A bit, which
 * the policy may clear; the kernel then flushes that entry from the TLB so
 * the next access sets it again) and its dirty bit (PTE D).  The same files
 * build on the host, where tests/unit/test_repl.c drives them with a
 * simulated reference string and checks the textbook's fault counts.
 *
 *   fifo   evict the page loaded first
 *   clock  the hand sweeps the slots; a referenced page has its bit cleared
 *          and is passed over; the first unreferenced one goes.  A dirty one
 *          is passed over once per sweep in favour of a clean one (it needs
 *          a write-back).  The hand moves past the replaced slot.
 *   aging  an 8-bit age per slot, shifted right at every tick with the
 *          referenced bit entering at the top (an LRU approximation); the
 *          lowest age goes, the lowest slot on a tie.
 *
 * A set belongs to one owner (an address space's resident set, or the
 * global set over every frame of RAM that reclaim uses); its owner's lock
 * protects it.  Nothing here sleeps or allocates.
 */
#ifndef MM_REPL_H
#define MM_REPL_H

#include "types.h"

struct repl_set;

struct repl_hooks {
    /* Was the slot's page referenced since the last call?  Clears the bit. */
    bool (*test_clear_ref)(struct repl_set *s, int slot);
    bool (*is_dirty)(struct repl_set *s, int slot);
    /* Does the slot hold a page that may be chosen?  NULL: every slot does
     * (a resident set).  The global set over all frames skips frames that
     * are not user frames. */
    bool (*usable)(struct repl_set *s, int slot);
};

struct repl_slot {
    uint64_t loaded; /* load sequence number (fifo) */
    uint8_t age;     /* aging */
};

struct repl_ops {
    const char *name;
    void (*loaded)(struct repl_set *s, int slot); /* a page was just placed in slot */
    void (*tick)(struct repl_set *s);             /* sample the referenced bits (aging) */
    int (*victim)(struct repl_set *s);            /* the slot to evict; -1: no usable slot */
};

struct repl_set {
    const struct repl_ops *ops;
    const struct repl_hooks *hooks;
    void *owner; /* for the hooks */
    struct repl_slot *slots;
    int nslots;
    int hand;     /* clock */
    uint64_t seq; /* loads so far */
    int scan_max; /* clock: usable slots it looks at for a clean page (0: all) */
};

extern const struct repl_ops repl_fifo, repl_clock, repl_aging;

/* The policy called name, or NULL. */
const struct repl_ops *repl_find(const char *name);
/* The i-th policy (for listing them), NULL past the last. */
const struct repl_ops *repl_nth(int i);
/* Is slot usable (repl_hooks.usable)? */
static inline bool repl_usable(struct repl_set *s, int slot)
{
    return !s->hooks->usable || s->hooks->usable(s, slot);
}
/* A victim that could not be given up goes to the back of the line: as if
 * just loaded and referenced. */
void repl_requeue(struct repl_set *s, int slot);
/* Prepare a set of n slots (slots: caller's array) run by ops. */
void repl_set_init(struct repl_set *s, const struct repl_ops *ops, const struct repl_hooks *hooks,
                   void *owner, struct repl_slot *slots, int n);

#endif
