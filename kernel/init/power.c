/*
 * Powering off and rebooting: the one path down, whoever asks (the poweroff
 * system call, kmon's `poweroff`, bootargs `poweroff`).  Other processes are
 * killed and waited for first, so that their open files are closed and the
 * journal's last transaction holds their writes; then the journal is
 * committed and SBI SRST turns the machine off or restarts it.
 */
#include "init/boot.h"
#include "arch/riscv/sbi.h"
#include "fs/fs.h"
#include "fs/fsops.h"
#include "lib/printf.h"
#include "proc/proc.h"

void machine_power_off(bool reboot)
{
    proc_stop_all();
    if (root_fs)
        fs_sync();
    printf("%s\n", reboot ? "reboot" : "power off");
    sbi_system_reset(reboot ? SBI_SRST_COLD_REBOOT : SBI_SRST_SHUTDOWN, 0);
}
