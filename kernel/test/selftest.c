/*
 * Self-test registry and the boot-time driver.  "alloc" is special: it must
 * run on every hart at once, so it runs during boot, before the scheduler
 * starts (boot_smp_selftests); its verdict is printed then and counted here.
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

void boot_smp_selftests(void)
{
    char list[256];
    if (!bootarg_get(boot_fdt.bootargs, "selftest", list, sizeof(list)) || !list_has(list, "alloc"))
        return;
    int r = alloc_selftest_run();
    if (this_cpu()->id == 0)
        alloc_result = r;
}

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

void boot_first_thread(const struct fdt_info *fi)
{
    char list[256];
    storage_mount_root();
    if (bootarg_get(fi->bootargs, "crashcheck", list, sizeof(list)))
        fs_crash_check();
    if (bootarg_get(fi->bootargs, "fsworkload", list, sizeof(list))) {
        unsigned run = 0;
        for (const char *p = list; *p >= '0' && *p <= '9'; p++)
            run = run * 10 + (*p - '0');
        fs_crash_workload(run);
    }
    if (bootarg_get(fi->bootargs, "selftest", list, sizeof(list)))
        selftest_run_list(list);
    if (bootarg_get(fi->bootargs, "bench", list, sizeof(list)))
        bench_run();
    char dummy[4];
    if (bootarg_get(fi->bootargs, "poweroff", dummy, sizeof(dummy)))
        machine_poweroff();
    /* User space: /bin/init, unless bootargs ask for the kernel monitor. */
    if (!bootarg_get(fi->bootargs, "kmon", dummy, sizeof(dummy)) && proc_start_init())
        thread_exit(0);
    kmon_run();
}
