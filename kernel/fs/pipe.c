/*
 * Pipe implementation.  `lock` guards the ring and the counts of open ends
 * and of sleepers; readers sleep on readable_wq (for data, EOF, or their turn
 * to copy) and writers on writable_wq (for room).  Data is copied to and from
 * user memory outside the lock (a copy may fault and sleep), through a small
 * kernel bounce buffer.
 *
 * Wake-ups cost a lock round trip on the wait queue and the run queue, so
 * they happen only when someone sleeps: a sleeper counts itself in
 * rsleepers/wsleepers under `lock` before it lets go of it (waitq_sleep takes
 * the wait queue's lock first), so a waker that changed the state under
 * `lock` and saw a count of zero has no one to wake, and one that saw a
 * sleeper finds it on the wait queue even if it wakes after unlocking.
 * Those wake-ups are "sync" (waitq_wake_all_sync): the waker goes on to
 * wait for the other end, so the sleeper is queued on the waker's hart when
 * that hart has nothing else to run, and a ping-pong stays on one hart.
 *
 * A write with no reader left raises SIGPIPE in the writer and fails with
 * EPIPE (seen if SIGPIPE is caught or ignored).  A sleep is interrupted by
 * a signal: -ERESTARTSYS, which becomes EINTR or a restart (proc/signal.h).
 *
 * A reader takes bytes out of the ring only after they reached its buffer:
 * it copies them (still in the ring) to the bounce buffer, copies that out,
 * and only then advances nread.  `copying` keeps a second reader from taking
 * the same bytes meanwhile.  So a read into a bad buffer fails with EFAULT
 * and leaves the bytes in the pipe for the next read.
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
#define CHUNK 256

struct pipe {
    struct spinlock lock;
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
    waitq_init(&p->readable_wq, "pipe read");
    waitq_init(&p->writable_wq, "pipe write");
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

ssize_t pipe_read(struct pipe *p, bool user, uintptr_t dst, size_t n)
{
    char tmp[CHUNK];
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
    p->copying = true;
    /* Take what is there (at least one byte, or EOF), CHUNK bytes at a time. */
    while (done < n && p->nread != p->nwrite) {
        size_t m = MIN(MIN((size_t)CHUNK, n - done), (size_t)(p->nwrite - p->nread));
        ring_peek_locked(p, p->nread, tmp, m);
        spin_unlock(&p->lock);
        int err = copy_out(user, dst + done, tmp, m);
        spin_lock(&p->lock);
        if (err) {
            ret = -EFAULT; /* the bytes stay in the pipe */
            break;
        }
        p->nread += m;
        done += m;
        if (p->wsleepers) /* room: a writer may refill while we copy */
            waitq_wake_all_sync(&p->writable_wq);
    }
    p->copying = false;
    /* Another reader waits for this copy to end: it has bytes (or EOF) to take. */
    bool wake_readers = p->rsleepers && (p->nread != p->nwrite || p->writers == 0);
    spin_unlock(&p->lock);
    if (wake_readers)
        waitq_wake_all(&p->readable_wq);
    return done ? (ssize_t)done : ret;
}

/* Put m bytes of tmp into the ring, sleeping while it is full; 0 or -errno. */
static int pipe_put(struct pipe *p, const char *tmp, size_t m, size_t *moved)
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
                waitq_wake_all_sync(&p->readable_wq); /* and this writer sleeps */
            pipe_sleep_locked(p, &p->writable_wq, &p->wsleepers);
            continue;
        }
        size_t k = MIN(room, m - i);
        ring_put_locked(p, tmp + i, k);
        i += k;
    }
    bool wake_readers = i && p->rsleepers;
    spin_unlock(&p->lock);
    if (wake_readers)
        waitq_wake_all_sync(&p->readable_wq);
    *moved = i;
    return err;
}

ssize_t pipe_write(struct pipe *p, bool user, uintptr_t src, size_t n)
{
    char tmp[CHUNK];
    size_t done = 0;
    while (done < n) {
        size_t m = MIN((size_t)CHUNK, n - done), moved;
        if (copy_in(user, tmp, src + done, m))
            return done ? (ssize_t)done : -EFAULT;
        int err = pipe_put(p, tmp, m, &moved);
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
        waitq_wake_all(&p->readable_wq); /* EOF */
    if (p->wsleepers)
        waitq_wake_all(&p->writable_wq); /* EPIPE */
    spin_unlock(&p->lock);
    if (last)
        kfree(p);
}
