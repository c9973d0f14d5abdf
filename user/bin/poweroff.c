/*
 * poweroff: turn the machine off.
 *
 * Usage: poweroff
 *
 * The kernel syncs the file system and asks the firmware (SBI system reset)
 * to power off; under QEMU, QEMU exits.  On success this never returns.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef __riscv
#include <quill/syscall.h>
#endif

int main(void)
{
#ifdef __riscv
    sync();
    poweroff(0);
    fprintf(stderr, "poweroff: %s\n", strerror(errno));
#else
    fprintf(stderr, "poweroff: poweroff() is a Quill system call\n");
#endif
    return 1;
}
