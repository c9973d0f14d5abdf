/*
 * Wall-clock time from the Goldfish RTC that QEMU's virt machine provides
 * (found through the device tree).  Read once at boot; afterwards the time
 * is the boot time plus the monotonic timer, so it never jumps backwards.
 */
#ifndef DEV_RTC_H
#define DEV_RTC_H

#include "types.h"

void rtc_init(paddr_t base); /* base 0: no RTC, the clock starts at 1970 */
int64_t rtc_now_ns(void);    /* nanoseconds since 1970-01-01 UTC */

#endif
