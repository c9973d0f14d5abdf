/*
 * vmstat: the machine's memory, and the calling shell's view of paging.
 *
 *   vmstat [INTERVAL [COUNT]]     (seconds; default: one line)
 *
 * Columns: frames of RAM, free frames, swap slots used / total, pages
 * swapped out and in (since boot, or since the previous line when
 * repeating).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <quill/syscall.h>
#include "abi/vminfo.h"

int main(int argc, char **argv)
{
    int interval = argc > 1 ? atoi(argv[1]) : 0;
    int count = argc > 2 ? atoi(argv[2]) : (interval ? -1 : 1);
    struct vmstat prev = {0}, v;
    printf("%8s %8s %8s %8s %8s %8s\n", "frames", "free", "swapused", "swaptot", "swapout",
           "swapin");
    for (int i = 0; count < 0 || i < count; i++) {
        if (vmstat(&v) != 0) {
            perror("vmstat");
            return 1;
        }
        printf("%8lu %8lu %8lu %8lu %8lu %8lu\n", v.frames, v.free, v.swap_used, v.swap_total,
               v.swap_outs - prev.swap_outs, v.swap_ins - prev.swap_ins);
        fflush(stdout);
        if (interval)
            prev = v;
        if (interval && (count < 0 || i + 1 < count))
            sleep(interval);
    }
    return 0;
}
