/*
 * vmprint: a process's page table, level by level (Sv39: three levels of
 * 512 entries; the kernel half is left out).
 *
 *   vmprint [PID]     (default: vmprint itself)
 *
 *   page table of pid 7 (3 levels, user half):
 *   [0] va 0x0000000000 pte 0x21fff801 -> table 0x87ffe000
 *   .. [0] va 0x0000000000 pte 0x21fff401 -> table 0x87ffd000
 *   .. .. [16] va 0x0000010000 pte 0x21ffa05b -> page 0x87fe8000 r-xu a-
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <quill/syscall.h>
#include "abi/vminfo.h"

#define MAXPTE 4096

static void print_entry(const struct vmpte *e)
{
    unsigned long pte = e->pte, pa = ((pte >> 10) & ((1UL << 44) - 1)) << 12;
    int leaf = (pte & 0xe) != 0;
    for (int d = 2; d > e->level; d--)
        printf(".. ");
    printf("[%d] va 0x%010lx pte 0x%08lx -> %s 0x%lx", e->index, e->va, pte,
           leaf ? "page" : "table", pa);
    if (leaf)
        printf(" %c%c%c%c %c%c%s", pte & 2 ? 'r' : '-', pte & 4 ? 'w' : '-', pte & 8 ? 'x' : '-',
               pte & 16 ? 'u' : '-', pte & 64 ? 'a' : '-', pte & 128 ? 'd' : '-',
               pte & 256 ? " cow" : "");
    printf("\n");
}

int main(int argc, char **argv)
{
    int pid = argc > 1 ? atoi(argv[1]) : 0;
    static struct vmpte e[MAXPTE];
    int n = vmwalk(pid, e, MAXPTE);
    if (n < 0) {
        perror("vmprint");
        return 1;
    }
    printf("page table of pid %d (3 levels, user half):\n", pid ? pid : getpid());
    int tables = 1, pages = 0;
    for (int i = 0; i < n && i < MAXPTE; i++) {
        print_entry(&e[i]);
        if (e[i].pte & 0xe)
            pages++;
        else
            tables++;
    }
    printf("%d page-table pages, %d pages mapped%s\n", tables, pages,
           n > MAXPTE ? " (list cut)" : "");
    return 0;
}
