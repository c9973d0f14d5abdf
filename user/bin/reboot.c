/*
 * reboot: restart the machine.
 *
 * Usage: reboot
 *
 * Like poweroff, but asks the firmware for a warm reboot: the kernel boots
 * again from the start.  On success this never returns.
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
    poweroff(1);
    fprintf(stderr, "reboot: %s\n", strerror(errno));
#else
    fprintf(stderr, "reboot: poweroff() is a Quill system call\n");
#endif
    return 1;
}
