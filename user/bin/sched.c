/*
 * sched: show or change the scheduling policy and its tunables.
 *
 * Usage: sched                  print the policy and its tunables
 *        sched POLICY           switch to POLICY (rr, mlfq, lottery, stride, cfs)
 *        sched KEY=VALUE...     set tunables (slice=2 mlfq_boost=50 ...)
 *        sched POLICY KEY=VALUE...
 *
 * A switch moves every runnable process into the new policy's queues;
 * running and sleeping processes join them when they next give up the CPU
 * or wake.  Tunables of a policy other than the active one are refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <quill/sched.h>

static int set_tunable(const char *arg)
{
    const char *eq = strchr(arg, '=');
    char key[32], *end;
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(key)) {
        fprintf(stderr, "sched: expected KEY=VALUE, not '%s'\n", arg);
        return -1;
    }
    memcpy(key, arg, eq - arg);
    key[eq - arg] = '\0';
    unsigned long v = strtoul(eq + 1, &end, 10);
    if (!eq[1] || *end) {
        fprintf(stderr, "sched: '%s' is not a number\n", eq + 1);
        return -1;
    }
    if (sched_tune(key, v) < 0) {
        fprintf(stderr, "sched: %s=%lu: %s\n", key, v, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    char text[SCHED_POLICY_MAX];
    int i = 1;
    if (argc > 1 && !strchr(argv[1], '=')) {
        if (sched_policy(argv[1], NULL, 0) < 0) {
            fprintf(stderr, "sched: %s: %s\n", argv[1], strerror(errno));
            return 1;
        }
        i = 2;
    }
    for (; i < argc; i++)
        if (set_tunable(argv[i]) < 0)
            return 1;
    if (sched_policy(NULL, text, sizeof(text)) < 0) {
        perror("sched");
        return 1;
    }
    printf("%s\n", text);
    return 0;
}
