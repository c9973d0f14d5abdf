/*
 * upcase WORD...: print each word in upper case, through the upcase system call.
 * LAB syscall FILE: the reference solution of docs/labs/syscall.md, step 3.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <quill/syscall.h>

int main(int argc, char *argv[])
{
    char out[128];
    for (int i = 1; i < argc; i++) {
        long n = upcase(argv[i], out, sizeof(out));
        if (n < 0) {
            printf("upcase: %s\n", strerror(errno));
            return 1;
        }
        printf("%s (%ld)\n", out, n);
    }
    /* A bad pointer is an error for the caller, not a crash. */
    if (upcase((const char *)0x10, out, sizeof(out)) == -1 && errno == EFAULT)
        printf("bad pointer: EFAULT\n");
    return 0;
}
