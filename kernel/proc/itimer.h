/*
 * The real-time interval timer of each process (alarm, setitimer with
 * ITIMER_REAL): SIGALRM when it expires, then re-armed with its interval.
 *
 * Armed processes sit on one list sorted by expiry tick, so each timer tick
 * looks at the head only.  Lock: itimer_lock (itimer.c) guards the list and
 * each process's itimer_* fields; order: itimer_lock -> proc's sigstate.lock.
 */
#ifndef PROC_ITIMER_H
#define PROC_ITIMER_H

#include "types.h"

struct proc;
struct kitimerval;

/* Set the current process's timer from *nv (NULL: only read); old value in *old. */
int itimer_set(const struct kitimerval *nv, struct kitimerval *old);
/* alarm(secs): arm for secs seconds (0: disarm); the seconds that were left. */
unsigned itimer_alarm(unsigned secs);
void itimer_disarm(struct proc *p); /* exit */
void itimer_tick(uint64_t now);     /* from the timer interrupt of hart 0 */

#endif
