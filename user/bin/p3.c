/*
 * p3: fork(), wait() and exec() -- OSTEP chapter 5, figure 5.3.
 *
 * The child replaces itself with the program wc: execvp() loads wc's code
 * and data over the child's, sets up a new stack with the arguments, and
 * never returns if it succeeds -- so "this shouldn't print out" never does.
 *
 * Quill's disk holds the programs but not their sources, so where the book
 * counts p3.c, we count /README.txt, which is always in the image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
        fflush(stdout); /* (exec discards what is still in stdio's buffer) */
        char *myargs[3];
        myargs[0] = strdup("wc");          /* program: "wc" (word count) */
        myargs[1] = strdup("/README.txt"); /* argument: file to count */
        myargs[2] = NULL;                  /* marks end of array */
        execvp(myargs[0], myargs);         /* runs word count */
        printf("this shouldn't print out\n");
    } else {
        /* parent goes down this path */
        int rc_wait = wait(NULL);
        printf("hello, I am parent of %d (rc_wait:%d) (pid:%d)\n", rc, rc_wait, (int)getpid());
    }
    return 0;
}
