/*
 * The block-device registry and the checks every request goes through
 * before its driver sees it (see dev/blockdev.h).
 */
#include "dev/blockdev.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "sync/spinlock.h"

static struct spinlock registry_lock = SPINLOCK_INIT("blockdev");
static struct blockdev *devices[BLOCKDEV_MAX]; /* (registry_lock) */
static int ndevices;                           /* (registry_lock) */

int blockdev_register(struct blockdev *bd)
{
    ASSERT(bd && bd->ops && bd->ops->rw);
    int r = -ENOMEM;
    spin_lock(&registry_lock);
    if (ndevices < BLOCKDEV_MAX) {
        devices[ndevices++] = bd;
        r = 0;
    }
    spin_unlock(&registry_lock);
    return r;
}

int blockdev_count(void)
{
    spin_lock(&registry_lock);
    int n = ndevices;
    spin_unlock(&registry_lock);
    return n;
}

struct blockdev *blockdev_get(int index)
{
    struct blockdev *bd = NULL;
    spin_lock(&registry_lock);
    if (index >= 0 && index < ndevices)
        bd = devices[index];
    spin_unlock(&registry_lock);
    return bd;
}

struct blockdev *blockdev_find(const char *name)
{
    struct blockdev *bd = NULL;
    spin_lock(&registry_lock);
    for (int i = 0; i < ndevices && !bd; i++)
        if (strcmp(devices[i]->name, name) == 0)
            bd = devices[i];
    spin_unlock(&registry_lock);
    return bd;
}

/* Can the device reach [buf, buf + n) by physical address? */
static bool is_dma_buffer(const void *buf, size_t n)
{
    uintptr_t lo = (uintptr_t)buf, hi = lo + n - 1;
    if (hi < lo)
        return false;
    if (is_dmap_addr(lo) && is_dmap_addr(hi))
        return true;
    return lo >= (uintptr_t)_kernel_start && hi < (uintptr_t)_kernel_end;
}

/* 0 if [sector, sector + nbytes) is a valid transfer on bd, else -EINVAL. */
static int check_range(struct blockdev *bd, uint64_t sector, const void *buf, size_t nbytes)
{
    if (nbytes % SECTOR_SIZE != 0 || sector >= bd->nsectors ||
        nbytes / SECTOR_SIZE > bd->nsectors - sector)
        return -EINVAL;
    if (!is_dma_buffer(buf, nbytes)) {
        printf("blockdev %s: buffer %p is not direct-map or image memory\n", bd->name, buf);
        return -EINVAL;
    }
    return 0;
}

static int blockdev_rw(struct blockdev *bd, uint64_t sector, void *buf, size_t nbytes, bool write)
{
    if (nbytes == 0)
        return 0;
    int r = check_range(bd, sector, buf, nbytes);
    if (r != 0)
        return r;
    if (write && bd->read_only)
        return -EROFS;
    __atomic_fetch_add(write ? &bd->stats.writes : &bd->stats.reads, 1, __ATOMIC_RELAXED);
    r = bd->ops->rw(bd, sector, buf, nbytes, write);
    if (r != 0)
        __atomic_fetch_add(&bd->stats.errors, 1, __ATOMIC_RELAXED);
    return r;
}

int blockdev_read(struct blockdev *bd, uint64_t sector, void *buf, size_t nbytes)
{
    return blockdev_rw(bd, sector, buf, nbytes, false);
}

int blockdev_write(struct blockdev *bd, uint64_t sector, const void *buf, size_t nbytes)
{
    /* The driver only reads buf for a write; the cast keeps one rw op. */
    return blockdev_rw(bd, sector, (void *)buf, nbytes, true);
}

int blockdev_flush(struct blockdev *bd)
{
    if (!bd->ops->flush)
        return 0;
    __atomic_fetch_add(&bd->stats.flushes, 1, __ATOMIC_RELAXED);
    int r = bd->ops->flush(bd);
    if (r != 0)
        __atomic_fetch_add(&bd->stats.errors, 1, __ATOMIC_RELAXED);
    return r;
}
