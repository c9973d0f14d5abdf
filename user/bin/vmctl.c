/*
 * vmctl: show or change the kernel's global page replacement.
 *
 * Usage: vmctl                  print the policy and the swap daemon's
 *                               watermarks ("clock low=512 high=1024", frames)
 *        vmctl POLICY           switch to POLICY (clock, fifo, aging)
 *        vmctl KEY=VALUE...     set a watermark (low=N, high=N; low < high)
 *        vmctl POLICY KEY=VALUE...
 *
 * (The parsing is cmdline_tunables_main, shared with sched.)
 *
 * The daemon wakes when fewer than `low` frames are free and evicts until
 * `high` are.  A switch starts the new policy with fresh state (no page has
 * a history with it yet).
 */
#include <quill/cmdline.h>
#include <quill/syscall.h>

int main(int argc, char *argv[])
{
    static const struct cmdline_tunables t = {"vmctl", vm_policy, vm_tune, 64};
    return cmdline_tunables_main(argc, argv, &t);
}
