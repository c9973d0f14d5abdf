/* Goldfish RTC: TIME_LOW (0x00) latches TIME_HIGH (0x04); together ns since 1970. */
#include "dev/rtc.h"
#include "arch/riscv/timer.h"
#include "mm/layout.h"

static int64_t boot_epoch_ns; /* wall time when the monotonic clock read 0 */

void rtc_init(paddr_t base)
{
    if (!base)
        return;
    volatile uint32_t *rtc = pa_to_kva(base);
    uint64_t lo = rtc[0];
    uint64_t hi = rtc[1];
    boot_epoch_ns = (int64_t)((hi << 32) | lo) - (int64_t)timer_now_ns();
}

int64_t rtc_now_ns(void)
{
    return boot_epoch_ns + (int64_t)timer_now_ns();
}
