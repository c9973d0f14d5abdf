/*
 * usertests, timed sleep (kernel/proc/sleep.c):
 *
 *   sleep-once   four children sleep 10 ms, 100 ms, 300 ms and 1 s at once;
 *                each is woken once, at its deadline: its voluntary switch
 *                count (schedinfo) grows by exactly one across the
 *                nanosleep (a sleeper woken at every tick to look at the
 *                clock would count one per tick, about 100 for the 1 s
 *                sleeper), and the time it slept is never shorter than it
 *                asked for.  The upper bound on the time slept is loose (5 s
 *                more than asked): the guest's clock is the host's, and a
 *                loaded host may hold a guest back for seconds; the switch
 *                count is what shows the single wake-up, whatever the load.
 *
 * The interruption of a sleep by a signal (EINTR, the time left) is in
 * sigtest (user/tests/sigtest/eintr.c).
 */
#include "ut.h"

#if QUILL
#include <quill/sched.h>

#define NSEC 1000000000L

static long mono_ns(void)
{
    struct timespec ts;
    r_clock_monotonic(&ts);
    return ts.tv_sec * NSEC + ts.tv_nsec;
}

/* A child: sleep ms milliseconds once; exit 0 if woken once and on time. */
static void sleep_child(long ms)
{
    struct schedinfo before, after;
    struct timespec req = {ms / 1000, (ms % 1000) * 1000000L};
    CHECK(__sys_schedinfo(0, &before) == 0, "schedinfo before");
    long start = mono_ns();
    long r = r_nanosleep(&req, NULL);
    long slept = mono_ns() - start;
    CHECK(__sys_schedinfo(0, &after) == 0, "schedinfo after");
    CHECK(r == 0, "nanosleep %ld ms: %ld", ms, r);
    CHECK(after.voluntary - before.voluntary == 1,
          "a %ld ms sleep switched away %lu times, not once", ms,
          after.voluntary - before.voluntary);
    CHECK(slept >= ms * 1000000L, "asked for %ld ms, slept %ld us", ms, slept / 1000);
    CHECK(slept < ms * 1000000L + 5 * NSEC, "asked for %ld ms, slept %ld ms", ms, slept / 1000000);
    _exit(0);
}

static void test_sleep_once(void)
{
    static const long ms[] = {10, 100, 300, 1000};
    int pid[4];
    for (int i = 0; i < 4; i++) {
        pid[i] = xfork();
        if (pid[i] == 0)
            sleep_child(ms[i]);
    }
    for (int i = 0; i < 4; i++)
        wait_ok(pid[i], "sleeper");
}

static const struct ut_test sleep_tests[] = {
    {"sleep-once", test_sleep_once, UT_QUICK, 0, UT_QUILL_ONLY},
};
UT_REGISTER(sleep_tests);
#endif
