/*
 * sched: show or change the scheduling policy and its tunables.
 *
 * Usage: sched                  print the policy and its tunables
 *        sched POLICY           switch to POLICY (rr, mlfq, lottery, stride, cfs)
 *        sched KEY=VALUE...     set tunables (slice=2 mlfq_boost=50 ...)
 *        sched POLICY KEY=VALUE...
 *
 * (The parsing is cmdline_tunables_main, shared with vmctl.)
 *
 * A switch moves every runnable process into the new policy's queues;
 * running and sleeping processes join them when they next give up the CPU
 * or wake.  Tunables of a policy other than the active one are refused.
 */
#include <quill/cmdline.h>
#include <quill/sched.h>

int main(int argc, char *argv[])
{
    static const struct cmdline_tunables t = {"sched", sched_policy, sched_tune, SCHED_POLICY_MAX};
    return cmdline_tunables_main(argc, argv, &t);
}
