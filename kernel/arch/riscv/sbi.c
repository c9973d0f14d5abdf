/* SBI calls: see the RISC-V Supervisor Binary Interface specification. */
#include "arch/riscv/sbi.h"
#include "arch/riscv/hart.h"

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2, long a3)
{
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a2 __asm__("a2") = a2;
    register long r_a3 __asm__("a3") = a3;
    register long r_a6 __asm__("a6") = fid;
    register long r_a7 __asm__("a7") = ext;
    __asm__ volatile("ecall"
                     : "+r"(r_a0), "+r"(r_a1)
                     : "r"(r_a2), "r"(r_a3), "r"(r_a6), "r"(r_a7)
                     : "memory");
    return (struct sbiret){r_a0, r_a1};
}

bool sbi_probe_extension(long ext)
{
    struct sbiret r = sbi_call(SBI_EXT_BASE, 3, ext, 0, 0, 0);
    return r.error == 0 && r.value != 0;
}

long sbi_spec_version(void)
{
    return sbi_call(SBI_EXT_BASE, 0, 0, 0, 0, 0).value;
}

void sbi_console_putchar(int c)
{
    sbi_call(0x01, 0, c, 0, 0, 0);
}

void sbi_set_timer(uint64_t when)
{
    sbi_call(SBI_EXT_TIME, 0, (long)when, 0, 0, 0);
}

long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
    return sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0, 0).error;
}

long sbi_hart_start(unsigned long hartid, paddr_t start, unsigned long opaque)
{
    return sbi_call(SBI_EXT_HSM, 0, hartid, start, opaque, 0).error;
}

long sbi_hart_status(unsigned long hartid)
{
    struct sbiret r = sbi_call(SBI_EXT_HSM, 2, hartid, 0, 0, 0);
    return r.error ? r.error : r.value;
}

void sbi_system_reset(uint32_t type, uint32_t reason)
{
    sbi_call(SBI_EXT_SRST, 0, type, reason, 0, 0);
    for (;;)
        arch_wait_for_interrupt();
}

long sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base, uintptr_t start,
                           size_t size)
{
    return sbi_call(SBI_EXT_RFENCE, 1, (long)hart_mask, (long)hart_mask_base, (long)start,
                    (long)size)
        .error;
}

long sbi_remote_sfence_vma_asid(unsigned long hart_mask, unsigned long hart_mask_base,
                                uintptr_t start, size_t size, unsigned long asid)
{
    register long r_a0 __asm__("a0") = (long)hart_mask;
    register long r_a1 __asm__("a1") = (long)hart_mask_base;
    register long r_a2 __asm__("a2") = (long)start;
    register long r_a3 __asm__("a3") = (long)size;
    register long r_a4 __asm__("a4") = (long)asid;
    register long r_a6 __asm__("a6") = 2; /* sbi_remote_sfence_vma_asid */
    register long r_a7 __asm__("a7") = SBI_EXT_RFENCE;
    __asm__ volatile("ecall"
                     : "+r"(r_a0), "+r"(r_a1)
                     : "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a6), "r"(r_a7)
                     : "memory");
    return r_a0;
}
