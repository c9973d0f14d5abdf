/* Glue between boot (main.c), the self-tests and the kernel monitor. */
#ifndef INIT_BOOT_H
#define INIT_BOOT_H

#include "types.h"

struct fdt_info;
extern struct fdt_info boot_fdt;

/* Every hart calls this once it is online, before its scheduler loop. */
void boot_smp_selftests(void);
/* Body of the first kernel thread: self-tests, then the monitor. */
void boot_first_thread(const struct fdt_info *fi) __attribute__((noreturn));
/* Switch to the stack whose top is `top` and call fn (never returns). */
void call_on_stack(uintptr_t top, void (*fn)(void)) __attribute__((noreturn));
/* Run the kernel monitor on the console (never returns). */
void kmon_run(void) __attribute__((noreturn));
/* Storage: find disks (boot hart) and mount the root file system (a thread). */
void storage_init(void);
void storage_mount_root(void);
/* Power the machine off through SBI SRST. */
void machine_poweroff(void) __attribute__((noreturn));

#endif
