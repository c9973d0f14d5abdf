/*
 * vmstat: the machine's memory, and the calling shell's view of paging.
 *
 *   vmstat [INTERVAL [COUNT]]     (seconds; default: one line)
 *
 * Columns: frames of RAM, free frames, swap slots used / total, pages
 * swapped out and in, frames evicted under global pressure, swap daemon
 * wake-ups and the frames it freed, frames freed by direct reclaim, dirty
 * shared file pages written back, OOM kills (the counters since boot, or
 * since the previous line when repeating).  The last lines give the
 * daemon's watermarks, what direct reclaim did (runs, drains of every
 * hart's per-cpu caches, ticks allocations waited for reclaim, the times
 * the replacement set's lock was busy), the frames of the kernel's slab caches (those of
 * the reverse map, and its chained items: PTEs beyond a frame's first) and
 * the page cache: frames of file pages, how many of them are mapped, and
 * the lookups that found their page or read it from the file.
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
    printf("%8s %8s %8s %8s %8s %8s %8s %6s %7s %7s %6s %4s\n", "frames", "free", "swapused",
           "swaptot", "swapout", "swapin", "evicted", "kswapd", "kfreed", "direct", "wback", "oom");
    for (int i = 0; count < 0 || i < count; i++) {
        if (vmstat(&v) != 0) {
            perror("vmstat");
            return 1;
        }
        printf("%8lu %8lu %8lu %8lu %8lu %8lu %8lu %6lu %7lu %7lu %6lu %4lu\n", v.frames, v.free,
               v.swap_used, v.swap_total, v.swap_outs - prev.swap_outs, v.swap_ins - prev.swap_ins,
               v.evictions - prev.evictions, v.kswapd_runs - prev.kswapd_runs,
               v.kswapd_freed - prev.kswapd_freed, v.direct_freed - prev.direct_freed,
               v.writebacks - prev.writebacks, v.oom_kills - prev.oom_kills);
        fflush(stdout);
        if (interval)
            prev = v;
        if (interval && (count < 0 || i + 1 < count))
            sleep(interval);
    }
    printf("watermarks: low %lu, high %lu frames\n", v.low, v.high);
    printf("direct reclaim: %lu runs, %lu cache drains, %lu ticks waited; the replacement "
           "set's lock busy %lu times\n",
           v.direct_runs, v.drains, v.alloc_waits, v.lock_waits);
    printf("kernel slabs: %lu frames (reverse map: %lu, %lu chained items)\n", v.slab_frames,
           v.rmap_frames, v.rmap_chained);
    printf("page cache: %lu frames (%lu mapped), %lu hits, %lu misses\n", v.page_cache,
           v.cache_mapped, v.cache_hits, v.cache_misses);
    return 0;
}
