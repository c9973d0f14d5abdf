/*
 * Lottery scheduling.  Each pick is a draw: with T the total tickets of the
 * queued threads, draw `winner` uniformly in [0, T), walk the queue in
 * arrival order adding each thread's tickets, and run the first thread at
 * which the running count exceeds `winner` (the textbook's walk: A=100,
 * B=50, C=250 and winner 300 gives C).  A thread with t of T tickets wins
 * with probability t/T.  The generator is a per-queue xorshift64*, seeded
 * from lottery_seed= (bootargs or run time), so a run on one hart is
 * reproducible.
 *
 * The walk in O(log n): the queue is a tree whose in-order sequence is the
 * arrival order (a new thread is always the last), and every node holds the
 * sum of the tickets of its subtree.  The draw goes down from the root: into
 * the left subtree if the winner is below its sum, else past it (subtract
 * the sum), then the node itself if the rest is below its tickets, else
 * into the right subtree (subtract the node's tickets too).  That finds the
 * thread the linear walk would reach, with the same draw, in as many steps
 * as the tree is deep.  The tree is a treap: each node has a priority from a
 * per-queue counter run through a hash, and a parent's priority is never
 * below its children's, which keeps the expected depth O(log n) whatever the
 * order of arrivals and departures.  The priorities shape the tree only:
 * which thread a draw picks depends on the arrival order and the tickets
 * alone.
 *
 * Currencies: a thread's tickets are in the currency it belongs to (0, the
 * base currency, by default).  Currency c is funded with fund[c] base
 * tickets, shared among the threads of c in proportion to their tickets:
 * a thread with t of the I tickets its currency has issued (counted over
 * the threads queued with it) is worth t * fund[c] / I base tickets.  When
 * I or fund[c] changes, each queued thread of c is counted again, so a
 * funded currency costs O(k log n) per change for its k queued threads; the
 * base currency costs nothing extra.
 *
 * Hand-off: a thread woken alone by one that then sleeps waiting for it
 * (a pipe's reply) runs in the rest of the sleeper's turn, the sleeper's
 * tickets lent to it for that turn (ticket transfer) and counted as a draw.
 *
 * Tickets and currency are read when a thread is queued.  Transfer and
 * inflation (the tickets system call) change a thread's count at any time:
 * the call reaches lottery_params_changed with every run-queue lock held,
 * which counts a queued thread again at once, so a change counts from the
 * next draw.
 *
 * Invariant: t->lot_rq is the queue whose tree holds t (NULL if none); a
 * node's lot_sum is its lot_worth plus its children's lot_sum; in-order is
 * arrival order; every queued thread is worth at least one base ticket, so
 * T counts every thread and none can be skipped for ever.
 */
#include "sched/runq.h"
#include "proc/thread.h"
#include "lib/list.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "abi/errno.h"

static uint64_t seed = 1;                 /* (all run-queue locks) */
static unsigned seed_gen;                 /* (all run-queue locks) bumped by a reseed */
static uint32_t fund[LOTTERY_CURRENCIES]; /* (all run-queue locks) 0: not funded */
static unsigned fund_gen;                 /* (all run-queue locks) bumped by a funding */

struct lottery_rq {
    struct thread *root;                          /* (rq->lock) the tree, NULL if empty */
    struct list_head members[LOTTERY_CURRENCIES]; /* (rq->lock) queued threads by currency */
    uint64_t issued[LOTTERY_CURRENCIES];          /* (rq->lock) their tickets, per currency */
    uint64_t state;                               /* (rq->lock) generator state, never 0 */
    uint64_t draws;                               /* (rq->lock) */
    uint32_t inserts;                             /* (rq->lock) seeds the next priority */
    unsigned seed_gen;                            /* (rq->lock) seed_gen its state is from */
    unsigned fund_gen;                            /* (rq->lock) fund_gen its worths are from */
};

static struct lottery_rq *lq(struct runq *rq)
{
    return rq->pol;
}

/* xorshift64* (Marsaglia; Vigna's multiplier). */
uint64_t lottery_next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t seeded_state(int queue)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ULL + (uint64_t)queue + 1;
    return s ? s : 1;
}

static void lottery_init(const char *bootargs)
{
    seed = sched_bootarg_uint(bootargs, "lottery_seed", 1, 0, 0xffffffffu);
}

static int lottery_set_tunable(const char *key, unsigned long value)
{
    if (strcmp(key, "lottery_seed") == 0) {
        seed = value;
        seed_gen++; /* every queue reseeds at its next draw */
        return 0;
    }
    return -EINVAL;
}

static void lottery_describe(char *buf, size_t size)
{
    snprintf(buf, size, "lottery_seed=%lu", (unsigned long)seed);
}

static int lottery_rq_init(struct runq *rq)
{
    struct lottery_rq *l = kzalloc(sizeof(*l));
    if (!l)
        return -ENOMEM;
    for (int c = 0; c < LOTTERY_CURRENCIES; c++)
        list_init(&l->members[c]);
    l->state = seeded_state(rq->id);
    l->seed_gen = seed_gen;
    l->fund_gen = fund_gen;
    rq->pol = l;
    return 0;
}

static void lottery_rq_free(struct runq *rq)
{
    kfree(rq->pol);
    rq->pol = NULL;
}

int lottery_fund(int currency, unsigned tickets)
{
    if (currency <= 0 || currency >= LOTTERY_CURRENCIES || tickets > SCHED_TICKETS_MAX)
        return -EINVAL;
    runq_lock_all();
    fund[currency] = tickets;
    fund_gen++; /* every queue counts its threads again at its next draw */
    runq_unlock_all();
    return 0;
}

/* ---- the tree ---- */

static uint64_t sum_of(const struct thread *t)
{
    return t ? t->lot_sum : 0;
}

static void pull(struct thread *t)
{
    t->lot_sum = t->lot_worth + sum_of(t->lot_left) + sum_of(t->lot_right);
}

/* In parent (NULL: the root), the child old becomes new. */
static void replace_child(struct lottery_rq *l, struct thread *parent, struct thread *old,
                          struct thread *new)
{
    if (!parent)
        l->root = new;
    else if (parent->lot_left == old)
        parent->lot_left = new;
    else
        parent->lot_right = new;
    if (new)
        new->lot_parent = parent;
}

/* x takes its parent's place; the in-order sequence stays as it was. */
static void rotate_up(struct lottery_rq *l, struct thread *x)
{
    struct thread *p = x->lot_parent;
    replace_child(l, p->lot_parent, p, x);
    if (p->lot_left == x) {
        p->lot_left = x->lot_right;
        if (p->lot_left)
            p->lot_left->lot_parent = p;
        x->lot_right = p;
    } else {
        p->lot_right = x->lot_left;
        if (p->lot_right)
            p->lot_right->lot_parent = p;
        x->lot_left = p;
    }
    p->lot_parent = x;
    pull(p);
    pull(x);
}

/* A priority for the next node: the insert count through a 32-bit mix. */
static uint32_t next_prio(struct lottery_rq *l)
{
    uint32_t x = ++l->inserts * 0x9E3779B9u;
    x ^= x >> 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    return x;
}

/* t, worth t->lot_worth, becomes the last thread in arrival order. */
static void tree_append(struct lottery_rq *l, struct thread *t)
{
    struct thread *p = NULL, *n = l->root;
    t->lot_left = t->lot_right = NULL;
    t->lot_sum = t->lot_worth;
    t->lot_prio = next_prio(l);
    for (; n; p = n, n = n->lot_right)
        n->lot_sum += t->lot_worth;
    t->lot_parent = p;
    if (p)
        p->lot_right = t;
    else
        l->root = t;
    while (t->lot_parent && t->lot_parent->lot_prio < t->lot_prio)
        rotate_up(l, t);
}

static void tree_remove(struct lottery_rq *l, struct thread *t)
{
    while (t->lot_left && t->lot_right) /* down to a node with one child at most */
        rotate_up(l, t->lot_left->lot_prio > t->lot_right->lot_prio ? t->lot_left : t->lot_right);
    struct thread *child = t->lot_left ? t->lot_left : t->lot_right;
    replace_child(l, t->lot_parent, t, child);
    for (struct thread *a = t->lot_parent; a; a = a->lot_parent)
        a->lot_sum -= t->lot_worth;
    t->lot_left = t->lot_right = t->lot_parent = NULL;
}

/* t (in the tree) is now worth w. */
static void tree_set_worth(struct thread *t, uint64_t w)
{
    uint64_t old = t->lot_worth;
    t->lot_worth = w;
    for (struct thread *a = t; a; a = a->lot_parent)
        a->lot_sum = a->lot_sum - old + w;
}

/* The book's walk, down the tree: the thread whose range holds winner. */
static struct thread *tree_find(struct lottery_rq *l, uint64_t winner)
{
    struct thread *n = l->root;
    while (n) {
        uint64_t left = sum_of(n->lot_left);
        if (winner < left) {
            n = n->lot_left;
            continue;
        }
        winner -= left;
        if (winner < n->lot_worth)
            return n;
        winner -= n->lot_worth;
        n = n->lot_right;
    }
    return NULL;
}

/* ---- tickets and currencies ---- */

/* t's worth in base tickets (at least 1), from what l has counted. */
static uint64_t worth(const struct lottery_rq *l, const struct thread *t)
{
    uint64_t mine = t->lot_tickets;
    int c = t->lot_currency;
    if (c == 0 || fund[c] == 0 || l->issued[c] == 0)
        return mine;
    return MAX(mine * fund[c] / l->issued[c], 1);
}

/* The issued count of currency c changed: count each of its threads again. */
static void recount(struct lottery_rq *l, int c)
{
    struct list_head *e;
    if (c == 0)
        return; /* a base ticket is worth one whatever the count */
    list_for_each (e, &l->members[c]) {
        struct thread *t = list_entry(e, struct thread, rq_link);
        tree_set_worth(t, worth(l, t));
    }
}

/* Read t's tickets and currency into its node and its currency's count. */
static void join(struct lottery_rq *l, struct thread *t)
{
    int c = READ_ONCE(t->currency);
    t->lot_currency = c >= 0 && c < LOTTERY_CURRENCIES ? c : 0;
    t->lot_tickets = MAX(READ_ONCE(t->tickets), 1);
    l->issued[t->lot_currency] += t->lot_tickets;
    list_push_back(&l->members[t->lot_currency], &t->rq_link);
}

static void leave(struct lottery_rq *l, struct thread *t)
{
    l->issued[t->lot_currency] -= t->lot_tickets;
    list_remove(&t->rq_link);
}

static void lottery_enqueue(struct runq *rq, struct thread *t)
{
    struct lottery_rq *l = lq(rq);
    t->slice_left = sched_slice_ticks();
    join(l, t);
    t->lot_worth = worth(l, t);
    tree_append(l, t);
    t->lot_rq = rq;
    recount(l, t->lot_currency);
}

static void lottery_dequeue(struct runq *rq, struct thread *t)
{
    struct lottery_rq *l = lq(rq);
    tree_remove(l, t);
    leave(l, t);
    t->lot_rq = NULL;
    recount(l, t->lot_currency);
}

/* Called with every run-queue lock held: t's tickets or currency changed. */
static void lottery_params_changed(struct thread *t)
{
    struct runq *rq = t->lot_rq;
    if (!rq)
        return; /* not queued: read when it is */
    struct lottery_rq *l = lq(rq);
    int old = t->lot_currency;
    leave(l, t);
    join(l, t);
    tree_set_worth(t, worth(l, t));
    recount(l, old);
    if (t->lot_currency != old)
        recount(l, t->lot_currency);
}

/* A funding changed since l counted: count every funded currency again. */
static void refresh(struct lottery_rq *l)
{
    if (l->fund_gen == fund_gen)
        return;
    l->fund_gen = fund_gen;
    for (int c = 1; c < LOTTERY_CURRENCIES; c++)
        recount(l, c);
}

struct thread *lottery_winner(struct runq *rq, uint64_t winner)
{
    refresh(lq(rq));
    return tree_find(lq(rq), winner);
}

uint64_t lottery_total(struct runq *rq)
{
    refresh(lq(rq));
    return sum_of(lq(rq)->root);
}

static struct thread *lottery_pick_next(struct runq *rq)
{
    struct lottery_rq *l = lq(rq);
    if (!l->root)
        return NULL;
    if (l->seed_gen != seed_gen) {
        l->seed_gen = seed_gen;
        l->state = seeded_state(rq->id);
    }
    refresh(l);
    uint64_t winner = lottery_next(&l->state) % sum_of(l->root);
    l->draws++;
    struct thread *t = tree_find(l, winner);
    lottery_dequeue(rq, t);
    return t;
}

static void lottery_wake(struct runq *rq, struct thread *t, uint64_t slept, struct runq *from)
{
    lottery_enqueue(rq, t);
}

/* Hand-off: the waker won this turn's draw and now sleeps until the woken
 * thread answers; it lends the turn (its tickets, as in the textbook's
 * ticket transfer) to the woken thread, which runs the rest of the slice.
 * Counted as a draw the woken thread won. */
static bool lottery_take(struct runq *rq, struct thread *waker, struct thread *wakee)
{
    lottery_dequeue(rq, wakee);
    lq(rq)->draws++;
    wakee->slice_left = waker->slice_left;
    return true;
}

/* Tickets are not a clock: nothing to carry over. */
static void lottery_migrate(struct runq *rq, struct thread *t, struct runq *from)
{
    lottery_enqueue(rq, t);
}

static bool lottery_tick(struct runq *rq, struct thread *t)
{
    if (t->slice_left > 0)
        t->slice_left--;
    return t->slice_left == 0;
}

static void lottery_fork(struct runq *rq, struct thread *parent, struct thread *child)
{
    child->slice_left = sched_slice_ticks();
}

const struct sched_ops sched_lottery_ops = {
    .name = "lottery",
    .init = lottery_init,
    .set_tunable = lottery_set_tunable,
    .describe = lottery_describe,
    .rq_init = lottery_rq_init,
    .rq_free = lottery_rq_free,
    .enqueue = lottery_enqueue,
    .dequeue = lottery_dequeue,
    .pick_next = lottery_pick_next,
    .tick = lottery_tick,
    .yield = lottery_enqueue,
    .wake = lottery_wake,
    .migrate = lottery_migrate,
    .fork = lottery_fork,
    .params_changed = lottery_params_changed,
    .take = lottery_take,
};
