/*
 * Trap dispatch for traps taken in S-mode.
 *
 * Interrupts: timer (per-hart tick, may preempt the running thread), external
 * (PLIC: UART, virtio), software (IPIs between harts).  Exceptions in
 * the kernel are fatal unless the faulting pc has an entry in the exception
 * fixup table (__extable) or a probe of an optional instruction is running:
 * a kernel fault is a broken invariant, so it prints the cause, sepc, stval,
 * what the address was (kernel text? a stack guard page?) and a backtrace.
 */
#include "arch/riscv/trap.h"
#include "arch/riscv/riscv.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/tlb.h"
#include "arch/riscv/timer.h"
#include "arch/riscv/plic.h"
#include "lib/printf.h"
#include "lib/backtrace.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "mm/uvm.h"
#include "proc/proc.h"
#include "proc/thread.h"
#include "abi/signal.h"
#include "syscall/syscall.h"
#include "proc/cpu.h"
#include "arch/riscv/smp.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "abi/errno.h"

extern char kernel_vec[];
extern const struct extable_entry _extable_start[], _extable_end[];

static const char *const exc_names[] = {
    [EXC_INST_MISALIGNED] = "instruction address misaligned",
    [EXC_INST_ACCESS] = "instruction access fault",
    [EXC_ILLEGAL_INST] = "illegal instruction",
    [EXC_BREAKPOINT] = "breakpoint",
    [EXC_LOAD_MISALIGNED] = "load address misaligned",
    [EXC_LOAD_ACCESS] = "load access fault",
    [EXC_STORE_MISALIGNED] = "store address misaligned",
    [EXC_STORE_ACCESS] = "store access fault",
    [EXC_ECALL_U] = "environment call from U-mode",
    [EXC_ECALL_S] = "environment call from S-mode",
    [EXC_INST_PAGE_FAULT] = "instruction page fault",
    [EXC_LOAD_PAGE_FAULT] = "load page fault",
    [EXC_STORE_PAGE_FAULT] = "store page fault",
};

const char *trap_cause_name(uint64_t scause)
{
    uint64_t code = scause & ~SCAUSE_INTR;
    if (scause & SCAUSE_INTR)
        return code == IRQ_S_TIMER  ? "timer interrupt"
               : code == IRQ_S_EXT  ? "external interrupt"
               : code == IRQ_S_SOFT ? "software interrupt"
                                    : "unknown interrupt";
    if (code < ARRAY_SIZE(exc_names) && exc_names[code])
        return exc_names[code];
    return "unknown exception";
}

void trap_init_hart(void)
{
    csr_write(stvec, (uintptr_t)kernel_vec);
    csr_write(sscratch, 0);
    /* User programs may read the cycle, time and instret counters (bench
     * measures with rdinstret); OpenSBI lets S-mode read them (mcounteren). */
    csr_write(scounteren, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
    csr_set(sie, SIE_SEIE | SIE_STIE | SIE_SSIE);
}

static const struct extable_entry *extable_find(uintptr_t pc)
{
    for (const struct extable_entry *e = _extable_start; e < _extable_end; e++)
        if (e->insn == pc)
            return e;
    return NULL;
}

/* Explain a faulting kernel address in words a student can act on. */
static const char *fault_address_kind(uint64_t code, uintptr_t addr)
{
    bool page_fault =
        code == EXC_LOAD_PAGE_FAULT || code == EXC_STORE_PAGE_FAULT || code == EXC_INST_PAGE_FAULT;
    if (!page_fault)
        return NULL;
    if (kstack_is_guard(addr))
        return "kernel stack overflow: access to the guard page below a kernel stack";
    if (addr >= (uintptr_t)_text_start && addr < (uintptr_t)_text_end &&
        code == EXC_STORE_PAGE_FAULT)
        return "write to kernel text (mapped read-execute only)";
    if (addr >= (uintptr_t)_rodata_start && addr < (uintptr_t)_rodata_end &&
        code == EXC_STORE_PAGE_FAULT)
        return "write to kernel read-only data";
    if (addr < PAGE_SIZE)
        return "NULL pointer dereference";
    return NULL;
}

static void kernel_fault(struct trapframe *tf)
{
    uint64_t code = tf->scause & ~SCAUSE_INTR;
    const char *kind = fault_address_kind(code, tf->stval);
    panic_begin();
    printf("\npanic: kernel trap: %s (scause %lx)\n", trap_cause_name(tf->scause), tf->scause);
    printf("  sepc %p  stval %p  hart %lu\n", (void *)tf->sepc, (void *)tf->stval,
           this_cpu()->hartid);
    if (kind)
        printf("  %s\n", kind);
    printf("backtrace:\n");
    backtrace_print_pc(0, tf->sepc);
    backtrace_print(tf->x[8], 1);
    panic_end();
}

static void handle_interrupt(uint64_t code)
{
    switch (code) {
    case IRQ_S_TIMER:
        timer_interrupt();
        break;
    case IRQ_S_EXT:
        plic_interrupt();
        break;
    case IRQ_S_SOFT:
        csr_clear(sip, SIP_SSIP);
        ipi_interrupt();
        break;
    default:
        printf("kernel_trap: unexpected interrupt %lu\n", code);
    }
}

void kernel_trap(struct trapframe *tf)
{
    struct cpu *c = this_cpu();
    uint64_t code = tf->scause & ~SCAUSE_INTR;

    if (tf->scause & SCAUSE_INTR) {
        handle_interrupt(code);
        /* Preempt the running thread at the end of its time slice. */
        if (c->need_resched && c->thread && c->noff == 0)
            sched_preempt();
        return;
    }
    const struct extable_entry *fix = extable_find(tf->sepc);
    if (fix) {
        /* A user copy faulted: a user page not present yet is mapped as a
         * user access would map it; anything else is -EFAULT at the fixup.
         * A copy made with a spinlock held (noff > 0: interrupts pushed off)
         * must not sleep, so it fails at the fixup too (mm/usercopy.h). */
        struct proc *p = c->thread ? c->thread->proc : NULL;
        bool write = code == EXC_STORE_PAGE_FAULT;
        bool page_fault = code == EXC_LOAD_PAGE_FAULT || write;
        if (p && page_fault && tf->stval < USER_TOP && c->noff == 0) {
            if (tf->sstatus & SSTATUS_SPIE)
                arch_intr_on();
            enum vm_fault_result r = vm_fault(p->mm, tf->stval, write, false);
            if (r == VM_FAULT_OOM)
                proc_oom_kill_self(tf->stval); /* the copy fails; it dies on the way out */
            arch_intr_off();
            if (r == VM_FAULT_OK)
                return; /* retry the access */
        }
        tf->sepc = fix->fixup;
        return;
    }
    if (c->probing && code == EXC_ILLEGAL_INST) {
        c->probe_trapped = true;
        tf->sepc += 4;
        return;
    }
    kernel_fault(tf);
}

/* ---- traps from user mode ---- */

/*
 * A fault in user mode.  A page fault goes to vm_fault first (demand paging,
 * stack growth, copy-on-write...); what it cannot fix, and every other
 * exception, becomes a signal with the address in si_addr:
 *
 *     VM_FAULT_SEGV (no region)               SIGSEGV  SEGV_MAPERR
 *     VM_FAULT_ACCESS (region forbids it)     SIGSEGV  SEGV_ACCERR
 *     VM_FAULT_BUS (file mapping beyond       SIGBUS   BUS_OBJERR
 *              its end / unreadable)
 *     VM_FAULT_OOM (no frame)                 SIGKILL, "out of memory" line
 *     illegal instruction                     SIGILL   ILL_ILLOPC  (address = pc)
 *     privileged instruction (sret, wfi,      SIGILL   ILL_PRVOPC  (address = pc)
 *              sfence.vma, an S/M-mode CSR)
 *     misaligned access                       SIGBUS   BUS_ADRALN
 *     ebreak                                  SIGTRAP  TRAP_BRKPT  (address = pc)
 *     access fault (PMP)                      SIGSEGV  SEGV_ACCERR
 *
 * If a handler returns, the faulting instruction runs again.
 */
static void user_page_fault(struct trapframe *tf, bool write, bool exec)
{
    switch (vm_fault(proc_current()->mm, tf->stval, write, exec)) {
    case VM_FAULT_OK:
        return;
    case VM_FAULT_ACCESS:
        sig_force_fault(SIGSEGV, SEGV_ACCERR, tf->stval);
        return;
    case VM_FAULT_BUS:
        sig_force_fault(SIGBUS, BUS_OBJERR, tf->stval);
        return;
    case VM_FAULT_OOM:
        proc_oom_kill_self(tf->stval);
        return;
    case VM_FAULT_SEGV:
        break;
    }
    sig_force_fault(SIGSEGV, SEGV_MAPERR, tf->stval);
}

/*
 * Which SIGILL code an illegal-instruction trap gets, from the instruction
 * bits the hart leaves in stval (0 when it leaves none: then ILL_ILLOPC).
 * In the SYSTEM opcode (0x73), funct3 0 is ecall/ebreak (which never trap
 * as illegal) or a privileged instruction, funct3 4 the hypervisor's loads
 * and stores, and any other funct3 a CSR access, privileged when the CSR's
 * bits 9:8 name a mode above U.
 */
static int illegal_code(uint64_t insn)
{
    if ((insn & 0x7f) != 0x73)
        return ILL_ILLOPC;
    unsigned funct3 = (insn >> 12) & 7, csr_mode = (insn >> 28) & 3;
    return funct3 == 0 || funct3 == 4 || csr_mode != 0 ? ILL_PRVOPC : ILL_ILLOPC;
}

static void user_fault(struct trapframe *tf)
{
    uint64_t code = tf->scause;
    switch (code) {
    case EXC_LOAD_PAGE_FAULT:
    case EXC_STORE_PAGE_FAULT:
    case EXC_INST_PAGE_FAULT:
        user_page_fault(tf, code == EXC_STORE_PAGE_FAULT, code == EXC_INST_PAGE_FAULT);
        break;
    case EXC_ILLEGAL_INST:
        sig_force_fault(SIGILL, illegal_code(tf->stval), tf->sepc);
        break;
    case EXC_INST_MISALIGNED:
    case EXC_LOAD_MISALIGNED:
    case EXC_STORE_MISALIGNED:
        sig_force_fault(SIGBUS, BUS_ADRALN, tf->stval);
        break;
    case EXC_BREAKPOINT:
        sig_force_fault(SIGTRAP, TRAP_BRKPT, tf->sepc);
        break;
    default:
        sig_force_fault(SIGSEGV, SEGV_ACCERR, tf->stval);
    }
}

/* Does sig_deliver have work: a signal, or a system call's restart code? */
static bool needs_sig_deliver(struct proc *p, const struct trapframe *tf, bool from_syscall)
{
    long r = (long)tf->x[10];
    return sigstate_has_pending(&p->sig) ||
           (from_syscall && r >= -ERESTART_RESTARTBLOCK && r <= -ERESTARTSYS);
}

/* The fast path's invariants, checked on every return (a few instructions). */
static void check_return_state(struct proc *p)
{
    if (arch_intr_enabled())
        panic("user_trap_finish: interrupts on before user_return");
    uint64_t want = arch_make_satp(kva_to_pa(p->mm->root), p->mm->asid);
    if (csr_read(satp) != want)
        panic("user_trap_finish: satp %lx is not pid %d's address space (%lx)", csr_read(satp),
              p->pid, want);
}

/*
 * Back to user mode: signals first (they may stop or end the process, or
 * redirect it to a handler), then a reschedule if the slice is over.
 *
 * What the way out relies on (and check_return_state checks):
 *   - satp already holds this process's page table and ASID: every switch to
 *     a user thread loads it (sched_finish_switch -> mm_activate) and exec
 *     loads the new one, so nothing is written here;
 *   - interrupts are off from the last check of need_resched and of the
 *     signals until sret (user_return), so neither can be missed.
 * FP state is lazy both ways.  p->fp is saved on entry only if user mode
 * dirtied the registers (sstatus.FS Dirty); the kernel never uses them.  They
 * hold p->fp when fp_owner is p and p->fp_cpu names this hart (another
 * process, or p on another hart, or a kernel write to p->fp through
 * proc_fp_changed breaks that): then p returns with FS Clean.  Otherwise it
 * returns with FS Off, and only its first FP instruction, an
 * illegal-instruction trap, loads them (fp_load), so a process that does
 * not use FP never pays for it, however often it switches.
 */
static void __attribute__((noreturn))
user_trap_finish(struct trapframe *tf, bool from_syscall, uint64_t orig_a0)
{
    struct proc *p = proc_current();
    for (;;) {
        if (needs_sig_deliver(p, tf, from_syscall)) {
            arch_intr_on();
            sig_deliver(tf, from_syscall, orig_a0);
            from_syscall = false;
        }
        arch_intr_off();
        if (this_cpu()->need_resched)
            sched_preempt();
        else if (!sigstate_has_pending(&p->sig))
            break;
    }
    check_return_state(p);
    struct cpu *c = this_cpu();
    bool fp_loaded = c->fp_owner == p && p->fp_cpu == c->id + 1;
    tf->sstatus &= ~(SSTATUS_SPP | SSTATUS_SUM | SSTATUS_FS);
    tf->sstatus |= SSTATUS_SPIE | (fp_loaded ? SSTATUS_FS_CLEAN : SSTATUS_FS_OFF);
    user_return(tf);
}

/* An FP instruction with FS Off: load p's FP registers on this hart; the
 * instruction runs again on the way out (with FS Clean). */
static void fp_load(struct proc *p)
{
    intr_push(); /* this hart's registers and fp_owner */
    struct cpu *c = this_cpu();
    csr_set(sstatus, SSTATUS_FS); /* let the kernel touch the FP registers */
    fp_restore(&p->fp);
    csr_clear(sstatus, SSTATUS_FS);
    c->fp_owner = p;
    p->fp_cpu = c->id + 1;
    intr_pop();
}

void user_trap(struct trapframe *tf)
{
    struct proc *p = proc_current();
    bool from_syscall = false;
    uint64_t orig_a0 = 0;
    uint64_t fs = tf->sstatus & SSTATUS_FS;
    if (fs == SSTATUS_FS) { /* FS dirty: save the user's FP state */
        fp_save(&p->fp);
        tf->sstatus &= ~SSTATUS_FS;
    }
    if (tf->scause & SCAUSE_INTR) {
        handle_interrupt(tf->scause & ~SCAUSE_INTR);
    } else if (tf->scause == EXC_ECALL_U) {
        tf->sepc += 4;
        orig_a0 = tf->x[10];
        /* sigreturn's result is the restored a0, never a call to restart. */
        from_syscall = tf->x[17] != SYSCALL_NR_SIGRETURN;
        arch_intr_on();
        tf->x[10] = syscall_dispatch(tf);
    } else if (tf->scause == EXC_ILLEGAL_INST && fs == SSTATUS_FS_OFF) {
        fp_load(p); /* not FP after all: it traps again, with FS Clean, and is a SIGILL */
    } else {
        arch_intr_on();
        user_fault(tf);
    }
    user_trap_finish(tf, from_syscall, orig_a0);
}

void user_trap_return(struct trapframe *tf)
{
    user_trap_finish(tf, false, 0);
}
