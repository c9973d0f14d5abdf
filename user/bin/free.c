/*
 * free: how much memory is used and free.
 *
 * Usage: free [-k|-m]
 *
 * From the sysinfo() system call:
 *
 *            total     used     free  reserved   user
 *     Mem:  131072K   9216K  121856K    1140K    412K
 *
 * total is the RAM, free the frames the allocator can hand out (per-hart
 * caches included), reserved what can never be allocated (the kernel image,
 * the page array, firmware), used = total - free, and user the part of
 * used that processes map.  -k (default) shows KiB, -m MiB.
 */
#include <stdio.h>
#include <string.h>
#include <quill/syscall.h>
#include <quill/sysinfo.h>

int main(int argc, char *argv[])
{
    unsigned long unit = 1024;
    const char *suffix = "K";
    if (argc > 1 && !strcmp(argv[1], "-m"))
        unit = 1024 * 1024, suffix = "M";
    else if (argc > 1 && strcmp(argv[1], "-k")) {
        fprintf(stderr, "usage: free [-k|-m]\n");
        return 2;
    }
    struct ksysinfo si;
    if (sysinfo(&si) < 0) {
        perror("free: sysinfo");
        return 1;
    }
    unsigned long used = si.mem_total - si.mem_free;
    printf("%12s %10s %10s %10s %10s\n", "total", "used", "free", "reserved", "user");
    printf("Mem: %7lu%s %9lu%s %9lu%s %9lu%s %9lu%s\n", si.mem_total / unit, suffix, used / unit,
           suffix, si.mem_free / unit, suffix, si.mem_reserved / unit, suffix, si.mem_user / unit,
           suffix);
    return 0;
}
