/*
 * <time.h>: picolibc's, plus what it declares only on targets that define
 * _POSIX_TIMERS / _POSIX_MONOTONIC_CLOCK: clock_gettime, nanosleep and
 * CLOCK_MONOTONIC.  Clock ids are picolibc's values; clock_gettime
 * (user/lib/time.c) maps them to the kernel's.
 */
#ifndef QUILL_TIME_H
#define QUILL_TIME_H
#include_next <time.h>

#ifndef _POSIX_TIMERS
int clock_gettime(clockid_t clock_id, struct timespec *tp);
int nanosleep(const struct timespec *rqtp, struct timespec *rmtp);
#endif

#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t)4)
#endif

#endif
