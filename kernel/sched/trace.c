/*
 * Scheduling trace ring.  Each event gets a sequence number from an atomic
 * counter; its slot is seq % TRACE_EVENTS.  A writer marks the slot busy
 * (stamp 0), fills it, then publishes stamp = seq + 1 with release order; a
 * reader copies a slot and keeps it only if the stamp read before and after
 * the copy is the one it expects, so a slot being overwritten is skipped,
 * never returned torn.  Old events are overwritten: the ring keeps the
 * newest TRACE_EVENTS, and gaps in `seq` show what was lost.
 */
#include "sched/trace.h"
#include "proc/thread.h"
#include "proc/proc.h"
#include "abi/sched.h"
#include "abi/errno.h"
#include "arch/riscv/timer.h"
#include "mm/slab.h"
#include "mm/usercopy.h"

struct slot {
    volatile uint64_t stamp; /* seq + 1 once published, 0 while written */
    struct sched_event ev;
};

static struct slot ring[TRACE_EVENTS];
static uint64_t next_seq; /* atomic */

int trace_id(const struct thread *t)
{
    if (!t)
        return 0;
    return t->proc ? t->proc->pid : -t->tid;
}

void trace_switch(int hart, int out_id, int reason, int in_id)
{
    uint64_t seq = __atomic_fetch_add(&next_seq, 1, __ATOMIC_RELAXED);
    struct slot *s = &ring[seq % TRACE_EVENTS];
    __atomic_store_n(&s->stamp, 0, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    s->ev = (struct sched_event){
        .tick = ticks,
        .ns = timer_now_ns(),
        .seq = seq,
        .hart = hart,
        .pid_out = out_id,
        .pid_in = in_id,
        .reason = out_id ? reason : 0,
    };
    __atomic_store_n(&s->stamp, seq + 1, __ATOMIC_RELEASE);
}

/* Copy the event numbered seq into *ev; false if it is gone or being written. */
static bool read_event(uint64_t seq, struct sched_event *ev)
{
    struct slot *s = &ring[seq % TRACE_EVENTS];
    if (__atomic_load_n(&s->stamp, __ATOMIC_ACQUIRE) != seq + 1)
        return false;
    *ev = s->ev;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return __atomic_load_n(&s->stamp, __ATOMIC_RELAXED) == seq + 1;
}

long trace_read(uintptr_t ubuf, long max, uint64_t from)
{
    if (max <= 0)
        return -EINVAL;
    max = MIN(max, 512);
    struct sched_event *evs = kmalloc(max * sizeof(*evs));
    if (!evs)
        return -ENOMEM;
    uint64_t end = __atomic_load_n(&next_seq, __ATOMIC_ACQUIRE);
    uint64_t seq = end > TRACE_EVENTS && from < end - TRACE_EVENTS ? end - TRACE_EVENTS : from;
    long n = 0;
    for (; seq < end && n < max; seq++)
        if (read_event(seq, &evs[n]))
            n++;
    long err = n ? copy_to_user(ubuf, evs, n * sizeof(*evs)) : 0;
    kfree(evs);
    return err ? err : n;
}
