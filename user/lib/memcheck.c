/*
 * The shared leak verdict (<quill/memcheck.h>): missing frames that are slab
 * fragmentation, not a leak.
 */
#include <stdio.h>
#include <quill/memcheck.h>
#include <quill/syscall.h>
#include "abi/vminfo.h"

int memcheck_take(struct memcheck *m, long frames)
{
    struct vmstat vs;
    if (vmstat(&vs) != 0)
        return -1;
    m->frames = frames;
    m->slab_frames = (long)vs.slab_frames;
    m->slab_objects = (long)vs.slab_objects; /* (a cached page's entry is in its frame) */
    return 0;
}

bool memcheck_held(const struct memcheck *before, const struct memcheck *after)
{
    long lost = before->frames - after->frames;
    return lost > 0 && lost <= after->slab_frames - before->slab_frames &&
           after->slab_objects <= before->slab_objects;
}

int memcheck_explain(char *buf, int len, const struct memcheck *before,
                     const struct memcheck *after)
{
    return snprintf(buf, (size_t)len,
                    "%ld pages held by partly used slab pages (objects in use %ld -> %ld, "
                    "slab pages %ld -> %ld)",
                    before->frames - after->frames, before->slab_objects, after->slab_objects,
                    before->slab_frames, after->slab_frames);
}
