/*
 * p1: fork() -- OSTEP chapter 5 (Interlude: Process API), figure 5.1.
 *
 * The child starts life right after fork() returns, as a copy of the parent:
 * fork() returns the child's pid in the parent and 0 in the child.  Which of
 * the two prints next is up to the scheduler: run p1 a few times (and with
 * CPUS=1 vs CPUS=4) and the last two lines may swap.
 *
 * (Try `p1 > out; cat out`: "hello world" appears twice.  With stdout a file,
 * printf only fills a buffer, and fork() copies the unflushed buffer too.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    printf("hello world (pid:%d)\n", (int)getpid());
    int rc = fork();
    if (rc < 0) {
        /* fork failed */
        fprintf(stderr, "fork failed\n");
        exit(1);
    } else if (rc == 0) {
        /* child (new process) */
        printf("hello, I am child (pid:%d)\n", (int)getpid());
    } else {
        /* parent goes down this path */
        printf("hello, I am parent of %d (pid:%d)\n", rc, (int)getpid());
    }
    return 0;
}
