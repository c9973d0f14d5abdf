/* setitimer/getitimer (ITIMER_REAL) over the kernel's struct kitimerval. */
#include <sys/time.h>

#include "ulib.h"
#include "abi/signal.h"

static void to_k(const struct itimerval *v, struct kitimerval *k)
{
    k->interval_sec = v->it_interval.tv_sec;
    k->interval_usec = v->it_interval.tv_usec;
    k->value_sec = v->it_value.tv_sec;
    k->value_usec = v->it_value.tv_usec;
}

static void from_k(const struct kitimerval *k, struct itimerval *v)
{
    v->it_interval.tv_sec = k->interval_sec;
    v->it_interval.tv_usec = k->interval_usec;
    v->it_value.tv_sec = k->value_sec;
    v->it_value.tv_usec = k->value_usec;
}

int setitimer(int which, const struct itimerval *restrict value, struct itimerval *restrict old)
{
    struct kitimerval k, kold;
    to_k(value, &k);
    if (__syscall_ret(__sys_setitimer(which, &k, old ? &kold : NULL)) < 0)
        return -1;
    if (old)
        from_k(&kold, old);
    return 0;
}

int getitimer(int which, struct itimerval *value)
{
    struct kitimerval k;
    if (__syscall_ret(__sys_getitimer(which, &k)) < 0)
        return -1;
    from_k(&k, value);
    return 0;
}
