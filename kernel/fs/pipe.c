/*
 * Pipe implementation.  `lock` guards the ring and the counts of open ends;
 * readers and writers sleep on one wait queue.  Data is copied to and from
 * user memory outside the lock (a copy may fault and sleep), through a small
 * kernel bounce buffer.
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
    struct waitq wq;
    uint64_t nread, nwrite; /* (lock) bytes ever read / written */
    int readers, writers;   /* (lock) open ends */
    bool copying;           /* (lock) a reader is copying out bytes it has not taken yet */
    char buf[PIPE_SIZE];    /* (lock) */
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
    waitq_init(&p->wq, "pipe");
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
        waitq_sleep(&p->wq, &p->lock);
    }
    p->copying = true;
    /* Take what is there (at least one byte, or EOF), CHUNK bytes at a time. */
    while (done < n && p->nread != p->nwrite) {
        size_t m = 0;
        while (m < CHUNK && done + m < n && p->nread + m != p->nwrite)
            tmp[m] = p->buf[(p->nread + m) % PIPE_SIZE], m++;
        spin_unlock(&p->lock);
        int err = copy_out(user, dst + done, tmp, m);
        spin_lock(&p->lock);
        if (err) {
            ret = -EFAULT; /* the bytes stay in the pipe */
            break;
        }
        p->nread += m;
        done += m;
        waitq_wake_all(&p->wq);
    }
    p->copying = false;
    waitq_wake_all(&p->wq);
    spin_unlock(&p->lock);
    return done ? (ssize_t)done : ret;
}

ssize_t pipe_write(struct pipe *p, bool user, uintptr_t src, size_t n)
{
    char tmp[CHUNK];
    size_t done = 0;
    while (done < n) {
        size_t m = MIN((size_t)CHUNK, n - done);
        if (copy_in(user, tmp, src + done, m))
            return done ? (ssize_t)done : -EFAULT;
        spin_lock(&p->lock);
        for (size_t i = 0; i < m;) {
            if (p->readers == 0 || sig_pending()) {
                int err = p->readers == 0 ? -EPIPE : -ERESTARTSYS;
                spin_unlock(&p->lock);
                if (err == -EPIPE && user)
                    sig_send_kernel(proc_current(), SIGPIPE);
                return done + i ? (ssize_t)(done + i) : err;
            }
            if (p->nwrite - p->nread == PIPE_SIZE) {
                waitq_wake_all(&p->wq);
                waitq_sleep(&p->wq, &p->lock);
                continue;
            }
            p->buf[p->nwrite++ % PIPE_SIZE] = tmp[i++];
        }
        waitq_wake_all(&p->wq);
        spin_unlock(&p->lock);
        done += m;
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
    waitq_wake_all(&p->wq);
    spin_unlock(&p->lock);
    if (last)
        kfree(p);
}
