/*
 * sigtest --bench: the cost of a signal delivered to oneself (kill, frame,
 * handler, sigreturn) next to a bare system call.
 */
#include "sigtest.h"

int sigtest_bench(void)
{
    enum { N = 20000 };
    on(SIGUSR1, count, 0);
    pid_t me = getpid();
    double t0 = now_s();
    for (int i = 0; i < N; i++)
        getppid();
    double t1 = now_s();
    for (int i = 0; i < N; i++)
        kill(me, SIGUSR1);
    double t2 = now_s();
    printf("system call (getppid): %.2f us\n", (t1 - t0) * 1e6 / N);
    printf("signal to self (kill + handler + sigreturn): %.2f us, %d handled\n",
           (t2 - t1) * 1e6 / N, got);
    return got == N ? 0 : 1;
}
