/*
 * p2: fork() and wait() -- OSTEP chapter 5, figure 5.2.
 *
 * Like p1, but the parent calls wait(), which returns only when the child
 * has exited (and returns the child's pid).  So the child's line always
 * comes before the parent's: the output order is now deterministic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
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
        int rc_wait = wait(NULL);
        printf("hello, I am parent of %d (rc_wait:%d) (pid:%d)\n", rc, rc_wait, (int)getpid());
    }
    return 0;
}
