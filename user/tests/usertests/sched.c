/*
 * usertests, scheduling parameters: the tickets call (get, set, transfer,
 * currencies) and setpriority/getpriority, whatever the policy (every
 * policy stores every parameter; docs/scheduling.md).  Raw calls, so that
 * each error is the kernel's own.
 *
 *   tickets      get and set, the range 1..10000, a child inherits tickets
 *                and currency, bad currencies and fundings are refused;
 *   ticketgive   a client lends tickets to a server asleep on a pipe and to
 *                one that spins (queued, under lottery: counted again at
 *                once), and gets them back; a transfer that would leave the
 *                giver with none, overfill the receiver or reach no process
 *                changes nothing;
 *   niceprio     setpriority/getpriority on the caller and on a child, the
 *                value clamped to -20..19, errors for a bad `which` or pid.
 */
#include "ut.h"

#if QUILL
#include <quill/sched.h>

#define NO_PID 99999

static int tickets_of(int pid)
{
    return __sys_tickets(TICKETS_GET, pid, 0);
}

static void test_tickets(void)
{
    int mine = tickets_of(0);
    CHECK(mine >= 1 && mine <= TICKETS_MAX, "my tickets: %d", mine);
    CHECK(__sys_tickets(TICKETS_SET, 0, 250) == 250, "set 250");
    CHECK(tickets_of(0) == 250, "get after set: %d", tickets_of(0));
    EXPECT_RAW(__sys_tickets(TICKETS_SET, 0, 0), EINVAL);
    EXPECT_RAW(__sys_tickets(TICKETS_SET, 0, -5), EINVAL);
    EXPECT_RAW(__sys_tickets(TICKETS_SET, 0, TICKETS_MAX + 1), EINVAL);
    CHECK(tickets_of(0) == 250, "a refused set changed the count to %d", tickets_of(0));
    CHECK(__sys_tickets(TICKETS_SET, 0, TICKETS_MAX) == TICKETS_MAX, "set the maximum");
    EXPECT_RAW(__sys_tickets(TICKETS_GET, NO_PID, 0), ESRCH);
    EXPECT_RAW(__sys_tickets(TICKETS_SET, NO_PID, 10), ESRCH);
    EXPECT_RAW(__sys_tickets(99, 0, 1), EINVAL);

    EXPECT_RAW(__sys_tickets(TICKETS_JOIN, 0, -1), EINVAL);
    EXPECT_RAW(__sys_tickets(TICKETS_JOIN, 0, TICKETS_CURRENCIES), EINVAL);
    EXPECT_RAW(__sys_tickets(TICKETS_FUND, 100, 0), EINVAL); /* the base currency */
    EXPECT_RAW(__sys_tickets(TICKETS_FUND, 100, TICKETS_CURRENCIES), EINVAL);
    EXPECT_RAW(__sys_tickets(TICKETS_FUND, TICKETS_MAX + 1, 5), EINVAL);

    /* A child inherits the count and the currency. */
    CHECK(__sys_tickets(TICKETS_SET, 0, 123) == 123, "set 123");
    CHECK(__sys_tickets(TICKETS_JOIN, 0, 5) == 0, "join currency 5");
    int pid = xfork();
    if (pid == 0) {
        struct schedinfo si;
        CHECK(tickets_of(0) == 123, "the child has %d tickets, not 123", tickets_of(0));
        CHECK(__sys_schedinfo(0, &si) == 0 && si.tickets == 123, "schedinfo's tickets");
        _exit(0);
    }
    wait_ok(pid, "child");
    CHECK(__sys_tickets(TICKETS_JOIN, 0, 0) == 0, "back to the base currency");
    CHECK(__sys_tickets(TICKETS_SET, 0, mine) == mine, "restore");
}

/* A child that sleeps on a pipe until a byte comes (a server waiting for
 * work), or with fd < 0 one that spins until it is killed. */
static int server(int fd)
{
    int pid = xfork();
    if (pid == 0) {
        char c;
        if (fd < 0)
            for (;;)
                ;
        read(fd, &c, 1);
        _exit(0);
    }
    return pid;
}

static void test_ticketgive(void)
{
    int sleepy[2];
    OK(pipe(sleepy));
    CHECK(__sys_tickets(TICKETS_SET, 0, 500) == 500, "set 500");
    int s = server(sleepy[0]), b = server(-1);
    /* Lend 200 to each: the call returns what the giver keeps. */
    CHECK(__sys_tickets(TICKETS_GIVE, s, 200) == 300, "give 200 to the sleeper");
    CHECK(__sys_tickets(TICKETS_GIVE, b, 100) == 200, "give 100 to the spinner");
    CHECK(tickets_of(s) == 700 && tickets_of(b) == 600, "servers have %d and %d, not 700 and 600",
          tickets_of(s), tickets_of(b));
    /* Refused: nothing left to the giver, none to give, a missing receiver,
     * a receiver over the maximum; the counts stay as they were. */
    EXPECT_RAW(__sys_tickets(TICKETS_GIVE, s, 200), EINVAL);
    EXPECT_RAW(__sys_tickets(TICKETS_GIVE, s, 0), EINVAL);
    EXPECT_RAW(__sys_tickets(TICKETS_GIVE, NO_PID, 10), ESRCH);
    CHECK(__sys_tickets(TICKETS_SET, s, TICKETS_MAX - 50) == TICKETS_MAX - 50,
          "set the sleeper near the maximum");
    EXPECT_RAW(__sys_tickets(TICKETS_GIVE, s, 100), EINVAL);
    CHECK(tickets_of(0) == 200, "the giver has %d, not 200", tickets_of(0));
    CHECK(tickets_of(s) == TICKETS_MAX - 50, "the sleeper has %d", tickets_of(s));
    CHECK(tickets_of(b) == 600, "the spinner has %d, not 600", tickets_of(b));
    /* The servers give them back (here: the client takes them back). */
    CHECK(__sys_tickets(TICKETS_SET, s, 500) == 500 && __sys_tickets(TICKETS_SET, b, 500) == 500,
          "reset the servers");
    CHECK(__sys_tickets(TICKETS_SET, 0, 100) == 100, "reset the client");
    xwrite(sleepy[1], "x", 1);
    wait_ok(s, "sleeping server");
    OK(kill(b, SIGKILL));
    CHECK(wait_signal(b) == SIGKILL, "the spinning server did not die of SIGKILL");
}

static void test_niceprio(void)
{
    CHECK(__sys_setpriority(PRIO_PROCESS, 0, 7) == 0, "setpriority 7");
    CHECK(__sys_getpriority(PRIO_PROCESS, 0) == 20 - 7, "getpriority's raw value is 20 - nice");
    CHECK(__sys_setpriority(PRIO_PROCESS, 0, 50) == 0, "setpriority 50");
    CHECK(__sys_getpriority(PRIO_PROCESS, 0) == 20 - 19, "nice 50 is not clamped to 19");
    CHECK(__sys_setpriority(PRIO_PROCESS, 0, -50) == 0, "setpriority -50");
    CHECK(__sys_getpriority(PRIO_PROCESS, 0) == 20 + 20, "nice -50 is not clamped to -20");
    EXPECT_RAW(__sys_setpriority(PRIO_PROCESS + 1, 0, 0), EINVAL);
    EXPECT_RAW(__sys_getpriority(PRIO_PROCESS + 1, 0), EINVAL);
    EXPECT_RAW(__sys_setpriority(PRIO_PROCESS, NO_PID, 0), ESRCH);
    CHECK(__sys_setpriority(PRIO_PROCESS, 0, 3) == 0, "setpriority 3");
    int go[2];
    OK(pipe(go));
    int pid = xfork();
    if (pid == 0) {
        char c;
        struct schedinfo si;
        read(go[0], &c, 1);
        CHECK(__sys_schedinfo(0, &si) == 0 && si.nice == 9, "the child's nice is %d, not 9",
              si.nice);
        _exit(0);
    }
    CHECK(__sys_getpriority(PRIO_PROCESS, pid) == 20 - 3, "the child did not inherit nice 3");
    CHECK(__sys_setpriority(PRIO_PROCESS, pid, 9) == 0, "setpriority on the child");
    xwrite(go[1], "x", 1);
    wait_ok(pid, "child");
    CHECK(__sys_setpriority(PRIO_PROCESS, 0, 0) == 0, "back to 0");
}

static const struct ut_test sched_tests[] = {
    {"tickets", test_tickets, UT_QUICK, 0, UT_QUILL_ONLY},
    {"ticketgive", test_ticketgive, UT_QUICK, 0, UT_QUILL_ONLY},
    {"niceprio", test_niceprio, UT_QUICK, 0, UT_QUILL_ONLY},
};
UT_REGISTER(sched_tests);
#endif
