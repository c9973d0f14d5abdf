/*
 * pgtbl: print this process's page table, through the vmprint system call
 * (the page-table lab, docs/labs/pgtbl.md; `vmprint PID` shows any process's
 * from user space, over vmwalk).
 *
 * Usage: pgtbl [-t PAGES]
 *   -t PAGES  first allocate and touch PAGES pages of heap, to see them appear
 *
 * Prints the kernel's text (docs/labs/pgtbl.md): one line per valid entry of
 * the user half of the Sv39 table, indented by level, and a summary line.
 * Then one more line, "getprocs: N pages", the user memory the kernel counts
 * for this process (ps's SIZE), to compare with the pages the walk found.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <quill/procinfo.h>
#include <quill/syscall.h>

#define VMPRINT_BUF (64 * 1024)

static long own_size(void)
{
    static struct procinfo procs[128];
    int n = getprocs(procs, 128), me = getpid();
    for (int i = 0; i < n; i++)
        if (procs[i].pid == me)
            return (long)(procs[i].size / 4096);
    return -1;
}

int main(int argc, char *argv[])
{
    long touch = 0;
    if (argc == 3 && !strcmp(argv[1], "-t")) {
        touch = atol(argv[2]);
    } else if (argc != 1) {
        fprintf(stderr, "usage: pgtbl [-t PAGES]\n");
        return 2;
    }
    if (touch > 0) {
        char *heap = malloc(touch * 4096);
        if (!heap) {
            fprintf(stderr, "pgtbl: cannot allocate %ld pages\n", touch);
            return 1;
        }
        memset(heap, 1, touch * 4096);
    }
    char *buf = malloc(VMPRINT_BUF);
    if (!buf) {
        fprintf(stderr, "pgtbl: out of memory\n");
        return 1;
    }
    /* Memory is mapped on first touch: touch the output buffer and getprocs's
     * records now, so that the walk already sees every page the count will. */
    memset(buf, 0, VMPRINT_BUF);
    own_size();
    long n = vmprint(buf, VMPRINT_BUF);
    long size = own_size(); /* before printing: stdio's buffer is allocated on first use */
    if (n < 0) {
        fprintf(stderr, "pgtbl: %s\n", strerror(errno));
        return 1;
    }
    fwrite(buf, 1, n, stdout);
    printf("getprocs: %ld pages\n", size);
    /* The system call's errors: a buffer too small, a bad pointer. */
    char small[8];
    if (vmprint(small, sizeof(small)) == -1 && errno == ERANGE)
        printf("small buffer: ERANGE\n");
    if (vmprint((char *)0x10, 4096) == -1 && errno == EFAULT)
        printf("bad pointer: EFAULT\n");
    return 0;
}
