/* Time structures of the system-call ABI (the user library converts to libc's). */
#ifndef ABI_TIME_H
#define ABI_TIME_H

struct ktimespec {
    long tv_sec;
    long tv_nsec;
};

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

#endif
