/*
 * What the self-tests share: the FAIL report, and starting and joining a
 * set of kernel threads that run one function (each on its own argument).
 */
#include "test/selftest.h"
#include "lib/printf.h"
#include "proc/thread.h"

int selftest_fail(const char *test, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printf("selftest %s: FAIL: %s\n", test, msg);
    return -1;
}

int selftest_spawn(struct thread **t, int n, const char *name, void (*fn)(void *), void *args,
                   size_t arg_size)
{
    for (int i = 0; i < n; i++) {
        void *arg = args ? (char *)args + i * arg_size : NULL;
        if (!(t[i] = thread_create(name, fn, arg)))
            return i;
    }
    return n;
}

void selftest_join(struct thread **t, int n)
{
    for (int i = 0; i < n; i++)
        thread_join(t[i]);
}
