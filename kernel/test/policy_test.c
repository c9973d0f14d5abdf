/*
 * Self-tests of the scheduling policies, meant for one hart (CPUS=1), where
 * the textbook's results are exact.  Each checks the active policy's
 * promise; under a policy it does not describe it checks only that every
 * spinner made progress (nobody starves) and says which policy ran.
 *
 * stride: three spinners with 100, 50 and 250 tickets (inherited from this
 *         thread when each is created).  Over a window of W ticks, stride
 *         gives them W * 2/8, 1/8 and 5/8 of the ticks; on one hart the only
 *         slack is the tick in progress at each end of the window, so each
 *         share must be within 2 ticks.
 * mlfq:   a hog that never gives up the CPU, an interactive thread that
 *         runs briefly and sleeps a tick, and a gamer that yields again and
 *         again within a tick.  After long enough for the hog to use up the
 *         allotments of every level (the pytest sets a boost period longer
 *         than the test), the hog must be at the bottom level, the gamer
 *         below the top (rule 4 counts its total CPU at a level), and the
 *         interactive thread at the top unless it was charged its whole
 *         level-0 allotment: CPU time is sampled by the tick, and a hart
 *         the host deschedules in the middle of the thread's short burst
 *         (emulated harts share the host's cores with other QEMUs) takes
 *         its next tick as soon as it runs again, charging the burst a
 *         whole tick; rule 4 then moves it down, as it must.  On one hart
 *         the interactive thread must also have run fewer ticks than the
 *         hog.  Under other policies: every thread makes progress.
 */
#include "test/selftest.h"
#include "proc/thread.h"
#include "proc/sched.h"
#include "proc/cpu.h"
#include "sched/runq.h"
#include "arch/riscv/timer.h"
#include "lib/printf.h"
#include "lib/string.h"

#define WINDOW 160

static volatile bool stop;

static void spin(void *arg)
{
    while (!READ_ONCE(stop))
        ;
}

static bool is_policy(const char *name)
{
    return strcmp(sched_policy_name(), name) == 0;
}

static struct thread *create_with_tickets(const char *name, void (*fn)(void *), int tickets)
{
    struct thread *self = thread_current();
    int saved = self->tickets;
    WRITE_ONCE(self->tickets, tickets);
    struct thread *t = thread_create(name, fn, NULL);
    WRITE_ONCE(self->tickets, saved);
    return t;
}

int stride_selftest(void)
{
    static const int tickets[3] = {100, 50, 250};
    struct thread *t[3];
    uint64_t before[3], got[3];
    stop = false;
    for (int i = 0; i < 3; i++)
        if (!(t[i] = create_with_tickets("stride", spin, tickets[i])))
            return selftest_fail("stride", "could not create the threads");
    sched_sleep_ticks(20);
    for (int i = 0; i < 3; i++)
        before[i] = READ_ONCE(t[i]->ticks_run);
    sched_sleep_ticks(WINDOW);
    for (int i = 0; i < 3; i++)
        got[i] = READ_ONCE(t[i]->ticks_run) - before[i];
    stop = true;
    for (int i = 0; i < 3; i++)
        thread_join(t[i]);
    uint64_t total = got[0] + got[1] + got[2];
    for (int i = 0; i < 3; i++) {
        if (got[i] == 0)
            return selftest_fail("stride", "a spinner got no CPU");
        int64_t want = (int64_t)(total * tickets[i] / 400);
        int64_t off = (int64_t)got[i] - want;
        if (is_policy("stride") && ncpu == 1 && (off > 2 || off < -2))
            return selftest_fail("stride", "shares are not 2:1:5 within 2 ticks");
    }
    printf("selftest stride: PASS (%s on %d harts: %lu:%lu:%lu ticks for 100:50:250 tickets)\n",
           sched_policy_name(), ncpu, got[0], got[1], got[2]);
    return 0;
}

static volatile uint64_t progress[3]; /* hog, interactive, gamer */

static void hog_spin(void *arg)
{
    while (!READ_ONCE(stop))
        progress[0]++;
}

static void interactive(void *arg)
{
    while (!READ_ONCE(stop)) {
        progress[1]++;
        for (volatile int i = 0; i < 2000; i++)
            ;
        sched_sleep_ticks(1);
    }
}

/* Gives up the CPU many times within each tick, so no single slice ends. */
static void gamer(void *arg)
{
    while (!READ_ONCE(stop)) {
        progress[2]++;
        for (volatile int i = 0; i < 20000; i++)
            ;
        sched_yield();
    }
}

int mlfq_selftest(void)
{
    stop = false;
    progress[0] = progress[1] = progress[2] = 0;
    struct thread *hog = thread_create("hog", hog_spin, NULL);
    struct thread *ia = thread_create("interactive", interactive, NULL);
    struct thread *gm = thread_create("gamer", gamer, NULL);
    if (!hog || !ia || !gm)
        return selftest_fail("mlfq", "could not create the threads");
    sched_sleep_ticks(120);
    int lh = READ_ONCE(hog->level), li = READ_ONCE(ia->level), lg = READ_ONCE(gm->level);
    uint64_t ia_top = READ_ONCE(ia->ticks_at_level[0]), ia_ran = READ_ONCE(ia->ticks_run);
    uint64_t hog_ran = READ_ONCE(hog->ticks_run);
    stop = true;
    thread_join(hog);
    thread_join(ia);
    thread_join(gm);
    if (!progress[0] || !progress[1] || !progress[2])
        return selftest_fail("mlfq", "a thread made no progress");
    if (is_policy("mlfq")) {
        if (lh == 0)
            return selftest_fail("mlfq", "the hog stayed at the top level");
        if (lg == 0)
            return selftest_fail("mlfq", "the gamer stayed at the top level (rule 4 gamed)");
        if (li != 0 && ia_top < mlfq_allotment(0))
            return selftest_fail("mlfq", "the interactive thread sank before using its allotment");
        if (ncpu == 1 && ia_ran >= hog_ran)
            return selftest_fail("mlfq", "the interactive thread ran as much as the hog");
    }
    printf("selftest mlfq: PASS (%s: levels hog %d, gamer %d, interactive %d; interactive "
           "charged %lu ticks at the top, hog %lu ticks in all)\n",
           sched_policy_name(), lh, lg, li, ia_top, hog_ran);
    return 0;
}
