/*
 * sleep: wait for a while.
 *
 * Usage: sleep SECONDS       (a fraction is fine: sleep 0.25)
 *
 * The process blocks in nanosleep(2): it is "sleeping" (S in ps) and uses
 * no CPU until the timer wakes it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* "1.5" -> {1, 500000000}; returns -1 if s is not a number of seconds. */
static int parse_seconds(const char *s, struct timespec *ts)
{
    long sec = 0, nsec = 0, scale = 100000000;
    if (!*s)
        return -1;
    for (; isdigit((unsigned char)*s); s++)
        sec = sec * 10 + (*s - '0');
    if (*s == '.')
        for (s++; isdigit((unsigned char)*s); s++, scale /= 10)
            nsec += (*s - '0') * scale;
    if (*s)
        return -1;
    ts->tv_sec = sec;
    ts->tv_nsec = nsec;
    return 0;
}

int main(int argc, char *argv[])
{
    struct timespec ts, rem;
    if (argc != 2 || parse_seconds(argv[1], &ts) < 0) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 1;
    }
    while (nanosleep(&ts, &rem) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "sleep: %s\n", strerror(errno));
            return 1;
        }
        ts = rem; /* interrupted: sleep for what is left */
    }
    return 0;
}
