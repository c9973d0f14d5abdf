/*
 * Block devices: a tiny registry of disks and the calls the buffer cache
 * uses to move whole 512-byte sectors.  A driver fills a struct blockdev
 * (name, size, ops) and registers it once at boot; devices are never
 * unregistered, so a pointer from blockdev_get/find stays valid forever.
 *
 * blockdev_read/write/flush check the request (range, size, buffer) and
 * hand it to the driver's ops; they may sleep, so call them from a thread,
 * never from an interrupt handler or with a spinlock held.  Many threads
 * may call them at once on the same device.
 *
 * Buffers: the driver gives the device physical addresses, so a buffer must
 * be a direct-map or kernel-image address (kmalloc / page_alloc memory, a
 * static array), never a kernel-stack address.  Such a buffer is physically
 * contiguous over any length.
 *
 * Locks: the registry lock guards the table (taken briefly; nothing else is
 * taken inside it).  Drivers document their own locks.
 */
#ifndef DEV_BLOCKDEV_H
#define DEV_BLOCKDEV_H

#include "types.h"

#define SECTOR_SIZE 512
#define BLOCKDEV_MAX 8

struct blockdev;

struct blockdev_ops {
    /* nbytes > 0, a multiple of SECTOR_SIZE, inside the disk (checked by the
     * caller).  Sleeps until done; 0 or -EIO. */
    int (*rw)(struct blockdev *bd, uint64_t sector, void *buf, size_t nbytes, bool write);
    /* Make completed writes durable; 0 or -EIO.  May be NULL (nothing to do). */
    int (*flush)(struct blockdev *bd);
};

/* Counters for tests and the curious: updated atomically, read racily. */
struct blockdev_stats {
    uint64_t reads, writes, flushes; /* requests (by blockdev_*), and ... */
    uint64_t errors;                 /* ... how many of them failed */
    uint32_t inflight;               /* driver: requests on the device right now */
    uint32_t max_inflight;           /* driver: the most ever on it at once */
    uint64_t slot_waits;             /* driver: times a caller slept for a free slot */
};

struct blockdev {
    char name[8];      /* "vda", "vdb", ... in discovery order */
    uint64_t nsectors; /* size in SECTOR_SIZE units */
    bool read_only;
    const struct blockdev_ops *ops;
    void *priv; /* the driver's own state */
    struct blockdev_stats stats;
};

/* Boot: add bd to the table.  0, or -ENOMEM when the table is full. */
int blockdev_register(struct blockdev *bd);
int blockdev_count(void);
struct blockdev *blockdev_get(int index); /* NULL if none */
struct blockdev *blockdev_find(const char *name);

/* Read/write nbytes (a multiple of SECTOR_SIZE) at sector; may sleep until the
 * device is done.  0; -EIO on a device error; -EINVAL on a bad range (beyond
 * the disk, not a sector multiple) or a buffer the device cannot reach;
 * -EROFS for a write to a read-only disk.  nbytes == 0 does nothing. */
int blockdev_read(struct blockdev *bd, uint64_t sector, void *buf, size_t nbytes);
int blockdev_write(struct blockdev *bd, uint64_t sector, const void *buf, size_t nbytes);
/* Make every completed write durable (a no-op for disks without a write
 * cache).  0 or -EIO; may sleep. */
int blockdev_flush(struct blockdev *bd);

/* Probe every virtio-mmio node of the device tree and register each block
 * device (dev/virtio_blk.c).  Boot hart, once, after plic_init and
 * thread_init. */
void virtio_blk_init_all(void);

#endif
