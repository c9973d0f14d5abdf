/*
 * <setjmp.h>: picolibc's (setjmp, longjmp), plus sigsetjmp/siglongjmp,
 * which picolibc provides only on some systems.  sigsetjmp(env, 1) also
 * saves the signal mask and siglongjmp puts it back, so a signal handler
 * can leave with siglongjmp and leave its signal unblocked.
 * (siglongjmp is in user/lib/signal.c.)
 */
#ifndef QUILL_SETJMP_H
#define QUILL_SETJMP_H
#include_next <setjmp.h>
#include <signal.h>

typedef struct {
    jmp_buf jb;
    int savemask;
    sigset_t mask;
} sigjmp_buf[1];

/* A macro: setjmp must run in the caller's frame. */
#define sigsetjmp(env, save)                                                                       \
    ((env)[0].savemask = (save),                                                                   \
     (env)[0].savemask ? (void)sigprocmask(SIG_BLOCK, NULL, &(env)[0].mask) : (void)0,             \
     setjmp((env)[0].jb))

void siglongjmp(sigjmp_buf env, int val) __attribute__((__noreturn__));

#endif
