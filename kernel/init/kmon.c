/*
 * The kernel monitor: a tiny command line on the console until user space
 * exists.  It shows that console input works (interrupt-driven UART, cooked
 * lines) and lets a student look inside the running kernel.
 */
#include "init/boot.h"
#include "arch/riscv/timer.h"
#include "dev/console.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "proc/cpu.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "sync/spinlock.h"
#include "sync/sleeplock.h"
#include "test/selftest.h"

struct command {
    const char *name;
    const char *help;
    void (*run)(const char *args);
};

static void cmd_help(const char *args);

static void cmd_mem(const char *args)
{
    struct page_stats st;
    page_stats(&st);
    printf("frames: %lu total, %lu free (%lu KiB), %lu reserved\n", st.total, st.free,
           st.free * (PAGE_SIZE / 1024), st.reserved);
    printf("free blocks by order:");
    for (int o = 0; o <= BUDDY_MAX_ORDER; o++)
        printf(" %lu", st.free_blocks[o]);
    printf("\n");
    kmem_cache_stats_print();
}

static void print_thread(struct thread *t, void *arg)
{
    printf("%4d %-15s %-9s cpu %d  ticks %lu  switches %lu  preempted %lu\n", t->tid, t->name,
           thread_state_name(t->state), t->cpu, t->ticks_run, t->nswitch, t->npreempt);
}

static void cmd_threads(const char *args)
{
    printf(" tid name            state\n");
    sched_for_each_thread(print_thread, NULL);
}

static void cmd_ps(const char *args)
{
    proc_dump();
}

static void cmd_ticks(const char *args)
{
    printf("ticks %lu (tick %u ms, uptime %lu ms)\n", ticks, timer_tick_ms(),
           timer_now_ns() / 1000000);
    for (int i = 0; i < ncpu; i++)
        printf("  cpu %d (hart %lu): %lu timer interrupts, %lu idle wakeups\n", i, cpus[i].hartid,
               cpus[i].ticks, cpus[i].idle_ticks);
}

static void cmd_selftest(const char *args)
{
    if (!*args) {
        selftest_print_names();
        return;
    }
    selftest_run_list(args);
}

static void cmd_pagetable(const char *args)
{
    pt_dump(kernel_pagetable());
}

static void cmd_panic(const char *args)
{
    panic("kmon: panic requested from the console");
}

/* Deliberate kernel faults, to see what the trap handler reports. */
static volatile uintptr_t crash_addr; /* volatile: keep the compiler out of it */

static int recurse(int depth)
{
    volatile char pad[256];
    pad[0] = (char)depth;
    if (depth >= 0) /* always true; the compiler cannot prove it */
        return recurse(depth + 1 + (int)crash_addr) + pad[0];
    return 0;
}

#define CRASH_CASES "text|rodata|stack|null|relock|unlock|sleep|order|sleeporder|leaf"

static struct spinlock crash_lock = SPINLOCK_INIT("kmon-crash");
/* Ranked outside crash_lock: `crash order` takes the two the wrong way round. */
static struct spinlock crash_outer_lock = SPINLOCK_INIT("kmon-crash outer");

/* `crash sleeporder`: a file offset lock, then an mm lock (the order puts mm
 * outside); `crash leaf`: an mm lock as a leaf, then an inode lock. */
static void crash_sleep_locks(bool leaf)
{
    static struct sleeplock first, second;
    sleeplock_init(&first, leaf ? "mm" : "file offset");
    sleeplock_init(&second, leaf ? "inode" : "mm");
    if (leaf)
        sleeplock_acquire_leaf(&first);
    else
        sleeplock_acquire(&first);
    sleeplock_acquire(&second);
}

static void cmd_crash(const char *args)
{
    if (strcmp(args, "text") == 0)
        *(volatile uint32_t *)(uintptr_t)cmd_crash = 0;
    else if (strcmp(args, "rodata") == 0)
        *(volatile char *)(uintptr_t) "constant" = 'x';
    else if (strcmp(args, "stack") == 0)
        recurse(0);
    else if (strcmp(args, "null") == 0)
        crash_addr = 8, *(volatile int *)crash_addr = 1;
    else if (strcmp(args, "relock") == 0)
        spin_lock(&crash_lock), spin_lock(&crash_lock);
    else if (strcmp(args, "unlock") == 0)
        spin_unlock(&crash_lock);
    else if (strcmp(args, "sleep") == 0)
        spin_lock(&crash_lock), sched_sleep_ticks(1);
    else if (strcmp(args, "order") == 0)
        spin_lock(&crash_lock), spin_lock(&crash_outer_lock);
    else if (strcmp(args, "sleeporder") == 0 || strcmp(args, "leaf") == 0)
        crash_sleep_locks(args[0] == 'l');
    else
        printf("usage: crash " CRASH_CASES "\n");
}

static void cmd_poweroff(const char *args)
{
    machine_power_off(false);
}

static const struct command commands[] = {
    {"help", "list commands", cmd_help},
    {"mem", "free frames and slab caches", cmd_mem},
    {"threads", "list kernel threads", cmd_threads},
    {"ps", "list processes (as Ctrl-P at the console does)", cmd_ps},
    {"ticks", "timer ticks per hart", cmd_ticks},
    {"pagetable", "print the kernel page table", cmd_pagetable},
    {"selftest", "selftest <name|all>: run self-tests", cmd_selftest},
    {"panic", "panic on purpose (shows the panic report)", cmd_panic},
    {"crash", "crash " CRASH_CASES ": break on purpose", cmd_crash},
    {"poweroff", "power the machine off", cmd_poweroff},
};

static void cmd_help(const char *args)
{
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        printf("  %-10s %s\n", commands[i].name, commands[i].help);
}

static void run_line(char *line)
{
    while (*line == ' ')
        line++;
    if (!*line)
        return;
    char *args = line;
    while (*args && *args != ' ')
        args++;
    if (*args)
        *args++ = '\0';
    while (*args == ' ')
        args++;
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (strcmp(line, commands[i].name) == 0) {
            commands[i].run(args);
            return;
        }
    }
    printf("kmon: unknown command '%s' (try help)\n", line);
}

void kmon_run(void)
{
    char line[128];
    printf("kernel monitor: type 'help' for commands\n");
    for (;;) {
        printf("kmon> ");
        ssize_t n = console_read(line, sizeof(line) - 1);
        if (n <= 0)
            continue;
        line[n] = '\0';
        if (line[n - 1] == '\n')
            line[n - 1] = '\0';
        run_line(line);
    }
}
