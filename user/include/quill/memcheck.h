/*
 * The leak verdict that usertests' runner and sysfuzz share (user/lib/memcheck.c).
 *
 * A test program counts the kernel's memory before a run and after it (once
 * the run's processes are gone).  Fewer free frames afterwards is a leak,
 * unless every missing frame is slab fragmentation: the missing frames are
 * no more than the slab caches grew by, while no more slab objects are in
 * use than at the start (the run's objects went back, into other slab
 * pages than they came from, and pages still partly used by the objects
 * that stayed cannot be given back).
 */
#ifndef QUILL_MEMCHECK_H
#define QUILL_MEMCHECK_H

#include <stdbool.h>

struct memcheck {
    long frames;       /* free frames, plus whatever the caller counts as free */
    long slab_frames;  /* frames of the kernel's slab caches */
    long slab_objects; /* objects in use in them */
};

/* The kernel's counts now, with `frames` as the caller's free-frame count
 * (memfree() and what it adds); -1 if vmstat failed. */
int memcheck_take(struct memcheck *m, long frames);
/* Are the frames missing since `before` slab fragmentation (above)?  (false
 * when none is missing: the caller tests frames itself.) */
bool memcheck_held(const struct memcheck *before, const struct memcheck *after);
/* One line (no newline) with the counts behind the verdict. */
int memcheck_explain(char *buf, int len, const struct memcheck *before,
                     const struct memcheck *after);

#endif
