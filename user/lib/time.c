/*
 * Clocks and sleeping: clock_gettime, gettimeofday, times, nanosleep,
 * sleep, usleep.  The kernel speaks struct ktimespec and its own clock
 * numbers (kernel/abi/time.h: Linux's, REALTIME 0, MONOTONIC 1); picolibc's
 * clockid_t values differ (REALTIME 1, MONOTONIC 4), so we translate.
 * (time() and clock() are picolibc's, over gettimeofday and times.)
 */
#include <quill/kabi.h> /* the kernel's records, before libc's headers */

#include <errno.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "ulib.h"

static int kernel_clock(clockid_t id)
{
    switch (id) {
    case 0: /* CLOCK_REALTIME_COARSE */
    case 1: /* CLOCK_REALTIME */
        return KCLOCK_REALTIME;
    case 4: /* CLOCK_MONOTONIC */
    case 5: /* CLOCK_MONOTONIC_RAW */
    case 6: /* CLOCK_MONOTONIC_COARSE */
    case 7: /* CLOCK_BOOTTIME */
        return KCLOCK_MONOTONIC;
    default:
        return -1;
    }
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    struct ktimespec k;
    int kid = kernel_clock(id);

    if (kid < 0) {
        errno = EINVAL;
        return -1;
    }
    if (__syscall_ret(__sys_clock_gettime(kid, &k)) < 0)
        return -1;
    ts->tv_sec = k.tv_sec;
    ts->tv_nsec = k.tv_nsec;
    return 0;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    struct ktimespec k;

    (void)tz;
    if (__syscall_ret(__sys_clock_gettime(KCLOCK_REALTIME, &k)) < 0)
        return -1;
    if (tv) {
        tv->tv_sec = k.tv_sec;
        tv->tv_usec = k.tv_nsec / 1000;
    }
    return 0;
}

/*
 * No per-process CPU times yet: report the time since boot as user time,
 * in clock ticks of CLOCKS_PER_SEC, so picolibc's clock() measures
 * elapsed time.
 */
clock_t times(struct tms *t)
{
    struct ktimespec k;
    clock_t ticks;

    if (__syscall_ret(__sys_clock_gettime(KCLOCK_MONOTONIC, &k)) < 0)
        return (clock_t)-1;
    ticks =
        (clock_t)k.tv_sec * CLOCKS_PER_SEC + (clock_t)k.tv_nsec / (1000000000L / CLOCKS_PER_SEC);
    if (t) {
        t->tms_utime = ticks;
        t->tms_stime = 0;
        t->tms_cutime = 0;
        t->tms_cstime = 0;
    }
    return ticks;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    struct ktimespec kreq = {req->tv_sec, req->tv_nsec};
    struct ktimespec krem = {0, 0};
    int r = (int)__syscall_ret(__sys_nanosleep(&kreq, &krem));

    if (r < 0 && rem) {
        rem->tv_sec = krem.tv_sec;
        rem->tv_nsec = krem.tv_nsec;
    }
    return r;
}

unsigned sleep(unsigned seconds)
{
    struct timespec req = {seconds, 0}, rem = {0, 0};

    if (nanosleep(&req, &rem) < 0) {
        /* interrupted: the seconds left, to the nearest, but not 0 if time was left */
        unsigned left = (unsigned)rem.tv_sec + (rem.tv_nsec >= 500000000L);
        return left ? left : rem.tv_nsec > 0;
    }
    return 0;
}

int usleep(useconds_t usec)
{
    struct timespec req = {usec / 1000000, (long)(usec % 1000000) * 1000};

    return nanosleep(&req, NULL);
}
