/*
 * Per-hart state and interrupt-disable nesting.  intr_push() turns interrupts
 * off and counts; the matching outermost intr_pop() turns them back on only
 * if they were on before the first push (both inline in cpu.h; their
 * failures are reported from here).
 */
#include "proc/cpu.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/asm-offsets.h"
#include "lib/printf.h"

STATIC_ASSERT(offsetof(struct cpu, stack_lo) == CPU_STACK_LO);
STATIC_ASSERT(offsetof(struct cpu, emerg_sp) == CPU_EMERG_SP);
STATIC_ASSERT(offsetof(struct cpu, boot_satp) == CPU_BOOT_SATP);
STATIC_ASSERT(offsetof(struct cpu, boot_sp) == CPU_BOOT_SP);
STATIC_ASSERT(offsetof(struct cpu, hartid) == CPU_HARTID);
STATIC_ASSERT(offsetof(struct cpu, thread) == CPU_THREAD);
STATIC_ASSERT(sizeof(struct cpu) == CPU_SIZE);

#define EMERG_STACK_SIZE 8192

struct cpu cpus[NCPU_MAX];
int ncpu;
static char emerg_stacks[NCPU_MAX][EMERG_STACK_SIZE] __attribute__((aligned(16)));

uintptr_t cpu_emergency_stack_top(int id)
{
    return (uintptr_t)&emerg_stacks[id][EMERG_STACK_SIZE];
}

void intr_pop_fail(const char *why)
{
    panic("intr_pop: %s", why);
}
