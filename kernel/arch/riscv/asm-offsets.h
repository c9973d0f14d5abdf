/*
 * Structure offsets used by assembly.  Each is checked against the C layout
 * with a STATIC_ASSERT next to the structure (proc/cpu.h, arch/riscv/trap.h).
 */
#ifndef ARCH_ASM_OFFSETS_H
#define ARCH_ASM_OFFSETS_H

/* struct cpu */
#define CPU_STACK_LO 0
#define CPU_EMERG_SP 8
#define CPU_BOOT_SATP 16
#define CPU_BOOT_SP 24
#define CPU_HARTID 40
#define CPU_THREAD 56 /* read with one tp-relative load (cpu_thread) */
#define CPU_SIZE 376
#define NCPU_MAX 8

/* struct trapframe: x1..x31 at 8*i, then the CSRs */
#define TF_SEPC (32 * 8)
#define TF_SSTATUS (33 * 8)
#define TF_STVAL (34 * 8)
#define TF_SCAUSE (35 * 8)
#define TF_KTP (36 * 8) /* user traps: this hart's struct cpu, for user_vec */
#define TF_SIZE (38 * 8)

/* struct context (callee-saved registers for swtch) */
#define CTX_RA 0
#define CTX_SP 8
#define CTX_S0 16
#define CTX_SIZE (14 * 8)

#endif
