/*
 * Boot.  entry.S brings the boot hart here in the upper half, on the boot
 * stack, with the boot page table.  kmain() reads the device tree, brings
 * up memory, traps, the console and the other harts, then becomes this
 * hart's scheduler loop.  The first thread runs the self-tests asked for in
 * bootargs, or the kernel monitor.
 *
 * bootargs (QEMU -append, `make qemu BOOTARGS=...`):
 *   tick=<ms>         timer tick length (default 10)
 *   sched=<policy>    scheduling policy (default rr)   slice=<ticks>
 *   runq=global       one shared run queue instead of one per hart
 *   selftest=<list>   comma list of self-tests, or "all"
 *   poweroff          power off after the self-tests
 *   kmon              start the kernel monitor instead of /bin/init
 *   init=<path>       the first user program (default /bin/init)
 *   maxproc=<n>       most processes at once (default 64)
 */
#include "types.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/sbi.h"
#include "arch/riscv/trap.h"
#include "arch/riscv/timer.h"
#include "arch/riscv/plic.h"
#include "arch/riscv/smp.h"
#include "dev/uart.h"
#include "init/boot.h"
#include "lib/fdt.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "mm/uvm.h"
#include "proc/proc.h"
#include "proc/cpu.h"
#include "proc/sched.h"
#include "sched/runq.h"
#include "proc/thread.h"

extern char boot_stack[];

struct fdt_info boot_fdt;

static unsigned bootarg_uint(const char *key, unsigned dflt, unsigned lo, unsigned hi)
{
    char val[16];
    if (!bootarg_get(boot_fdt.bootargs, key, val, sizeof(val)) || !val[0])
        return dflt;
    unsigned v = 0;
    for (const char *p = val; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (*p - '0');
    if (v < lo || v > hi) {
        printf("bootargs: %s=%s out of range [%u, %u], using %u\n", key, val, lo, hi, dflt);
        return dflt;
    }
    return v;
}

/* cpu 0 is the boot hart; the others follow in device-tree order. */
static void setup_cpus(unsigned long hartid)
{
    int n = 1;
    for (int i = 0; i < boot_fdt.nharts; i++) {
        bool is_boot = boot_fdt.hartid[i] == hartid;
        if (!is_boot && n >= NCPU_MAX) {
            printf("smp: hart %lu ignored (at most %d harts)\n", boot_fdt.hartid[i], NCPU_MAX);
            continue;
        }
        struct cpu *c = is_boot ? &cpus[0] : &cpus[n++];
        c->id = (int)(c - cpus);
        c->hartid = boot_fdt.hartid[i];
        c->has_sstc = boot_fdt.hart_sstc[i];
        c->plic_ctx = boot_fdt.plic_sctx[i];
        if (c->plic_ctx < 0)
            printf("plic: hart %lu has no S-mode context; it takes no device interrupts\n",
                   c->hartid);
    }
    ncpu = n;
}

static void reserve_dtb(paddr_t dtb_pa)
{
    if (boot_fdt.nresv < FDT_MAX_RESV)
        boot_fdt.resv[boot_fdt.nresv++] = (struct fdt_range){dtb_pa, boot_fdt.blob_size};
}

static void print_banner(void)
{
    printf("harts: %d (ids", ncpu);
    for (int i = 0; i < ncpu; i++)
        printf(" %lu", cpus[i].hartid);
    printf("), timebase %lu Hz, timer %s, tick %u ms\n", boot_fdt.timebase_hz, timer_kind(),
           timer_tick_ms());
    for (int i = 0; i < boot_fdt.nmem; i++)
        printf("memory: %lu MiB RAM at %p-%p\n", boot_fdt.mem[i].size >> 20,
               (void *)boot_fdt.mem[i].base, (void *)(boot_fdt.mem[i].base + boot_fdt.mem[i].size));
    printf("layout: text %p-%p rodata %p-%p data %p-%p direct map %p-%p\n", _text_start, _text_end,
           _rodata_start, _rodata_end, _data_start, _bss_end, pa_to_kva(boot_fdt.mem[0].base),
           pa_to_kva(boot_fdt.mem[0].base + boot_fdt.mem[0].size));
    size_t nfree = page_free_count();
    printf("free frames: %lu (%lu KiB)\n", nfree, nfree * (PAGE_SIZE / 1024));
    printf("scheduler: %s, slice %u ticks, %s run queue; bootargs: \"%s\"\n", sched_policy_name(),
           sched_slice_ticks(), runq_is_global() ? "global" : "per-hart", boot_fdt.bootargs);
}

static void first_thread(void *arg)
{
    boot_first_thread();
}

/* Runs on the boot hart's own scheduler stack (the boot stack is left behind). */
static void boot_hart_continue(void)
{
    if (!thread_create("init", first_thread, NULL))
        panic("kmain: cannot create the first thread");
    sched_loop();
}

void kmain(unsigned long hartid, paddr_t dtb_pa)
{
    memset(_bss_start, 0, _bss_end - _bss_start);
    struct cpu *c = &cpus[0];
    arch_set_hart_ptr(c);
    c->hartid = hartid;
    c->stack_lo = (uintptr_t)boot_stack;
    c->emerg_sp = cpu_emergency_stack_top(0);
    ncpu = 1;
    trap_init_hart();
    printf_set_output(sbi_console_putchar);

    if (fdt_parse(pa_to_kva(dtb_pa), &boot_fdt) != 0)
        panic("kmain: no device tree at %p", (void *)dtb_pa);
    if (!boot_fdt.uart.base || !boot_fdt.plic.base || !boot_fdt.nmem || !boot_fdt.timebase_hz)
        panic("kmain: device tree lacks a uart, plic, memory or timebase");
    uart_init(boot_fdt.uart.base, boot_fdt.uart_irq);
    printf_set_output(uart_putc_sync);
    printf("\nQuill kernel: booting on hart %lu\n", hartid);

    setup_cpus(hartid);
    reserve_dtb(dtb_pa);
    timer_init(boot_fdt.timebase_hz, bootarg_uint("tick", 10, 1, 1000));
    paddr_t first_free = ALIGN_UP(kva_to_pa(_kernel_end), PAGE_SIZE);
    page_init(boot_fdt.mem[0].base, boot_fdt.mem[0].base + boot_fdt.mem[0].size, first_free,
              boot_fdt.resv, boot_fdt.nresv);
    vm_init(&boot_fdt);
    slab_init();
    uvm_init();
    thread_init();
    proc_init();
    max_procs = bootarg_uint("maxproc", 64, 4, 4096);
    bootarg_get(boot_fdt.bootargs, "init", init_path, sizeof(init_path));
    sched_init(boot_fdt.bootargs);

    plic_init(boot_fdt.plic.base, boot_fdt.plic_ndev);
    plic_init_hart();
    uart_enable_irq();
    timer_init_hart();
    print_banner();
    storage_init();

    uintptr_t top = kstack_alloc();
    if (!top)
        panic("kmain: no memory for the scheduler stack");
    c->sched_stack_lo = top - KSTACK_SIZE;
    c->started = true;
    int online = smp_boot_secondaries();
    if (online == ncpu)
        printf("all %d harts online\n", ncpu);
    else
        printf("%d of %d harts online\n", online, ncpu);
    boot_run_hooks(BOOT_HOOK_EVERY_HART);
    c->stack_lo = c->sched_stack_lo;
    call_on_stack(top, boot_hart_continue);
}
