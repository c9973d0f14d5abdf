/*
 * pmap: the regions of a process's address space.
 *
 *   pmap [PID]        (default: pmap itself)
 *
 * One line per region: address range, size, permissions (r w x, s for a
 * shared mapping, p private), backing, resident and swapped pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <quill/syscall.h>
#include "abi/mman.h"
#include "abi/vminfo.h"

#define MAXREG 512

static const char *kind_name(const struct vmregion *r)
{
    switch (r->kind) {
    case VMR_FILE:
        return "file";
    case VMR_HEAP:
        return "[heap]";
    case VMR_STACK:
        return "[stack]";
    default:
        return "[anon]";
    }
}

int main(int argc, char **argv)
{
    int pid = argc > 1 ? atoi(argv[1]) : 0;
    static struct vmregion r[MAXREG];
    int n = vmregions(pid, r, MAXREG);
    if (n < 0) {
        perror("pmap");
        return 1;
    }
    printf("%-25s %8s %-5s %-16s %8s %8s\n", "address", "size", "perm", "backing", "resident",
           "swapped");
    unsigned long size = 0, res = 0, swp = 0;
    for (int i = 0; i < n && i < MAXREG; i++) {
        char perm[6] = {r[i].prot & PROT_READ ? 'r' : '-', r[i].prot & PROT_WRITE ? 'w' : '-',
                        r[i].prot & PROT_EXEC ? 'x' : '-', r[i].shared ? 's' : 'p', 0};
        char backing[32];
        if (r[i].kind == VMR_FILE)
            snprintf(backing, sizeof(backing), "inode %u @%lx", r[i].inum, r[i].offset);
        else
            snprintf(backing, sizeof(backing), "%s", kind_name(&r[i]));
        unsigned long kb = (r[i].end - r[i].start) / 1024;
        printf("%010lx-%010lx %7luK %-5s %-16s %8lu %8lu\n", r[i].start, r[i].end, kb, perm,
               backing, r[i].resident, r[i].swapped);
        size += kb, res += r[i].resident, swp += r[i].swapped;
    }
    printf("%d regions, %luK reserved, %lu pages resident, %lu swapped\n", n, size, res, swp);
    return 0;
}
