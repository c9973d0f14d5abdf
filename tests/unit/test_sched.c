/*
 * The scheduling policies' arithmetic, from the kernel's own policy files
 * (kernel/sched/{stride,lottery,mlfq,cfs}.c) driven through their ops on a
 * run queue, with the scheduler core replaced by the few functions below:
 *
 *   stride:  A, B, C with 100, 50, 250 tickets from equal passes run
 *            A B C C C A C C, after which every pass is 200 more; a late
 *            arrival starts at the current pass, not 0;
 *   lottery: the book's walk (winner 300 of A=100 B=50 C=250 -> C), the
 *            generator is reproducible from its seed, draws follow the
 *            tickets, and a currency's tickets convert to base tickets;
 *            the tree of partial sums picks what the linear walk over the
 *            arrival order picks for every winner, through arrivals,
 *            departures, draws and ticket and currency changes, and stays
 *            shallow; a queued thread's new tickets count at once;
 *   mlfq:    rule 4 (the allotment counts CPU however the job gave it up,
 *            so yielding does not keep a job at the top) and rule 5 (a
 *            boost after S ticks lifts every job);
 *   cfs:     the nice-to-weight table, vruntime growth, slices, and lowest
 *            vruntime first (the skew heap);
 *   yield (stride, cfs): a thread that yields before any tick charged it
 *            goes behind the others, which run before it runs again;
 *   migration (stride, cfs): a thread moved from a queue whose clock is far
 *            ahead to one far behind (or the reverse) keeps its lead over
 *            the old queue's minimum, so it gets its share on the new
 *            queue at once, neither starving nor taking the whole hart.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/runq.h"
#include "proc/thread.h"
#include "abi/sched.h"
#include "abi/errno.h"

/* ---- the core, as the policies see it ---- */
volatile uint64_t ticks;
static unsigned slice = 1;

unsigned sched_slice_ticks(void)
{
    return slice;
}

unsigned timer_tick_ms(void)
{
    return 10;
}

unsigned sched_bootarg_uint(const char *bootargs, const char *key, unsigned dflt, unsigned lo,
                            unsigned hi)
{
    return dflt;
}

void runq_lock_all(void)
{
}

void runq_unlock_all(void)
{
}

void *kzalloc(size_t n)
{
    return calloc(1, n);
}

void kfree(void *p)
{
    free(p);
}

static struct runq rq;
static struct thread threads[16];

static void start(const struct sched_ops *ops)
{
    ticks = 0;
    memset(&rq, 0, sizeof(rq));
    memset(threads, 0, sizeof(threads));
    ops->init(NULL);
    ck_assert_int_eq(ops->rq_init(&rq), 0);
}

static struct thread *add(const struct sched_ops *ops, int tid, int tickets)
{
    struct thread *t = &threads[tid];
    t->tid = tid;
    t->tickets = tickets;
    list_init(&t->rq_link);
    ops->fork(&rq, NULL, t);
    ops->enqueue(&rq, t);
    return t;
}

/* The textbook's three jobs: A, B, C (tids 1-3) with 100, 50 and 250 tickets. */
static void start_abc(const struct sched_ops *ops)
{
    start(ops);
    add(ops, 1, 100);
    add(ops, 2, 50);
    add(ops, 3, 250);
}

/* Run whatever the policy picks for one tick; requeue it as preempted. */
static struct thread *run_tick(const struct sched_ops *ops)
{
    struct thread *t = ops->pick_next(&rq);
    ck_assert_ptr_nonnull(t);
    ticks++;
    ops->tick(&rq, t);
    t->slice_left = 0;
    ops->enqueue(&rq, t);
    return t;
}

/* A second queue, another hart's, for migration. */
static struct runq rq2;

static struct thread *run_tick_on(const struct sched_ops *ops, struct runq *q)
{
    struct thread *t = ops->pick_next(q);
    ck_assert_ptr_nonnull(t);
    ops->tick(q, t);
    t->slice_left = 0;
    ops->enqueue(q, t);
    return t;
}

static struct thread *add_on(const struct sched_ops *ops, struct runq *q, int tid)
{
    struct thread *t = &threads[tid];
    t->tid = tid;
    t->tickets = 100;
    list_init(&t->rq_link);
    ops->fork(q, NULL, t);
    ops->enqueue(q, t);
    return t;
}

/*
 * Queue 1 runs threads 1 and 2 for `ahead` ticks, queue 2 runs 3 and 4 for
 * 10; then the next thread of `from` moves to `to` and 30 ticks run there:
 * the mover gets a third of them (10 +- 2), as the one more of three equal
 * threads it is.
 */
static void check_migration(const struct sched_ops *ops, bool to_behind, int ahead)
{
    start(ops);
    memset(&rq2, 0, sizeof(rq2));
    ck_assert_int_eq(ops->rq_init(&rq2), 0);
    add_on(ops, &rq, 1);
    add_on(ops, &rq, 2);
    add_on(ops, &rq2, 3);
    add_on(ops, &rq2, 4);
    for (int i = 0; i < ahead; i++)
        run_tick_on(ops, &rq);
    for (int i = 0; i < 10; i++)
        run_tick_on(ops, &rq2);
    struct runq *from = to_behind ? &rq : &rq2, *to = to_behind ? &rq2 : &rq;
    struct thread *mover = ops->pick_next(from);
    ck_assert_ptr_nonnull(mover);
    ops->migrate(to, mover, from);
    int runs[5] = {0};
    for (int i = 0; i < 30; i++)
        runs[run_tick_on(ops, to)->tid]++;
    ck_assert_int_ge(runs[mover->tid], 8);
    ck_assert_int_le(runs[mover->tid], 12);
    ops->rq_free(&rq2);
    ops->rq_free(&rq);
}

/* ---- stride ---- */

START_TEST(test_stride_order)
{
    const struct sched_ops *ops = &sched_stride_ops;
    start_abc(ops);
    char order[9] = {0};
    for (int i = 0; i < 8; i++)
        order[i] = "?ABC"[run_tick(ops)->tid];
    ck_assert_str_eq(order, "ABCCCACC");
    for (int i = 1; i <= 3; i++)
        ck_assert_uint_eq(threads[i].pass, 200);
    /* Another 16 ticks: 4 : 2 : 10, the 2:1:5 of the tickets. */
    int runs[4] = {0};
    for (int i = 0; i < 16; i++)
        runs[run_tick(ops)->tid]++;
    ck_assert_int_eq(runs[1], 4);
    ck_assert_int_eq(runs[2], 2);
    ck_assert_int_eq(runs[3], 10);
}
END_TEST

START_TEST(test_stride_late_arrival)
{
    const struct sched_ops *ops = &sched_stride_ops;
    start(ops);
    add(ops, 1, 100);
    add(ops, 2, 100);
    for (int i = 0; i < 100; i++)
        run_tick(ops);
    struct thread *late = add(ops, 3, 100);
    ck_assert_uint_ge(late->pass, 4900); /* the current pass, not 0 */
    int runs[4] = {0};
    for (int i = 0; i < 30; i++)
        runs[run_tick(ops)->tid]++;
    ck_assert_int_le(runs[3], 11); /* a third, not all of it */
    ck_assert_int_ge(runs[1], 9);
    ck_assert_int_ge(runs[2], 9);
}
END_TEST

/* Three threads; the one picked yields at once, each time: all take turns. */
static void check_yield_rotates(const struct sched_ops *ops)
{
    start(ops);
    for (int i = 1; i <= 3; i++)
        add_on(ops, &rq, i);
    int runs[4] = {0};
    for (int i = 0; i < 30; i++) {
        struct thread *t = ops->pick_next(&rq);
        ck_assert_ptr_nonnull(t);
        runs[t->tid]++;
        ops->yield(&rq, t);
    }
    for (int i = 1; i <= 3; i++)
        ck_assert_int_eq(runs[i], 10);
    ops->rq_free(&rq);
}

START_TEST(test_yield_rotates)
{
    check_yield_rotates(&sched_stride_ops);
    check_yield_rotates(&sched_cfs_ops);
}
END_TEST

START_TEST(test_stride_migration)
{
    check_migration(&sched_stride_ops, true, 400);  /* to a queue 200 ticks behind */
    check_migration(&sched_stride_ops, false, 400); /* to one 200 ticks ahead */
    ck_assert_uint_eq(stride_rebase(700, 500, 9000), 9200);
    ck_assert_uint_eq(stride_rebase(400, 500, 9000), 9000); /* no credit */
    ck_assert_uint_eq(stride_rebase(700, 700, 0), 0);
}
END_TEST

/* ---- lottery ---- */

START_TEST(test_lottery_walk)
{
    const struct sched_ops *ops = &sched_lottery_ops;
    start_abc(ops);
    ck_assert_int_eq(lottery_winner(&rq, 300)->tid, 3);
    ck_assert_int_eq(lottery_winner(&rq, 0)->tid, 1);
    ck_assert_int_eq(lottery_winner(&rq, 99)->tid, 1);
    ck_assert_int_eq(lottery_winner(&rq, 100)->tid, 2);
    ck_assert_int_eq(lottery_winner(&rq, 149)->tid, 2);
    ck_assert_int_eq(lottery_winner(&rq, 150)->tid, 3);
    ck_assert_int_eq(lottery_winner(&rq, 399)->tid, 3);
}
END_TEST

START_TEST(test_lottery_generator)
{
    uint64_t a = 12345, b = 12345;
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_eq(lottery_next(&a), lottery_next(&b));
    uint64_t c = 54321;
    ck_assert_uint_ne(lottery_next(&a), lottery_next(&c));
}
END_TEST

START_TEST(test_lottery_draws_follow_tickets)
{
    const struct sched_ops *ops = &sched_lottery_ops;
    start_abc(ops);
    int wins[4] = {0}, n = 40000;
    for (int i = 0; i < n; i++)
        wins[run_tick(ops)->tid]++;
    /* Expected 10000, 5000, 25000; 3 standard deviations is under 300. */
    ck_assert_int_lt(abs(wins[1] - n / 4), 300);
    ck_assert_int_lt(abs(wins[2] - n / 8), 300);
    ck_assert_int_lt(abs(wins[3] - n * 5 / 8), 300);
}
END_TEST

START_TEST(test_lottery_currency)
{
    const struct sched_ops *ops = &sched_lottery_ops;
    start(ops);
    /* User 1 funds currency 1 with 100 base tickets; its two jobs hold 500
     * each there, so each is worth 50: like one base job of 50 tickets. */
    ck_assert_int_eq(lottery_fund(1, 100), 0);
    struct thread *a1 = &threads[1], *a2 = &threads[2];
    a1->currency = a2->currency = 1;
    a1->tid = 1, a1->tickets = 500, list_init(&a1->rq_link), ops->enqueue(&rq, a1);
    a2->tid = 2, a2->tickets = 500, list_init(&a2->rq_link), ops->enqueue(&rq, a2);
    add(ops, 3, 100);
    ck_assert_int_eq(lottery_winner(&rq, 49)->tid, 1);
    ck_assert_int_eq(lottery_winner(&rq, 50)->tid, 2);
    ck_assert_int_eq(lottery_winner(&rq, 99)->tid, 2);
    ck_assert_int_eq(lottery_winner(&rq, 100)->tid, 3);
    ck_assert_int_eq(lottery_fund(1, 0), 0);
}
END_TEST

/*
 * The tree against the book's walk.  A reference keeps the queued threads in
 * arrival order and walks them, adding worths computed here from the same
 * rule (t of the I tickets a funded currency issued is worth t * fund / I);
 * random arrivals, departures from anywhere, draws, ticket changes and
 * currency changes must leave every winner in [0, T) picking the thread the
 * walk picks.
 */
#define REF_MAX 200

struct ref {
    struct thread *t[REF_MAX];
    int n;
    uint32_t fund[TICKETS_CURRENCIES];
};

static uint64_t ref_worth(const struct ref *r, const struct thread *t)
{
    uint64_t issued = 0, mine = MAX(t->tickets, 1);
    for (int i = 0; i < r->n; i++)
        if (r->t[i]->currency == t->currency)
            issued += MAX(r->t[i]->tickets, 1);
    if (t->currency == 0 || r->fund[t->currency] == 0)
        return mine;
    return MAX(mine * r->fund[t->currency] / issued, 1);
}

static struct thread *ref_walk(const struct ref *r, uint64_t winner, uint64_t *total)
{
    uint64_t counter = 0;
    struct thread *hit = NULL;
    for (int i = 0; i < r->n; i++) {
        counter += ref_worth(r, r->t[i]);
        if (!hit && counter > winner)
            hit = r->t[i];
    }
    *total = counter;
    return hit;
}

static void ref_remove(struct ref *r, struct thread *t)
{
    int i = 0;
    while (r->t[i] != t)
        i++;
    memmove(&r->t[i], &r->t[i + 1], (r->n - i - 1) * sizeof(r->t[0]));
    r->n--;
}

static void check_against_walk(const struct ref *r)
{
    uint64_t total;
    ref_walk(r, 0, &total);
    ck_assert_uint_eq(lottery_total(&rq), total);
    /* Every boundary of every range, and a sample in between. */
    uint64_t counter = 0;
    for (int i = 0; i < r->n; i++) {
        uint64_t w = ref_worth(r, r->t[i]);
        ck_assert_ptr_eq(lottery_winner(&rq, counter), r->t[i]);
        ck_assert_ptr_eq(lottery_winner(&rq, counter + w - 1), r->t[i]);
        counter += w;
    }
    ck_assert_ptr_null(lottery_winner(&rq, total));
    for (int k = 0; k < 50 && total; k++) {
        uint64_t winner = (uint64_t)rand() % total;
        ck_assert_ptr_eq(lottery_winner(&rq, winner), ref_walk(r, winner, &counter));
    }
}

static int queued_thread(const struct ref *r, struct thread *pool, int npool)
{
    for (;;) {
        int i = rand() % npool;
        for (int j = 0; j < r->n; j++)
            if (r->t[j] == &pool[i])
                return i;
    }
}

START_TEST(test_lottery_tree_is_the_walk)
{
    const struct sched_ops *ops = &sched_lottery_ops;
    enum { POOL = 150 };
    struct thread *pool = calloc(POOL, sizeof(*pool));
    static struct ref r;
    bool queued[POOL] = {0};
    memset(&r, 0, sizeof(r));
    srand(42);
    start(ops);
    r.fund[2] = 300;
    ck_assert_int_eq(lottery_fund(2, 300), 0);
    for (int i = 0; i < POOL; i++) {
        pool[i].tid = i + 1;
        pool[i].tickets = 1 + rand() % 400;
        pool[i].currency = rand() % 4 == 0 ? 2 : rand() % 8 == 0 ? 3 : 0;
    }
    for (int step = 0; step < 3000; step++) {
        int op = rand() % 10, i = rand() % POOL;
        if (op < 4 && !queued[i] && r.n < REF_MAX) { /* arrives: the last in order */
            ops->enqueue(&rq, &pool[i]);
            r.t[r.n++] = &pool[i];
            queued[i] = true;
        } else if (op < 6 && r.n > 0) { /* leaves from anywhere */
            i = queued_thread(&r, pool, POOL);
            ops->dequeue(&rq, &pool[i]);
            ref_remove(&r, &pool[i]);
            queued[i] = false;
        } else if (op < 8 && r.n > 0) { /* a draw */
            struct thread *t = ops->pick_next(&rq);
            ck_assert_ptr_nonnull(t);
            ck_assert(queued[t->tid - 1]);
            ref_remove(&r, t);
            queued[t->tid - 1] = false;
        } else if (op < 9) { /* transfer or inflation, queued or not */
            pool[i].tickets = 1 + rand() % 400;
            ops->params_changed(&pool[i]);
        } else { /* joins another currency */
            pool[i].currency = rand() % 3 == 0 ? 2 : rand() % 2 ? 3 : 0;
            ops->params_changed(&pool[i]);
        }
        if (step == 1500) { /* a funding changes while threads are queued */
            r.fund[3] = 50;
            ck_assert_int_eq(lottery_fund(3, 50), 0);
        }
        check_against_walk(&r);
    }
    ck_assert_int_eq(lottery_fund(2, 0), 0);
    ck_assert_int_eq(lottery_fund(3, 0), 0);
    ops->rq_free(&rq);
    free(pool);
}
END_TEST

/* Depth of the tree below t, by its links. */
static int tree_depth(const struct thread *t)
{
    if (!t)
        return 0;
    int l = tree_depth(t->lot_left), r = tree_depth(t->lot_right);
    return 1 + (l > r ? l : r);
}

START_TEST(test_lottery_tree_is_shallow)
{
    const struct sched_ops *ops = &sched_lottery_ops;
    enum { N = 4096 };
    struct thread *pool = calloc(N, sizeof(*pool));
    start(ops);
    for (int i = 0; i < N; i++) {
        pool[i].tid = i + 1;
        pool[i].tickets = 100;
        ops->enqueue(&rq, &pool[i]);
    }
    /* A round of draws and requeues, as a busy hart does. */
    for (int i = 0; i < 4 * N; i++)
        ops->enqueue(&rq, ops->pick_next(&rq));
    struct thread *root = &pool[0];
    while (root->lot_parent)
        root = root->lot_parent;
    /* A balanced tree of 4096 is 12 deep; a treap's expected depth is
     * about 2.99 ln n = 25 at the deepest.  A list would be 4096. */
    ck_assert_int_le(tree_depth(root), 40);
    ck_assert_uint_eq(lottery_total(&rq), 100 * N);
    ops->rq_free(&rq);
    free(pool);
}
END_TEST

START_TEST(test_lottery_change_counts_at_once)
{
    const struct sched_ops *ops = &sched_lottery_ops;
    start_abc(ops);
    /* B (queued) is given 250 of C's tickets: B holds 300, C nothing... but
     * at least one, so T = 100 + 300 + 1. */
    threads[2].tickets = 300;
    ops->params_changed(&threads[2]);
    threads[3].tickets = 1;
    ops->params_changed(&threads[3]);
    ck_assert_uint_eq(lottery_total(&rq), 401);
    ck_assert_int_eq(lottery_winner(&rq, 399)->tid, 2);
    ck_assert_int_eq(lottery_winner(&rq, 400)->tid, 3);
    ops->rq_free(&rq);
}
END_TEST

/* ---- mlfq ---- */

START_TEST(test_mlfq_rule4_gaming_fails)
{
    const struct sched_ops *ops = &sched_mlfq_ops;
    start(ops);
    ck_assert_int_eq(ops->set_tunable("mlfq_quantum", 2), 0); /* slices of 2 ticks */
    struct thread *gamer = add(ops, 1, 100);
    ck_assert_int_eq(gamer->level, 0); /* rule 3 */
    /* It runs one tick of each 2-tick slice and yields before the slice
     * ends, again and again; the allotment (4 slices = 8 ticks) counts every
     * one of those ticks, so the 8th moves it down (rule 4). */
    for (int i = 0; i < 8; i++) {
        struct thread *t = ops->pick_next(&rq);
        ck_assert_ptr_eq(t, gamer);
        ticks++;
        bool preempt = ops->tick(&rq, t);
        ck_assert_int_eq(preempt, i == 7);
        ck_assert_int_eq(gamer->level, i == 7 ? 1 : 0);
        ops->yield(&rq, t);
    }
    ck_assert_uint_eq(gamer->ticks_at_level[0], 8);
    ck_assert_int_eq(ops->set_tunable("mlfq_quantum", 1), 0);
    ck_assert_int_eq(ops->set_tunable("mlfq_levels", 99), -EINVAL);
}
END_TEST

START_TEST(test_mlfq_levels_and_boost)
{
    const struct sched_ops *ops = &sched_mlfq_ops;
    start(ops);
    struct thread *hog = add(ops, 1, 100);
    /* Level 0: 4 ticks, level 1: 4 slices of 2, then the bottom (level 2). */
    for (int i = 0; i < 4 + 8; i++)
        run_tick(ops);
    ck_assert_int_eq(hog->level, 2);
    for (int i = 0; i < 50; i++)
        run_tick(ops);
    ck_assert_int_eq(hog->level, 2); /* the bottom keeps it */
    struct thread *fresh = add(ops, 2, 100);
    ck_assert_ptr_eq(ops->pick_next(&rq), fresh); /* rule 1: higher level first */
    ops->enqueue(&rq, fresh);
    while (ticks < 100) /* rule 5: at S = 100 ticks both return to the top */
        run_tick(ops);
    run_tick(ops);
    ck_assert_int_eq(hog->level, 0);
    ck_assert_int_eq(fresh->level, 0);
}
END_TEST

/* ---- cfs ---- */

START_TEST(test_cfs_weights)
{
    ck_assert_uint_eq(cfs_weight_of(0), 1024);
    ck_assert_uint_eq(cfs_weight_of(5), 335);
    ck_assert_uint_eq(cfs_weight_of(-5), 3121);
    ck_assert_uint_eq(cfs_weight_of(-20), 88761);
    ck_assert_uint_eq(cfs_weight_of(19), 15);
    for (int n = NICE_MIN; n < NICE_MAX; n++) {
        double r = (double)cfs_weight_of(n) / cfs_weight_of(n + 1);
        ck_assert(r > 1.15 && r < 1.35); /* about 1.25 per step */
    }
    ck_assert_uint_eq(cfs_vruntime_delta(10000000, 1024), 10000000);
    ck_assert_uint_eq(cfs_vruntime_delta(10000000, 335), 10000000ULL * 1024 / 335);
    /* 48 ms among 4 equal jobs is 12 ms; among 16, the 6 ms granularity. */
    ck_assert_uint_eq(cfs_slice_ns(1024, 4 * 1024, 48, 6), 12000000);
    ck_assert_uint_eq(cfs_slice_ns(1024, 16 * 1024, 48, 6), 6000000);
}
END_TEST

START_TEST(test_cfs_nice_ratio)
{
    const struct sched_ops *ops = &sched_cfs_ops;
    start(ops);
    struct thread *a = add(ops, 1, 100), *b = &threads[2];
    b->tid = 2, b->nice = 5, list_init(&b->rq_link);
    ops->fork(&rq, NULL, b);
    ops->enqueue(&rq, b);
    int runs[3] = {0};
    for (int i = 0; i < 1359; i++) /* 1024 + 335: one period of the weights */
        runs[run_tick(ops)->tid]++;
    ck_assert_int_lt(abs(runs[1] - 1024), 3);
    ck_assert_int_lt(abs(runs[2] - 335), 3);
    ck_assert_uint_le(a->vruntime > b->vruntime ? a->vruntime - b->vruntime
                                                : b->vruntime - a->vruntime,
                      10000000ULL * 1024 / 335);
}
END_TEST

START_TEST(test_cfs_lowest_first)
{
    const struct sched_ops *ops = &sched_cfs_ops;
    start(ops);
    uint64_t v[12] = {50, 3, 99, 7, 7, 1, 60, 42, 8, 0, 77, 5};
    for (int i = 0; i < 12; i++) {
        struct thread *t = &threads[i + 1];
        t->tid = i + 1;
        t->vruntime = v[i];
        ops->enqueue(&rq, t);
    }
    ops->dequeue(&rq, &threads[8]); /* vruntime 42 leaves from the middle */
    uint64_t last = 0;
    for (int i = 0; i < 11; i++) {
        struct thread *t = ops->pick_next(&rq);
        ck_assert_ptr_nonnull(t);
        ck_assert_uint_ge(t->vruntime, last);
        ck_assert_uint_ne(t->vruntime, 42);
        last = t->vruntime;
    }
    ck_assert_ptr_null(ops->pick_next(&rq));
}
END_TEST

START_TEST(test_cfs_migration)
{
    check_migration(&sched_cfs_ops, true, 400);
    check_migration(&sched_cfs_ops, false, 400);
    ck_assert_uint_eq(cfs_rebase(7000, 5000, 90000), 92000);
    ck_assert_uint_eq(cfs_rebase(4000, 5000, 90000), 90000);
}
END_TEST

Suite *sched_suite(void)
{
    Suite *s = suite_create("sched");
    TCase *tc = tcase_create("policies");
    tcase_add_test(tc, test_stride_order);
    tcase_add_test(tc, test_stride_late_arrival);
    tcase_add_test(tc, test_stride_migration);
    tcase_add_test(tc, test_yield_rotates);
    tcase_add_test(tc, test_lottery_walk);
    tcase_add_test(tc, test_lottery_generator);
    tcase_add_test(tc, test_lottery_draws_follow_tickets);
    tcase_add_test(tc, test_lottery_currency);
    tcase_add_test(tc, test_lottery_tree_is_the_walk);
    tcase_add_test(tc, test_lottery_tree_is_shallow);
    tcase_add_test(tc, test_lottery_change_counts_at_once);
    tcase_add_test(tc, test_mlfq_rule4_gaming_fails);
    tcase_add_test(tc, test_mlfq_levels_and_boost);
    tcase_add_test(tc, test_cfs_weights);
    tcase_add_test(tc, test_cfs_nice_ratio);
    tcase_add_test(tc, test_cfs_lowest_first);
    tcase_add_test(tc, test_cfs_migration);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sched_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
