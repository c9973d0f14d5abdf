/*
 * vmctl: show or change the kernel's global page replacement.
 *
 * Usage: vmctl                  print the policy and the swap daemon's
 *                               watermarks ("clock low=512 high=1024", frames)
 *        vmctl POLICY           switch to POLICY (clock, fifo, aging)
 *        vmctl KEY=VALUE...     set a watermark (low=N, high=N; low < high)
 *        vmctl POLICY KEY=VALUE...
 *
 * The daemon wakes when fewer than `low` frames are free and evicts until
 * `high` are.  A switch starts the new policy with fresh state (no page has
 * a history with it yet).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <quill/syscall.h>

static int set_tunable(const char *arg)
{
    const char *eq = strchr(arg, '=');
    char key[16], *end;
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(key)) {
        fprintf(stderr, "vmctl: expected KEY=VALUE, not '%s'\n", arg);
        return -1;
    }
    memcpy(key, arg, eq - arg);
    key[eq - arg] = '\0';
    unsigned long v = strtoul(eq + 1, &end, 10);
    if (!eq[1] || *end) {
        fprintf(stderr, "vmctl: '%s' is not a number\n", eq + 1);
        return -1;
    }
    if (vm_tune(key, v) < 0) {
        fprintf(stderr, "vmctl: %s=%lu: %s\n", key, v, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    char text[64];
    int i = 1;
    if (argc > 1 && !strchr(argv[1], '=')) {
        if (vm_policy(argv[1], NULL, 0) < 0) {
            fprintf(stderr, "vmctl: %s: %s\n", argv[1], strerror(errno));
            return 1;
        }
        i = 2;
    }
    for (; i < argc; i++)
        if (set_tunable(argv[i]) < 0)
            return 1;
    if (vm_policy(NULL, text, sizeof(text)) < 0) {
        perror("vmctl");
        return 1;
    }
    printf("%s\n", text);
    return 0;
}
