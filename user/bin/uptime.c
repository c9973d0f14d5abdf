/*
 * uptime: how long the kernel has been running.
 *
 * Usage: uptime
 *
 *     up 0:03:12, 2 harts, 4 processes, 19207 ticks of 10 ms
 *
 * From sysinfo(): the time since the kernel started its timer, the harts
 * online, the processes (zombies included) and the timer ticks so far.
 */
#include <stdio.h>
#include <quill/syscall.h>
#include <quill/sysinfo.h>

int main(void)
{
    struct ksysinfo si;
    if (sysinfo(&si) < 0) {
        perror("uptime: sysinfo");
        return 1;
    }
    unsigned long s = si.uptime_ns / 1000000000UL;
    printf("up ");
    if (s >= 86400)
        printf("%lu days, ", s / 86400);
    printf("%lu:%02lu:%02lu, %u hart%s, %u process%s, %lu ticks of %lu ms\n", s / 3600 % 24,
           s / 60 % 60, s % 60, si.ncpu, si.ncpu == 1 ? "" : "s", si.nprocs,
           si.nprocs == 1 ? "" : "es", si.ticks, si.tick_ns / 1000000UL);
    return 0;
}
