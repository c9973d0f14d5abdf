/*
 * Scheduling helpers over the raw calls: getpriority (the kernel returns
 * 20 - nice, always positive, so that no nice value looks like an error)
 * and nice.
 */
#include <errno.h>
#include <quill/sched.h>

int getpriority(int which, int who)
{
    long r = __sys_getpriority(which, who);
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return 20 - (int)r;
}

int nice(int inc)
{
    errno = 0;
    int now = getpriority(PRIO_PROCESS, 0);
    if (now == -1 && errno)
        return -1;
    if (setpriority(PRIO_PROCESS, 0, now + inc) < 0)
        return -1;
    return getpriority(PRIO_PROCESS, 0);
}
