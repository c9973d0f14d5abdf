/*
 * Calls into the SBI firmware (OpenSBI), which runs in M-mode.  `ecall` with
 * the extension id in a7 and the function id in a6; the firmware returns an
 * error code in a0 and a value in a1.
 */
#ifndef ARCH_SBI_H
#define ARCH_SBI_H

#include "types.h"

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354

#define SBI_ERR_ALREADY_AVAILABLE (-6)

#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1

#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_COLD_REBOOT 1

struct sbiret {
    long error;
    long value;
};

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2, long a3);

bool sbi_probe_extension(long ext);
void sbi_console_putchar(int c); /* legacy extension: early boot output only */
void sbi_set_timer(uint64_t when);
long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
long sbi_hart_start(unsigned long hartid, paddr_t start, unsigned long opaque);
long sbi_hart_status(unsigned long hartid);
void sbi_system_reset(uint32_t type, uint32_t reason) __attribute__((noreturn));
long sbi_spec_version(void);
/* RFENCE: the harts in the mask (base -1: all harts) flush [start, start+size)
 * of every address space, global mappings included. */
long sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base, uintptr_t start,
                           size_t size);
/* RFENCE: the harts in the mask flush [start, start+size) of ASID asid. */
long sbi_remote_sfence_vma_asid(unsigned long hart_mask, unsigned long hart_mask_base,
                                uintptr_t start, size_t size, unsigned long asid);

#endif
