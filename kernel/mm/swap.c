/* Swap slots and their I/O (see swap.h). */
#include "mm/swap.h"
#include "mm/layout.h"
#include "mm/page.h"
#include "mm/reclaim.h"
#include "mm/slab.h"
#include "abi/errno.h"
#include "dev/blockdev.h"
#include "init/boot.h"
#include "lib/fdt.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "sync/spinlock.h"

#define SECTORS_PER_PAGE (PAGE_SIZE / SECTOR_SIZE)

static struct blockdev *swap_dev;
static struct spinlock swap_lock = SPINLOCK_INIT("swap");
static uint16_t *slot_refs; /* (swap_lock) per slot; slot 0 (the header) is never free */
static size_t nslots;
static size_t next_free = 1;    /* (swap_lock) where the next search starts */
static struct swap_stats stats; /* (swap_lock) */

static bool has_magic(struct blockdev *bd)
{
    char *buf = page_alloc(0);
    bool ok = false;
    if (buf && blockdev_read(bd, 0, buf, SECTOR_SIZE) == 0)
        ok = memcmp(buf, SWAP_MAGIC, sizeof(SWAP_MAGIC) - 1) == 0;
    if (buf)
        page_free(buf, 0);
    return ok;
}

void swap_init(void)
{
    mm_reclaim_start(); /* the daemon and the global policy, swap or not */
    char name[8] = "vdb";
    bootarg_get(boot_fdt.bootargs, "swap", name, sizeof(name));
    struct blockdev *bd = blockdev_find(name);
    if (!bd || bd->read_only || bd->nsectors < 2 * SECTORS_PER_PAGE || !has_magic(bd))
        return;
    size_t n = bd->nsectors / SECTORS_PER_PAGE;
    uint16_t *refs = kzalloc(n * sizeof(*refs));
    if (!refs) {
        printf("swap: no memory for %lu slots; running without swap\n", n);
        return;
    }
    refs[0] = 1;
    slot_refs = refs;
    nslots = n;
    stats.total = n - 1;
    swap_dev = bd;
    printf("swap: %s, %lu KiB (%lu slots)\n", bd->name, (n - 1) * (PAGE_SIZE / 1024), n - 1);
}

bool swap_enabled(void)
{
    return swap_dev != NULL;
}

bool swap_has_room(void)
{
    return swap_dev && READ_ONCE(stats.used) < stats.total;
}

long swap_slot_alloc(void)
{
    long slot = -ENOSPC;
    spin_lock(&swap_lock);
    for (size_t k = 0; swap_dev && k < nslots; k++) {
        size_t i = (next_free + k) % nslots;
        if (slot_refs[i] == 0) {
            slot_refs[i] = 1;
            next_free = i + 1;
            stats.used++;
            slot = (long)i;
            break;
        }
    }
    spin_unlock(&swap_lock);
    return slot;
}

static void check_slot(long slot)
{
    if (slot <= 0 || (size_t)slot >= nslots || slot_refs[slot] == 0)
        panic("swap: slot %ld is not in use", slot);
}

void swap_slot_dup(long slot)
{
    spin_lock(&swap_lock);
    check_slot(slot);
    if (slot_refs[slot] == 0xffff)
        panic("swap: slot %ld has too many references", slot);
    slot_refs[slot]++;
    spin_unlock(&swap_lock);
}

void swap_slot_put(long slot)
{
    spin_lock(&swap_lock);
    check_slot(slot);
    if (--slot_refs[slot] == 0)
        stats.used--;
    spin_unlock(&swap_lock);
}

int swap_slot_refs(long slot)
{
    spin_lock(&swap_lock);
    check_slot(slot);
    int n = slot_refs[slot];
    spin_unlock(&swap_lock);
    return n;
}

/* Reads and writes under way (atomic). */
static int io_inflight;

int swap_io_inflight(void)
{
    return __atomic_load_n(&io_inflight, __ATOMIC_ACQUIRE);
}

int swap_write(long slot, const void *page)
{
    __atomic_add_fetch(&io_inflight, 1, __ATOMIC_ACQ_REL);
    int err = blockdev_write(swap_dev, (uint64_t)slot * SECTORS_PER_PAGE, page, PAGE_SIZE);
    __atomic_sub_fetch(&io_inflight, 1, __ATOMIC_ACQ_REL);
    spin_lock(&swap_lock);
    stats.outs += !err;
    spin_unlock(&swap_lock);
    return err ? -EIO : 0;
}

int swap_read(long slot, void *page)
{
    __atomic_add_fetch(&io_inflight, 1, __ATOMIC_ACQ_REL);
    int err = blockdev_read(swap_dev, (uint64_t)slot * SECTORS_PER_PAGE, page, PAGE_SIZE);
    __atomic_sub_fetch(&io_inflight, 1, __ATOMIC_ACQ_REL);
    spin_lock(&swap_lock);
    stats.ins += !err;
    spin_unlock(&swap_lock);
    return err ? -EIO : 0;
}

void swap_get_stats(struct swap_stats *st)
{
    spin_lock(&swap_lock);
    *st = stats;
    spin_unlock(&swap_lock);
}
