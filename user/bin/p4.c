/*
 * p4: redirection, the way a shell does it -- OSTEP chapter 5, figure 5.4.
 *
 * The child closes its standard output (descriptor 1) and opens a file.
 * open() always returns the lowest free descriptor, which is now 1, so
 * everything wc writes to "standard output" lands in ./p4.output.  Then:
 *
 *     $ p4
 *     $ cat p4.output
 *           5      51     279 /README.txt
 *
 * (the counts depend on the file).  As in p3, wc counts /README.txt: the
 * book's p4.c is not on Quill's disk.  The parent prints nothing.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int rc = fork();
    if (rc < 0) {
        /* fork failed */
        fprintf(stderr, "fork failed\n");
        exit(1);
    } else if (rc == 0) {
        /* child: redirect standard output to a file */
        close(STDOUT_FILENO);
        open("./p4.output", O_CREAT | O_WRONLY | O_TRUNC, S_IRWXU);
        /* now exec "wc"... */
        char *myargs[3];
        myargs[0] = strdup("wc");          /* program: wc (word count) */
        myargs[1] = strdup("/README.txt"); /* arg: file to count */
        myargs[2] = NULL;                  /* mark end of array */
        execvp(myargs[0], myargs);         /* runs word count */
    } else {
        /* parent goes down this path */
        int rc_wait = wait(NULL);
        (void)rc_wait;
    }
    return 0;
}
