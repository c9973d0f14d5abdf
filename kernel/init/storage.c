/*
 * Bringing up storage: find the disks (boot hart, before the scheduler) and
 * mount the root file system (first thread: mounting reads the disk and
 * replays the journal, and disk I/O sleeps).
 *
 * bootargs: root=<disk> (default: the first disk, vda).
 */
#include "init/boot.h"
#include "dev/blockdev.h"
#include "dev/console.h"
#include "dev/rtc.h"
#include "fs/bcache.h"
#include "fs/file.h"
#include "fs/fs.h"
#include "lib/fdt.h"
#include "lib/printf.h"
#include "mm/page.h"

static ssize_t console_dev_read(bool user, uintptr_t dst, size_t n)
{
    return user ? -14 /* EFAULT until user mode */ : console_read((char *)dst, n);
}

static ssize_t console_dev_write(bool user, uintptr_t src, size_t n)
{
    return user ? -14 : console_write((const char *)src, n);
}

void storage_init(void)
{
    struct page_stats st;
    rtc_init(boot_fdt.rtc.base);
    virtio_blk_init_all();
    icache_init();
    file_init();
    page_stats(&st);
    bcache_init(MAX(st.total / 32, (size_t)512));
    devsw[DEV_CONSOLE] = (struct devsw){console_dev_read, console_dev_write};
}

void storage_mount_root(void)
{
    char name[8] = "vda";
    bootarg_get(boot_fdt.bootargs, "root", name, sizeof(name));
    struct blockdev *dev = blockdev_find(name);
    if (!dev) {
        printf("qfs: no root disk %s; running without a file system\n", name);
        return;
    }
    int err = fs_mount(dev, &root_fs);
    if (err)
        printf("qfs: cannot mount %s (error %d); running without a file system\n", name, err);
}
