/* Giving cached kernel memory back before an allocation fails (reclaim.c). */
#ifndef MM_RECLAIM_H
#define MM_RECLAIM_H

#include "types.h"

/* Drain every hart's frame and slab caches and free cached kernel stacks. */
void mm_reclaim_caches(void);
/* One frame for user memory, reclaiming caches first if none is free; NULL: none. */
void *mm_alloc_user_frame(bool zero);

#endif
