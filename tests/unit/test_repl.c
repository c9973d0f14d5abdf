/*
 * The kernel's replacement policies (kernel/mm/repl*.c) against the
 * textbook's numbers (shared/TEXTBOOK.md, Memory).  A small simulator plays
 * the hardware: it keeps a page per slot, sets the referenced bit on the
 * access that loads a page and on every hit, and calls the policy's tick
 * after every reference.  LRU and OPT are reference simulators here, so the
 * reference strings themselves are checked too.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "mm/repl.h"

#define MAXF 8

struct sim {
    struct repl_set set;
    struct repl_slot slots[MAXF];
    int page[MAXF]; /* -1: empty */
    bool ref[MAXF], dirty[MAXF];
};

static bool sim_ref(struct repl_set *s, int slot)
{
    struct sim *m = s->owner;
    bool r = m->ref[slot];
    m->ref[slot] = false;
    return r;
}

static bool sim_dirty(struct repl_set *s, int slot)
{
    return ((struct sim *)s->owner)->dirty[slot];
}

static const struct repl_hooks sim_hooks = {.test_clear_ref = sim_ref, .is_dirty = sim_dirty};

static int find(const int *page, int n, int p)
{
    for (int i = 0; i < n; i++)
        if (page[i] == p)
            return i;
    return -1;
}

/* Faults of policy ops over refs with n frames; writes[i]: reference i is a store. */
static int run_policy(const struct repl_ops *ops, const int *refs, int nrefs, int n,
                      const bool *writes)
{
    struct sim m;
    memset(&m, 0, sizeof(m));
    memset(m.page, -1, sizeof(m.page));
    repl_set_init(&m.set, ops, &sim_hooks, &m, m.slots, n);
    int faults = 0;
    for (int r = 0; r < nrefs; r++) {
        int slot = find(m.page, n, refs[r]);
        if (slot < 0) {
            faults++;
            slot = find(m.page, n, -1);
            if (slot < 0)
                slot = ops->victim(&m.set);
            m.page[slot] = refs[r];
            m.dirty[slot] = false;
            ops->loaded(&m.set, slot);
        }
        m.ref[slot] = true;
        if (writes && writes[r])
            m.dirty[slot] = true;
        ops->tick(&m.set);
    }
    return faults;
}

static int lru(const int *refs, int nrefs, int n)
{
    int page[MAXF], last[MAXF], faults = 0, used = 0;
    for (int r = 0; r < nrefs; r++) {
        int s = find(page, used, refs[r]);
        if (s < 0) {
            faults++;
            if (used < n) {
                s = used++;
            } else {
                s = 0;
                for (int i = 1; i < n; i++)
                    if (last[i] < last[s])
                        s = i;
            }
            page[s] = refs[r];
        }
        last[s] = r;
    }
    return faults;
}

static int opt(const int *refs, int nrefs, int n)
{
    int page[MAXF], faults = 0, used = 0;
    for (int r = 0; r < nrefs; r++) {
        if (find(page, used, refs[r]) >= 0)
            continue;
        faults++;
        if (used < n) {
            page[used++] = refs[r];
            continue;
        }
        int victim = 0, farthest = -1;
        for (int i = 0; i < n; i++) {
            int next = nrefs;
            for (int k = r + 1; k < nrefs; k++)
                if (refs[k] == page[i]) {
                    next = k;
                    break;
                }
            if (next > farthest)
                farthest = next, victim = i;
        }
        page[victim] = refs[r];
    }
    return faults;
}

static const int belady[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
static const int ostep[] = {0, 1, 2, 0, 1, 3, 0, 3, 1, 2, 1};
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

START_TEST(test_references)
{
    ck_assert_int_eq(lru(belady, N(belady), 3), 10);
    ck_assert_int_eq(lru(belady, N(belady), 4), 8);
    ck_assert_int_eq(opt(belady, N(belady), 3), 7);
    ck_assert_int_eq(opt(belady, N(belady), 4), 6);
    ck_assert_int_eq(opt(ostep, N(ostep), 3), 5);
    ck_assert_int_eq(lru(ostep, N(ostep), 3), 5);
}
END_TEST

START_TEST(test_fifo_belady)
{
    ck_assert_int_eq(run_policy(&repl_fifo, belady, N(belady), 3, NULL), 9);
    ck_assert_int_eq(run_policy(&repl_fifo, belady, N(belady), 4, NULL),
                     10); /* more frames, more faults */
    ck_assert_int_eq(run_policy(&repl_fifo, ostep, N(ostep), 3, NULL), 7);
}
END_TEST

START_TEST(test_clock_textbook)
{
    ck_assert_int_eq(run_policy(&repl_clock, belady, N(belady), 3, NULL), 9);
    ck_assert_int_eq(run_policy(&repl_clock, belady, N(belady), 4, NULL), 10);
    ck_assert_int_eq(run_policy(&repl_clock, ostep, N(ostep), 3, NULL), 7);
}
END_TEST

START_TEST(test_aging_is_lru)
{
    ck_assert_int_eq(run_policy(&repl_aging, belady, N(belady), 3, NULL),
                     lru(belady, N(belady), 3));
    ck_assert_int_eq(run_policy(&repl_aging, belady, N(belady), 4, NULL),
                     lru(belady, N(belady), 4));
    ck_assert_int_eq(run_policy(&repl_aging, ostep, N(ostep), 3, NULL), 5);
    /* Where every resident page was used within the last 8 references the
     * ages order the pages exactly as LRU does: a loop over n+1 pages. */
    int loop[40];
    for (int i = 0; i < 40; i++)
        loop[i] = i % 4;
    ck_assert_int_eq(run_policy(&repl_aging, loop, 40, 3, NULL),
                     lru(loop, 40, 3)); /* 40: all miss */
    for (int i = 0; i < 40; i++)
        loop[i] = (i % 5 == 4) ? 9 : i % 2; /* 0 1 0 1 9 ...: 0 and 1 stay */
    ck_assert_int_eq(run_policy(&repl_aging, loop, 40, 3, NULL), lru(loop, 40, 3));
}
END_TEST

/* Clock prefers a clean page: with all bits clear, the dirty page under the hand survives. */
START_TEST(test_clock_prefers_clean)
{
    static const int refs[] = {1, 2, 3, 1, 2, 3, 4, 1};
    bool writes[N(refs)] = {[0] = true}; /* page 1 (slot 0) dirty */
    struct sim m;
    memset(&m, 0, sizeof(m));
    memset(m.page, -1, sizeof(m.page));
    repl_set_init(&m.set, &repl_clock, &sim_hooks, &m, m.slots, 3);
    for (int i = 0; i < 3; i++) {
        m.page[i] = i + 1;
        repl_clock.loaded(&m.set, i);
    }
    m.dirty[0] = writes[0];
    int v = repl_clock.victim(&m.set); /* no bits set: slot 0 is dirty, slot 1 clean */
    ck_assert_int_eq(v, 1);
    ck_assert_int_eq(m.set.hand, 2);
    /* Only dirty pages left unreferenced: the first of them. */
    m.dirty[1] = m.dirty[2] = true;
    m.set.hand = 0;
    ck_assert_int_eq(repl_clock.victim(&m.set), 0);
    /* All referenced: one revolution clears them and the hand's slot goes. */
    memset(m.dirty, 0, sizeof(m.dirty));
    m.ref[0] = m.ref[1] = m.ref[2] = true;
    m.set.hand = 1;
    ck_assert_int_eq(repl_clock.victim(&m.set), 1);
    ck_assert(!m.ref[0] && !m.ref[1] && !m.ref[2]);
}
END_TEST

START_TEST(test_registry)
{
    ck_assert_ptr_eq(repl_find("clock"), &repl_clock);
    ck_assert_ptr_eq(repl_find("fifo"), &repl_fifo);
    ck_assert_ptr_eq(repl_find("aging"), &repl_aging);
    ck_assert_ptr_null(repl_find("lru"));
    ck_assert_ptr_eq(repl_nth(0), &repl_clock); /* the default comes first */
    ck_assert_ptr_null(repl_nth(3));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("repl");
    TCase *tc = tcase_create("policies");
    tcase_add_test(tc, test_references);
    tcase_add_test(tc, test_fifo_belady);
    tcase_add_test(tc, test_clock_textbook);
    tcase_add_test(tc, test_aging_is_lru);
    tcase_add_test(tc, test_clock_prefers_clean);
    tcase_add_test(tc, test_registry);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
