/*
 * The scheduling trace: a bounded ring of switch events (abi/sched.h,
 * struct sched_event) that the schedtrace system call reads.  Recording
 * takes no lock (harts claim slots with an atomic counter), so it may be
 * called anywhere, run-queue locks held or not.
 */
#ifndef SCHED_TRACE_H
#define SCHED_TRACE_H

#include "types.h"

struct thread;

#define TRACE_EVENTS 4096 /* ring size: the newest events are kept */

/* Hart `hart` switches from thread out_id (0: idle), which left for `reason`
 * (SWITCH_*), to in_id (0: idle); ids as trace_id gives them. */
void trace_switch(int hart, int out_id, int reason, int in_id);
/* Copy up to max events with seq >= from, oldest first, to the user buffer
 * ubuf; returns how many, or -EFAULT. */
long trace_read(uintptr_t ubuf, long max, uint64_t from);
/* A thread's id in the trace and schedinfo: its pid, or -tid for a kernel thread. */
int trace_id(const struct thread *t);

#endif
