/*
 * Lottery scheduling.  Each pick is a draw: with T the total tickets of the
 * queued threads, draw `winner` uniformly in [0, T), walk the queue adding
 * each thread's tickets, and run the first thread at which the running
 * count exceeds `winner` (the textbook's walk: A=100, B=50, C=250 and
 * winner 300 gives C).  A thread with t of T tickets wins with probability
 * t/T.  The generator is a per-queue xorshift64*, seeded from
 * lottery_seed= (bootargs or run time), so a run on one hart is
 * reproducible.
 *
 * Currencies: a thread's tickets are in the currency it belongs to (0, the
 * base currency, by default).  Currency c is funded with fund[c] base
 * tickets, shared among the threads of c in proportion to their tickets:
 * a thread with t of the I tickets its currency has issued (counted over
 * the threads queued with it) is worth t * fund[c] / I base tickets.
 * Transfer and inflation are changes of a thread's ticket count (the
 * tickets system call); they count from the next draw.
 *
 * Invariant: the queue holds its threads in arrival order; a draw only
 * reads it.  Every queued thread is worth at least one base ticket, so T
 * counts every thread and none can be skipped for ever.
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

struct lottery_rq {
    struct list_head fifo; /* (rq->lock) arrival order */
    uint64_t state;        /* (rq->lock) generator state, never 0 */
    uint64_t draws;        /* (rq->lock) */
    unsigned seed_gen;     /* (rq->lock) the seed_gen its state was seeded from */
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
    list_init(&l->fifo);
    l->state = seeded_state(rq->id);
    l->seed_gen = seed_gen;
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
    runq_unlock_all();
    return 0;
}

/* Tickets the threads of each currency have issued, counted over the queue. */
static void count_issued(struct runq *rq, uint64_t issued[LOTTERY_CURRENCIES])
{
    struct list_head *e;
    memset(issued, 0, LOTTERY_CURRENCIES * sizeof(issued[0]));
    list_for_each (e, &lq(rq)->fifo) {
        struct thread *t = list_entry(e, struct thread, rq_link);
        issued[t->currency] += MAX(READ_ONCE(t->tickets), 1);
    }
}

/* t's worth in base tickets (at least 1). */
static uint64_t worth(const struct thread *t, const uint64_t issued[LOTTERY_CURRENCIES])
{
    uint64_t mine = MAX(READ_ONCE(t->tickets), 1);
    int c = t->currency;
    if (c == 0 || fund[c] == 0 || issued[c] == 0)
        return mine;
    return MAX(mine * fund[c] / issued[c], 1);
}

/* The book's walk over the queue: the thread where the count passes winner. */
static struct thread *walk(struct runq *rq, uint64_t winner, const uint64_t *issued)
{
    uint64_t counter = 0;
    struct list_head *e;
    list_for_each (e, &lq(rq)->fifo) {
        struct thread *t = list_entry(e, struct thread, rq_link);
        counter += worth(t, issued);
        if (counter > winner)
            return t;
    }
    return NULL;
}

struct thread *lottery_winner(struct runq *rq, uint64_t winner)
{
    uint64_t issued[LOTTERY_CURRENCIES];
    count_issued(rq, issued);
    return walk(rq, winner, issued);
}

static struct thread *lottery_pick_next(struct runq *rq)
{
    uint64_t issued[LOTTERY_CURRENCIES], total = 0;
    struct list_head *e;
    if (list_empty(&lq(rq)->fifo))
        return NULL;
    if (lq(rq)->seed_gen != seed_gen) {
        lq(rq)->seed_gen = seed_gen;
        lq(rq)->state = seeded_state(rq->id);
    }
    count_issued(rq, issued);
    list_for_each (e, &lq(rq)->fifo)
        total += worth(list_entry(e, struct thread, rq_link), issued);
    uint64_t winner = lottery_next(&lq(rq)->state) % total;
    lq(rq)->draws++;
    struct thread *t = walk(rq, winner, issued);
    list_remove(&t->rq_link);
    return t;
}

static void lottery_enqueue(struct runq *rq, struct thread *t)
{
    t->slice_left = sched_slice_ticks();
    list_push_back(&lq(rq)->fifo, &t->rq_link);
}

static void lottery_wake(struct runq *rq, struct thread *t, uint64_t slept, struct runq *from)
{
    lottery_enqueue(rq, t);
}

/* Tickets are not a clock: nothing to carry over. */
static void lottery_migrate(struct runq *rq, struct thread *t, struct runq *from)
{
    lottery_enqueue(rq, t);
}

static void lottery_dequeue(struct runq *rq, struct thread *t)
{
    list_remove(&t->rq_link);
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
};
