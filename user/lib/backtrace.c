/*
 * backtrace(): walk the chain of stack frames through the frame pointer.
 *
 * Every user program is compiled with -fno-omit-frame-pointer, so each
 * function that calls another keeps a frame record at the top of its frame
 * (RISC-V psABI, with s0 = fp pointing just above it):
 *
 *     higher addresses
 *     |  caller's frame  |
 *     +------------------+ <- fp (s0): the stack pointer on entry
 *     | return address   |    fp - 8
 *     | caller's fp      |    fp - 16
 *     |  locals ...      |
 *     +------------------+ <- sp
 *
 * crt0 starts the chain with fp = 0.  The walk stops there, at max frames,
 * or at a frame pointer that is not a plausible stack address (misaligned,
 * below the current one, or too far above it), so it never faults.
 */
#include <stdio.h>
#include <quill/backtrace.h>

#define BACKTRACE_MAX_STACK (8UL << 20) /* the user stack's limit */

/* LAB traps BEGIN */
/*
 * Read the frame record below fp: 0, or -1 if fp does not look like a frame
 * of this stack (low: where the walk started).  A function of its own, so
 * that backtrace() calls something and so keeps a full frame record itself
 * (a function that calls nothing saves only fp, not ra).
 */
__attribute__((noinline)) static int frame_read(uintptr_t fp, uintptr_t low, uintptr_t *ra,
                                                uintptr_t *prev)
{
    if (fp % 8 != 0 || fp < low || fp > low + BACKTRACE_MAX_STACK)
        return -1;
    *ra = ((uintptr_t *)fp)[-1];
    *prev = ((uintptr_t *)fp)[-2];
    return 0;
}
/* LAB traps END */

/* noinline: its own frame is where the walk starts (see backtrace_print). */
__attribute__((noinline)) int backtrace(uintptr_t *pcs, int max)
{
    int n = 0;
    /* LAB traps BEGIN */
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0), low = fp;
    /* Our own frame first: its return address is in our caller. */
    while (n < max && fp != 0) {
        uintptr_t ra, prev;
        if (frame_read(fp, low, &ra, &prev) < 0 || ra == 0)
            break;
        pcs[n++] = ra;
        if (prev != 0 && prev <= fp)
            break; /* frames go up the stack: a loop or garbage */
        fp = prev;
    }
    /* LAB traps SKELETON
    (void)pcs;
    (void)max; // your code here: docs/labs/traps.md
       LAB traps END */
    return n;
}

void backtrace_print(void)
{
    uintptr_t pcs[32];
    int n = backtrace(pcs, 32);
    fprintf(stderr, "backtrace:\n");
    /* pcs[0] is in this function: start with our caller's caller. */
    for (int i = 1; i < n; i++)
        fprintf(stderr, "#%d 0x%lx\n", i - 1, (unsigned long)pcs[i]);
}
