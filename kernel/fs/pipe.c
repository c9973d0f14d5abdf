/*
 * Pipe implementation.  `lock` guards the ring and the counts of open ends
 * and of sleepers; readers sleep on readable_wq (for data, EOF, or their turn
 * to copy) and writers on writable_wq (for room).  Data is copied between
 * user memory and the ring with the lock held, CHUNK bytes at a time; such a
 * copy never sleeps, so one that would have to fault a page in fails, and
 * that chunk goes through a small kernel bounce buffer with the lock
 * dropped (where the copy may fault and sleep).
 *
 * The wait queues are guarded by `lock` itself (waitq_init_guarded): a
 * sleeper goes from its check to its sleep under the one lock, and a waker
 * wakes under it, so neither takes a wait queue's lock.  A wake-up still
 * costs a run-queue lock round trip, so it happens only when someone
 * sleeps: a sleeper counts itself in rsleepers/wsleepers under `lock`
 * before it sleeps.  Those wake-ups are "sync" (waitq_wake_all_sync_locked):
 * the waker goes on to wait for the other end, so the sleeper is queued on
 * the waker's hart when that hart has nothing else to run, and the waker's
 * own sleep then hands the hart straight to it (proc/sched.c): a ping-pong
 * stays on one hart and never goes through the scheduler loop.
 *
 * A write with no reader left raises SIGPIPE in the writer and fails with
 * EPIPE (seen if SIGPIPE is caught or ignored).  A sleep is interrupted by
 * a signal: -ERESTARTSYS, which becomes EINTR or a restart (proc/signal.h).
 *
 * A reader takes bytes out of the ring only after they reached its buffer.
 * It copies them straight from the ring with the lock held, which succeeds
 * unless a page of its buffer would have to be faulted in (a copy under a
 * spinlock never sleeps); if that fails it copies them (still in the ring)
 * to the bounce buffer, drops the lock, copies that out, and retakes the
 * lock.  Only then does it advance nread.  `copying` keeps a second reader
 * from taking the same bytes while the lock is dropped.  So a read into a
 * bad buffer fails with EFAULT and leaves the bytes in the pipe for the
 * next read.
 */
#include "fs/pipe.h"
#include "fs/file.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"

#define PIPE_SIZE 4096
#define CHUNK 256 /* bytes copied per round (the bounce buffers' size) */

struct pipe {
    struct spinlock lock;     /* guards the fields below and both wait queues' sleepers */
    struct waitq readable_wq; /* readers wait for data, EOF or the end of a copy */
    struct waitq writable_wq; /* writers wait for room or for the last reader to go */
    uint64_t nread, nwrite;   /* (lock) bytes ever read / written */
    int readers, writers;     /* (lock) open ends */
    int rsleepers, wsleepers; /* (lock) readers / writers in pipe_sleep_locked */
    bool copying;             /* (lock) a reader is copying out bytes it has not taken yet */
    char buf[PIPE_SIZE];      /* (lock) */
};

int pipe_create(struct file **rf, struct file **wf)
{
    struct pipe *p = kzalloc(sizeof(*p));
    struct file *r = file_alloc_raw(), *w = file_alloc_raw();
    if (!p || !r || !w) {
        kfree(p);
        if (r)
            file_free_raw(r);
        if (w)
            file_free_raw(w);
        return -ENOMEM;
    }
    spin_init(&p->lock, "pipe");
    waitq_init_guarded(&p->readable_wq, "pipe read", &p->lock);
    waitq_init_guarded(&p->writable_wq, "pipe write", &p->lock);
    p->readers = p->writers = 1;
    r->type = w->type = FILE_PIPE;
    r->pipe = w->pipe = p;
    r->readable = true;
    w->writable = true;
    *rf = r;
    *wf = w;
    return 0;
}

static int copy_out(bool user, uintptr_t dst, const void *src, size_t n)
{
    if (user)
        return copy_to_user(dst, src, n);
    memcpy((void *)dst, src, n);
    return 0;
}

static int copy_in(bool user, void *dst, uintptr_t src, size_t n)
{
    if (user)
        return copy_from_user(dst, src, n);
    memcpy(dst, (const void *)src, n);
    return 0;
}

/* Sleep on wq, counted in *sleepers while away; returns with the lock held. */
static void pipe_sleep_locked(struct pipe *p, struct waitq *wq, int *sleepers)
{
    ASSERT_HELD(&p->lock);
    (*sleepers)++;
    waitq_sleep(wq, &p->lock);
    (*sleepers)--;
}

/* Copy n bytes at ring position pos out of / into the ring (both wrap). */
static void ring_peek_locked(struct pipe *p, uint64_t pos, char *dst, size_t n)
{
    ASSERT_HELD(&p->lock);
    size_t off = pos % PIPE_SIZE, first = MIN(n, PIPE_SIZE - off);
    memcpy(dst, p->buf + off, first);
    memcpy(dst + first, p->buf, n - first);
}

static void ring_put_locked(struct pipe *p, const char *src, size_t n)
{
    ASSERT_HELD(&p->lock);
    size_t off = p->nwrite % PIPE_SIZE, first = MIN(n, PIPE_SIZE - off);
    memcpy(p->buf + off, src, first);
    memcpy(p->buf, src + first, n - first);
    p->nwrite += n;
}

/* Copy m bytes at the ring's read position straight to dst, under the lock:
 * 0, or -EFAULT if a user page would have to be faulted in first (a copy
 * under a spinlock never sleeps: mm/usercopy.h). */
static int ring_copy_out_locked(struct pipe *p, bool user, uintptr_t dst, size_t m)
{
    ASSERT_HELD(&p->lock);
    size_t off = p->nread % PIPE_SIZE, first = MIN(m, PIPE_SIZE - off);
    int err = copy_out(user, dst, p->buf + off, first);
    if (!err && m > first)
        err = copy_out(user, dst + first, p->buf, m - first);
    return err;
}

/* Copy m bytes out through the bounce buffer with the lock dropped (the
 * copy may fault and sleep); `copying` keeps other readers off them. */
static int ring_copy_out_slow_locked(struct pipe *p, bool user, uintptr_t dst, size_t m)
{
    char tmp[CHUNK];
    ASSERT_HELD(&p->lock);
    ring_peek_locked(p, p->nread, tmp, m);
    p->copying = true;
    spin_unlock(&p->lock);
    int err = copy_out(user, dst, tmp, m);
    spin_lock(&p->lock);
    p->copying = false;
    return err;
}

ssize_t pipe_read(struct pipe *p, bool user, uintptr_t dst, size_t n)
{
    size_t done = 0;
    ssize_t ret = 0;
    spin_lock(&p->lock);
    while (p->copying || (p->nread == p->nwrite && p->writers > 0)) {
        if (sig_pending()) {
            spin_unlock(&p->lock);
            return -ERESTARTSYS;
        }
        pipe_sleep_locked(p, &p->readable_wq, &p->rsleepers);
    }
    /* Take what is there (at least one byte, or EOF), CHUNK bytes at a time. */
    while (done < n && p->nread != p->nwrite) {
        size_t m = MIN(MIN((size_t)CHUNK, n - done), (size_t)(p->nwrite - p->nread));
        if (ring_copy_out_locked(p, user, dst + done, m) != 0 &&
            ring_copy_out_slow_locked(p, user, dst + done, m) != 0) {
            ret = -EFAULT; /* the bytes stay in the pipe */
            break;
        }
        p->nread += m;
        done += m;
        if (p->wsleepers) /* room: a writer may refill while we copy */
            waitq_wake_all_sync_locked(&p->writable_wq);
    }
    /* Another reader waits for a copy to end: it has bytes (or EOF) to take. */
    if (p->rsleepers && (p->nread != p->nwrite || p->writers == 0))
        waitq_wake_all_locked(&p->readable_wq);
    spin_unlock(&p->lock);
    return done ? (ssize_t)done : ret;
}

/* Copy k bytes from src straight into the ring, under the lock: 0, or
 * -EFAULT if a user page would have to be faulted in first. */
static int ring_copy_in_locked(struct pipe *p, bool user, uintptr_t src, size_t k)
{
    ASSERT_HELD(&p->lock);
    size_t off = p->nwrite % PIPE_SIZE, first = MIN(k, PIPE_SIZE - off);
    int err = copy_in(user, p->buf + off, src, first);
    if (!err && k > first)
        err = copy_in(user, p->buf, src + first, k - first);
    if (!err)
        p->nwrite += k;
    return err;
}

/* The same through the bounce buffer with the lock dropped (the copy may
 * fault and sleep); puts what still fits once the lock is back.  The number
 * of bytes put, or -EFAULT / -EPIPE. */
static long ring_copy_in_slow_locked(struct pipe *p, bool user, uintptr_t src, size_t k)
{
    char tmp[CHUNK];
    ASSERT_HELD(&p->lock);
    spin_unlock(&p->lock);
    int err = copy_in(user, tmp, src, k);
    spin_lock(&p->lock);
    if (err)
        return err;
    if (p->readers == 0)
        return -EPIPE;
    size_t fit = MIN(k, PIPE_SIZE - (size_t)(p->nwrite - p->nread));
    ring_put_locked(p, tmp, fit);
    return (long)fit;
}

/* Put up to m bytes from src into the ring, sleeping while it is full;
 * *moved says how many went in; 0 or -errno. */
static int pipe_put(struct pipe *p, bool user, uintptr_t src, size_t m, size_t *moved)
{
    size_t i = 0;
    int err = 0;
    spin_lock(&p->lock);
    while (i < m) {
        if (p->readers == 0 || sig_pending()) {
            err = p->readers == 0 ? -EPIPE : -ERESTARTSYS;
            break;
        }
        size_t room = PIPE_SIZE - (size_t)(p->nwrite - p->nread);
        if (room == 0) {
            if (p->rsleepers)
                waitq_wake_all_sync_locked(&p->readable_wq); /* and this writer sleeps */
            pipe_sleep_locked(p, &p->writable_wq, &p->wsleepers);
            continue;
        }
        size_t k = MIN(MIN(room, m - i), (size_t)CHUNK);
        if (ring_copy_in_locked(p, user, src + i, k) == 0) {
            i += k;
            continue;
        }
        long put = ring_copy_in_slow_locked(p, user, src + i, k);
        if (put < 0) {
            err = (int)put;
            break;
        }
        i += (size_t)put;
    }
    if (i && p->rsleepers)
        waitq_wake_all_sync_locked(&p->readable_wq);
    spin_unlock(&p->lock);
    *moved = i;
    return err;
}

ssize_t pipe_write(struct pipe *p, bool user, uintptr_t src, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t m = MIN((size_t)PIPE_SIZE, n - done), moved;
        int err = pipe_put(p, user, src + done, m, &moved);
        done += moved;
        if (err) {
            if (err == -EPIPE && user)
                sig_send_kernel(proc_current(), SIGPIPE);
            return done ? (ssize_t)done : err;
        }
    }
    return (ssize_t)done;
}

void pipe_close(struct pipe *p, bool writable)
{
    spin_lock(&p->lock);
    if (writable)
        p->writers--;
    else
        p->readers--;
    bool last = p->readers == 0 && p->writers == 0;
    /* Under the lock: once it is released the other end may free the pipe. */
    if (p->rsleepers)
        waitq_wake_all_locked(&p->readable_wq); /* EOF */
    if (p->wsleepers)
        waitq_wake_all_locked(&p->writable_wq); /* EPIPE */
    spin_unlock(&p->lock);
    if (last)
        kfree(p);
}
