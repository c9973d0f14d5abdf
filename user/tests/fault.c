/*
 * fault: die of a fault, for the tests of how the shell reports it.
 *
 * Usage: fault segv | ill | bus | trap | abort
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    static volatile int *volatile null_ptr;
    const char *what = argc > 1 ? argv[1] : "segv";
    if (!strcmp(what, "segv"))
        *null_ptr = 1;
    else if (!strcmp(what, "ill"))
        __asm__ volatile(".word 0");
    else if (!strcmp(what, "bus"))
        __asm__ volatile("lr.w t1, (%0)" ::"r"((char *)&null_ptr + 1)
                         : "t1"); /* misaligned atomic */
    else if (!strcmp(what, "trap"))
        __asm__ volatile("ebreak");
    else if (!strcmp(what, "abort"))
        abort();
    fprintf(stderr, "usage: fault segv | ill | bus | trap | abort\n");
    return 2;
}
