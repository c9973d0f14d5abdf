/*
 * Glue between boot (main.c, start.c), the kernel monitor and the optional
 * work that bootargs can ask a boot to do.
 *
 * Boot hooks.  Self-tests, benchmarks and the crash-test workload are not
 * part of booting: their code registers a hook with BOOT_HOOK, naming the
 * bootarg that asks for it, and boot runs the hooks whose bootarg is present
 * (in link order) at one of two points.  init/ never names test code, so a
 * kernel built without kernel/test/ boots the same way.
 */
#ifndef INIT_BOOT_H
#define INIT_BOOT_H

#include "types.h"

struct fdt_info;
extern struct fdt_info boot_fdt;

enum boot_hook_when {
    BOOT_HOOK_EVERY_HART,   /* on every hart once it is online, before its scheduler loop */
    BOOT_HOOK_FIRST_THREAD, /* in the first kernel thread, after the root mount */
};

struct boot_hook {
    const char *bootarg; /* runs only if bootargs has it (`name` or `name=value`) */
    enum boot_hook_when when;
    void (*run)(const char *value); /* value: what follows '=', or "" */
};

/* Register fn(value) to run at `when` if bootargs has `arg`. */
#define BOOT_HOOK(name, arg, when_, fn)                                                            \
    static const struct boot_hook boot_hook_##name                                                 \
        __attribute__((used, section("boot_hooks"), aligned(8))) = {arg, when_, fn}

/* Run the hooks registered for `when` whose bootarg is present. */
void boot_run_hooks(enum boot_hook_when when);
/* Body of the first kernel thread: root mount, hooks, then init or the monitor. */
void boot_first_thread(void) __attribute__((noreturn));
/* Switch to the stack whose top is `top` and call fn (never returns). */
void call_on_stack(uintptr_t top, void (*fn)(void)) __attribute__((noreturn));
/* Run the kernel monitor on the console (never returns). */
void kmon_run(void) __attribute__((noreturn));
/* Storage: find disks (boot hart) and mount the root file system (a thread). */
void storage_init(void);
void storage_mount_root(void);
/*
 * The one way down: stop every process but the caller and init (so their
 * files are closed), commit the journal, then power off or reboot through
 * SBI SRST.  Used by the poweroff system call, kmon and bootargs `poweroff`.
 */
void machine_power_off(bool reboot) __attribute__((noreturn));

#endif
