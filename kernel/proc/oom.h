/* The out-of-memory killer (oom.c). */
#ifndef PROC_OOM_H
#define PROC_OOM_H

#include "types.h"

/* No frame anywhere (caches drained, nothing left to evict).  Ends the
 * process that frees the most memory (oom.c says which) and waits for it to
 * be gone.  true: retry the allocation; false: the caller itself was chosen
 * (or is dying already) and its allocation fails.  May sleep. */
bool oom_kill_and_wait(void);
/* Has the calling process been sent SIGKILL (by the killer or anyone)? */
bool oom_self_killed(void);
struct mm;
/* mm_destroy has freed mm: if it was the victim's, the victim is gone. */
void oom_mm_destroyed(struct mm *mm);

#endif
