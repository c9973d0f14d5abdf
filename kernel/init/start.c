/*
 * The first kernel thread, and the boot hooks.  The thread mounts the root
 * file system (mounting reads the disk and replays the journal, so it needs
 * a thread that can sleep), runs the boot hooks that bootargs ask for, and
 * then starts user space: /bin/init (bootargs init=<path>) as pid 1, or the
 * kernel monitor with bootargs `kmon` or when init cannot be started.
 * bootargs `poweroff` powers off instead, after the hooks.
 */
#include "init/boot.h"
#include "lib/fdt.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include "proc/thread.h"

extern const struct boot_hook _boot_hooks_start[], _boot_hooks_end[];

static bool bootarg_present(const char *name, char *value, size_t cap)
{
    return bootarg_get(boot_fdt.bootargs, name, value, cap);
}

void boot_run_hooks(enum boot_hook_when when)
{
    char value[256];
    for (const struct boot_hook *h = _boot_hooks_start; h < _boot_hooks_end; h++)
        if (h->when == when && bootarg_present(h->bootarg, value, sizeof(value)))
            h->run(value);
}

void boot_first_thread(void)
{
    char dummy[4];
    storage_mount_root();
    boot_run_hooks(BOOT_HOOK_FIRST_THREAD);
    if (bootarg_present("poweroff", dummy, sizeof(dummy)))
        machine_power_off(false);
    if (!bootarg_present("kmon", dummy, sizeof(dummy)) && proc_start_init())
        thread_exit(0);
    kmon_run();
}
