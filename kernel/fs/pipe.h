/*
 * Pipes: a 4 KiB ring buffer between a read end and a write end, each an
 * open-file object.  A reader sleeps while the pipe is empty and a writer
 * while it is full.  Read returns 0 (EOF) once the pipe is empty and every
 * write end is closed; a write with no read end open raises SIGPIPE and
 * fails with EPIPE.  A blocked read or write returns early (what it moved so
 * far, or -ERESTARTSYS) when a signal is pending for its process.
 */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include "types.h"

struct file;
struct pipe;

/* Two new open files: *rf reads, *wf writes; 0 or -ENOMEM. */
int pipe_create(struct file **rf, struct file **wf);
ssize_t pipe_read(struct pipe *p, bool user, uintptr_t dst, size_t n);
ssize_t pipe_write(struct pipe *p, bool user, uintptr_t src, size_t n);
void pipe_close(struct pipe *p, bool writable);

#endif
