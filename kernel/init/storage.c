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
#include "mm/swap.h"
#include "mm/usercopy.h"
#include "abi/errno.h"

/* The console device (major 1): user buffers go through a kernel bounce buffer. */
static ssize_t console_dev_read(bool user, uintptr_t dst, size_t n)
{
    char buf[256];
    if (!user)
        return console_read((char *)dst, n);
    ssize_t r = console_read(buf, MIN(n, sizeof(buf)));
    if (r > 0 && copy_to_user(dst, buf, r))
        return -EFAULT;
    return r;
}

static ssize_t console_dev_write(bool user, uintptr_t src, size_t n)
{
    char buf[256];
    if (!user)
        return console_write((const char *)src, n);
    for (size_t done = 0; done < n;) {
        size_t m = MIN(n - done, sizeof(buf));
        if (copy_from_user(buf, src + done, m))
            return done ? (ssize_t)done : -EFAULT;
        console_write(buf, m);
        done += m;
    }
    return (ssize_t)n;
}

void storage_init(void)
{
    struct page_stats st;
    rtc_init(boot_fdt.rtc.base);
    virtio_blk_init_all();
    inode_cache_init();
    file_init();
    page_stats(&st);
    bcache_init(MAX(st.total / 32, (size_t)512));
    devsw[DEV_CONSOLE] = (struct devsw){console_dev_read, console_dev_write};
}

void storage_mount_root(void)
{
    char name[8] = "vda";
    bootarg_get(boot_fdt.bootargs, "root", name, sizeof(name));
    swap_init(); /* the swap disk, if one is attached (mm/swap.h) */
    struct blockdev *dev = blockdev_find(name);
    if (!dev) {
        printf("qfs: no root disk %s; running without a file system\n", name);
        return;
    }
    int err = fs_mount(dev, &root_fs);
    if (err)
        printf("qfs: cannot mount %s (error %d); running without a file system\n", name, err);
}
