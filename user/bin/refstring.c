/*
 * refstring: touch pages in the order given and count the page faults.
 *
 *   refstring PAGE...        (page numbers 0..63)
 *
 * The pages are those of a fresh anonymous mapping, each touched with one
 * store.  The count is of faults that brought a page in (vminfo's
 * limit_faults under memlimit, else minor + major faults), so under
 * `memlimit N` it is the number the textbook's replacement exercises ask for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "abi/vminfo.h"

#define NPAGES 64
#define PAGE 4096

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: refstring PAGE...\n");
        return 2;
    }
    int *refs = malloc(argc * sizeof(int));
    for (int i = 1; i < argc; i++) {
        refs[i] = atoi(argv[i]);
        if (refs[i] < 0 || refs[i] >= NPAGES) {
            fprintf(stderr, "refstring: page %s out of range 0..%d\n", argv[i], NPAGES - 1);
            return 2;
        }
    }
    volatile char *mem =
        mmap(0, NPAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        perror("refstring: mmap");
        return 1;
    }
    struct vminfo before, after;
    vminfo(0, &before);
    for (int i = 1; i < argc; i++)
        mem[refs[i] * PAGE] = (char)i;
    vminfo(0, &after);
    unsigned long faults = after.limit_faults - before.limit_faults;
    if (faults == 0) /* no limit: every first touch is a fault */
        faults = (after.minflt + after.majflt) - (before.minflt + before.majflt);
    printf("%d references, %lu faults\n", argc - 1, faults);
    return 0;
}
