/*
 * Per-process descriptor tables: an array of open-file pointers that grows
 * (doubling) up to FD_MAX.  A descriptor is the index; the lowest free one is
 * handed out, which is what makes `cmd > file` work after close(1).  Only
 * the process's own thread touches its table.
 */
#include "proc/proc.h"
#include "fs/file.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/slab.h"

static int grow(struct proc *p, int need)
{
    int cap = p->nfds ? p->nfds : 16;
    while (cap <= need)
        cap *= 2;
    cap = MIN(cap, FD_MAX);
    if (need >= cap)
        return -EMFILE;
    struct file **fds = kzalloc(cap * sizeof(*fds));
    bool *cloexec = kzalloc(cap * sizeof(*cloexec));
    if (!fds || !cloexec) {
        kfree(fds);
        kfree(cloexec);
        return -ENOMEM;
    }
    if (p->fds) {
        memcpy(fds, p->fds, p->nfds * sizeof(*fds));
        memcpy(cloexec, p->cloexec, p->nfds * sizeof(*cloexec));
    }
    kfree(p->fds);
    kfree(p->cloexec);
    p->fds = fds;
    p->cloexec = cloexec;
    p->nfds = cap;
    return 0;
}

int fd_alloc(struct proc *p, struct file *f, int min)
{
    return fd_alloc_cloexec(p, f, min, false);
}

int fd_alloc_cloexec(struct proc *p, struct file *f, int min, bool cloexec)
{
    if (min < 0 || min >= FD_MAX)
        return -EINVAL;
    for (int fd = min;; fd++) {
        if (fd >= p->nfds) {
            int err = grow(p, fd);
            if (err)
                return err;
        }
        if (!p->fds[fd]) {
            p->fds[fd] = f;
            p->cloexec[fd] = cloexec;
            return fd;
        }
    }
}

struct file *fd_get(struct proc *p, int fd)
{
    return fd >= 0 && fd < p->nfds ? p->fds[fd] : NULL;
}

int fd_close(struct proc *p, int fd)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    p->fds[fd] = NULL;
    p->cloexec[fd] = false;
    file_close(f);
    return 0;
}

void fd_close_on_exec(struct proc *p)
{
    for (int fd = 0; fd < p->nfds; fd++)
        if (p->fds[fd] && p->cloexec[fd])
            fd_close(p, fd);
}

int fd_copy_table(struct proc *src, struct proc *dst)
{
    if (!src->nfds)
        return 0;
    dst->fds = kzalloc(src->nfds * sizeof(*dst->fds));
    dst->cloexec = kzalloc(src->nfds * sizeof(*dst->cloexec));
    if (!dst->fds || !dst->cloexec)
        return -ENOMEM; /* proc_free releases what was allocated */
    dst->nfds = src->nfds;
    memcpy(dst->cloexec, src->cloexec, src->nfds * sizeof(*dst->cloexec));
    for (int fd = 0; fd < src->nfds; fd++)
        if (src->fds[fd])
            dst->fds[fd] = file_dup(src->fds[fd]);
    return 0;
}

void fd_close_all(struct proc *p)
{
    for (int fd = 0; fd < p->nfds; fd++)
        if (p->fds[fd])
            fd_close(p, fd);
}
