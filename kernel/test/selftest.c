/*
 * Self-test registry and its boot hooks (bootargs selftest=<list>|all, run by
 * the first kernel thread after the root mount).  "alloc" is special: it must
 * run on every hart at once, so its hook runs during boot, before the
 * scheduler starts; its verdict is printed then and counted here.
 */
#include "test/selftest.h"
#include "test/alloc_test.h"
#include "init/boot.h"
#include "lib/fdt.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "proc/cpu.h"
#include "proc/proc.h"
#include "proc/thread.h"

static const struct selftest tests[] = {
    {"threads", thread_selftest},
    {"preempt", preempt_selftest},
    {"sleep", sleep_selftest},
    {"timer", timer_selftest},
    {"wakeup", wakeup_selftest},
    {"spread", spread_selftest},
    {"stride", stride_selftest},
    {"mlfq", mlfq_selftest},
    {"disk", disk_selftest},
    {"fs-basic", fs_basic_selftest},
    {"fs-bigfile", fs_bigfile_selftest},
    {"fs-dirs", fs_dirs_selftest},
    {"fs-links", fs_links_selftest},
    {"fs-open", fs_open_selftest},
    {"fs-rename", fs_rename_selftest},
    {"fs-concurrent", fs_concurrent_selftest},
    {"fs-full", fs_full_selftest},
    {"fs-log", fs_log_selftest},
    {"fs-corrupt", fs_corrupt_selftest},
};

static int alloc_result = 1; /* 1: not run, 0: pass, -1: fail */

static bool list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if ((len == n && strncmp(p, name, n) == 0) || (len == 3 && strncmp(p, "all", 3) == 0))
            return true;
        p += len + (end ? 1 : 0);
    }
    return false;
}

/* bootargs selftest=...alloc...: on every hart at once, during boot. */
static void alloc_hook(const char *list)
{
    if (!list_has(list, "alloc"))
        return;
    int r = alloc_selftest_run();
    if (this_cpu()->id == 0)
        alloc_result = r;
}
BOOT_HOOK(selftest_alloc, "selftest", BOOT_HOOK_EVERY_HART, alloc_hook);

void selftest_print_names(void)
{
    printf("self-tests: alloc (boot only: bootargs selftest=alloc)");
    for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
        printf(" %s", tests[i].name);
    printf(" all\n");
}

int selftest_run_list(const char *list)
{
    int failed = 0, ran = 0;
    if (list_has(list, "alloc") && alloc_result != 1) {
        ran++;
        failed += alloc_result != 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
        if (!list_has(list, tests[i].name))
            continue;
        ran++;
        if (tests[i].run() != 0)
            failed++;
    }
    if (ran == 0)
        printf("selftest: nothing matches '%s'\n", list);
    else if (failed)
        printf("selftest: %d failed\n", failed);
    else
        printf("selftest: all passed\n");
    return failed;
}

static void selftest_hook(const char *list)
{
    selftest_run_list(list);
}
BOOT_HOOK(selftest, "selftest", BOOT_HOOK_FIRST_THREAD, selftest_hook);
