/*
 * brk and sbrk over the brk system call (Linux semantics: __sys_brk(addr)
 * returns the new break, or the unchanged old one if it refused; __sys_brk(0)
 * returns the current break).  picolibc's malloc grows its heap with sbrk.
 * This sbrk replaces picolibc's own, which carves a fixed [__heap_start,
 * __heap_end) out of an embedded target's RAM (user.mk links with -u sbrk
 * so that ours is the one chosen).
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "ulib.h"

static uintptr_t cur_brk; /* 0 until first asked for */

static uintptr_t brk_now(void)
{
    if (cur_brk == 0)
        cur_brk = (uintptr_t)__sys_brk(0);
    return cur_brk;
}

int brk(void *addr)
{
    uintptr_t want = (uintptr_t)addr;

    brk_now();
    if ((uintptr_t)__sys_brk(want) != want) {
        errno = ENOMEM;
        return -1;
    }
    cur_brk = want;
    return 0;
}

void *sbrk(ptrdiff_t incr)
{
    uintptr_t old = brk_now();
    uintptr_t want = old + incr;

    if (incr == 0)
        return (void *)old;
    if ((incr > 0 && want < old) || (incr < 0 && want > old)) {
        errno = ENOMEM; /* wrapped around */
        return (void *)-1;
    }
    if ((uintptr_t)__sys_brk(want) != want) {
        errno = ENOMEM;
        return (void *)-1;
    }
    cur_brk = want;
    return (void *)old;
}
