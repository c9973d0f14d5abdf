/*
 * virtio-blk over the modern virtio-mmio transport (Version 2), one split
 * virtqueue per disk, interrupt-driven, many requests in flight at once.
 * docs/virtio.md tells the whole story with pictures; in short:
 *
 *   - A request is a chain of descriptors: header (device reads) -> data
 *     (device reads for a write, writes for a read) -> status byte (device
 *     writes).  A flush has no data descriptor.
 *   - Free descriptors form a list threaded through desc[].next.  A caller
 *     takes 2 or 3 of them (sleeping on free_wq while there are too few),
 *     puts the chain's head in the available ring, notifies the device, and
 *     sleeps on the wait queue of its own slot until it is done.
 *   - slots[i] belongs to the chain whose head is descriptor i: it holds the
 *     request header and status byte the device reads/writes, and the wait
 *     queue its submitter sleeps on.
 *   - The interrupt handler acknowledges the interrupt, walks the used ring
 *     from last_used to used->idx, marks each returned slot done and wakes
 *     its submitter.  The submitter, not the handler, frees the chain: the
 *     slot's status byte must stay valid until the submitter has read it.
 *
 * Locking: vblk.lock (a spinlock, also taken by the interrupt handler)
 * guards every field marked (l): the descriptor table and free list, the
 * available ring, last_used, the slots' flags.  Callers sleep with it
 * released (waitq_sleep).  Lock order: vblk.lock -> wait-queue lock -> run-queue lock.
 * Fields marked (i) are set before the disk is registered, then read-only.
 *
 * A device that misbehaves (returns a descriptor that is not in flight,
 * jumps its used index, or sets DEVICE_NEEDS_RESET) is reported on the
 * console; the last two mark the disk broken: every waiting and future
 * request fails with -EIO.  Nothing here panics because of the device.
 */
#include "dev/blockdev.h"
#include "dev/virtio.h"
#include "abi/errno.h"
#include "arch/riscv/plic.h"
#include "init/boot.h"
#include "lib/fdt.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "sync/spinlock.h"
#include "sync/waitq.h"

#define VBLK_QUEUE_MAX 64          /* descriptors per queue we use at most */
#define VBLK_MAX_XFER (256 * 1024) /* bytes per request, unless size_max is smaller */
#define VBLK_STATUS_NONE 0xff      /* "device has not written the status yet" */

struct vblk_slot {
    struct virtio_blk_req_hdr hdr; /* (l) the device reads it */
    volatile uint8_t status;       /* the device writes it */
    bool busy;                     /* (l) submitted and not yet reaped by its submitter */
    bool done;                     /* (l) the device returned it (or the disk broke) */
    struct waitq wq;               /* the submitter sleeps here until done */
};

struct vblk {
    struct blockdev bd;
    volatile uint8_t *regs; /* (i) */
    paddr_t base;           /* (i) */
    uint32_t irq;           /* (i) */
    uint16_t qsize;         /* (i) entries in each ring, a power of two */
    bool has_flush;         /* (i) VIRTIO_BLK_F_FLUSH negotiated */
    uint32_t max_xfer;      /* (i) bytes per request */

    struct spinlock lock;
    struct virtq_desc *desc;          /* (l) */
    struct virtq_avail *avail;        /* (l) */
    volatile struct virtq_used *used; /* written by the device */
    void *rings;                      /* (i) the page(s) holding all three rings */
    unsigned rings_order;             /* (i) */
    struct vblk_slot *slots;          /* (l) [qsize], indexed by head descriptor */
    uint16_t free_head;               /* (l) first free descriptor */
    uint16_t nfree;                   /* (l) free descriptors */
    uint16_t avail_idx;               /* (l) our copy of avail->idx */
    uint16_t last_used;               /* (l) used entries consumed so far (mod 2^16) */
    bool broken;                      /* (l) the device gave up: fail everything */
    struct waitq free_wq;             /* callers waiting for descriptors */
};

static int ndisks; /* boot hart only */

static uint32_t reg_read(struct vblk *vb, uint32_t off)
{
    return *(volatile uint32_t *)(vb->regs + off);
}

static void reg_write(struct vblk *vb, uint32_t off, uint32_t val)
{
    *(volatile uint32_t *)(vb->regs + off) = val;
}

/* ---- descriptors ---- */

/* Take n descriptors off the free list into d[0..n-1].  Caller checked nfree. */
static void desc_alloc_locked(struct vblk *vb, uint16_t *d, int n)
{
    ASSERT_HELD(&vb->lock);
    ASSERT(vb->nfree >= n);
    for (int i = 0; i < n; i++) {
        d[i] = vb->free_head;
        vb->free_head = vb->desc[d[i]].next;
    }
    vb->nfree -= n;
}

/* Put the chain starting at head back on the free list and wake waiters. */
static void desc_free_chain_locked(struct vblk *vb, uint16_t head)
{
    ASSERT_HELD(&vb->lock);
    uint16_t i = head;
    for (;;) {
        ASSERT(i < vb->qsize);
        bool more = vb->desc[i].flags & VIRTQ_DESC_F_NEXT;
        uint16_t next = vb->desc[i].next;
        vb->desc[i] = (struct virtq_desc){.next = vb->free_head};
        vb->free_head = i;
        vb->nfree++;
        if (!more)
            break;
        i = next;
    }
    waitq_wake_all(&vb->free_wq);
}

static void desc_set(struct vblk *vb, uint16_t i, const void *buf, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    vb->desc[i] =
        (struct virtq_desc){.addr = kva_to_pa(buf), .len = len, .flags = flags, .next = next};
}

/* Offer the chain at head to the device and ring its doorbell. */
static void avail_push_locked(struct vblk *vb, uint16_t head)
{
    ASSERT_HELD(&vb->lock);
    vb->avail->ring[vb->avail_idx % vb->qsize] = head;
    vb->avail_idx++;
    __sync_synchronize(); /* the chain and ring entry before the index */
    WRITE_ONCE(vb->avail->idx, vb->avail_idx);
    __sync_synchronize(); /* the index before the doorbell */
    reg_write(vb, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* ---- requests ---- */

/* Build the chain for one request (data may be NULL for a flush). */
static uint16_t vblk_build_chain_locked(struct vblk *vb, uint32_t type, uint64_t sector, void *data,
                                        uint32_t len)
{
    ASSERT_HELD(&vb->lock);
    uint16_t d[3];
    int n = data ? 3 : 2;
    desc_alloc_locked(vb, d, n);
    struct vblk_slot *s = &vb->slots[d[0]];
    ASSERT(!s->busy);
    s->hdr = (struct virtio_blk_req_hdr){.type = type, .sector = sector};
    s->status = VBLK_STATUS_NONE;
    s->busy = true;
    s->done = false;
    desc_set(vb, d[0], &s->hdr, sizeof(s->hdr), VIRTQ_DESC_F_NEXT, d[1]);
    if (data) {
        uint16_t dir = type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0;
        desc_set(vb, d[1], data, len, VIRTQ_DESC_F_NEXT | dir, d[2]);
    }
    desc_set(vb, d[n - 1], (const void *)&s->status, 1, VIRTQ_DESC_F_WRITE, 0);
    return d[0];
}

static void vblk_count_inflight_locked(struct vblk *vb, int delta)
{
    ASSERT_HELD(&vb->lock);
    struct blockdev_stats *st = &vb->bd.stats;
    st->inflight += delta;
    if (st->inflight > st->max_inflight)
        st->max_inflight = st->inflight;
}

/* Submit one request and sleep until the device (or a failure) finishes it. */
static int vblk_request(struct vblk *vb, uint32_t type, uint64_t sector, void *data, uint32_t len)
{
    int ndesc = data ? 3 : 2, r = -EIO;
    spin_lock(&vb->lock);
    while (vb->nfree < ndesc && !vb->broken) {
        vb->bd.stats.slot_waits++;
        waitq_sleep(&vb->free_wq, &vb->lock);
    }
    if (vb->broken)
        goto out_unlock;
    uint16_t head = vblk_build_chain_locked(vb, type, sector, data, len);
    struct vblk_slot *s = &vb->slots[head];
    vblk_count_inflight_locked(vb, 1);
    avail_push_locked(vb, head);
    while (!s->done)
        waitq_sleep(&s->wq, &vb->lock);
    r = s->status == VIRTIO_BLK_S_OK ? 0 : -EIO;
    s->busy = false;
    vblk_count_inflight_locked(vb, -1);
    desc_free_chain_locked(vb, head);
out_unlock:
    spin_unlock(&vb->lock);
    return r;
}

static int vblk_rw(struct blockdev *bd, uint64_t sector, void *buf, size_t nbytes, bool write)
{
    struct vblk *vb = bd->priv;
    uint32_t type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
    while (nbytes > 0) {
        size_t n = MIN(nbytes, (size_t)vb->max_xfer);
        int r = vblk_request(vb, type, sector, buf, n);
        if (r != 0)
            return r;
        sector += n / SECTOR_SIZE;
        buf = (char *)buf + n;
        nbytes -= n;
    }
    return 0;
}

static int vblk_flush(struct blockdev *bd)
{
    struct vblk *vb = bd->priv;
    if (!vb->has_flush)
        return 0; /* no write cache: a completed write is already durable */
    return vblk_request(vb, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

static const struct blockdev_ops vblk_ops = {.rw = vblk_rw, .flush = vblk_flush};

/* ---- interrupts ---- */

/* The device is unusable: finish every request in flight with -EIO. */
static void vblk_fail_all_locked(struct vblk *vb, const char *why)
{
    ASSERT_HELD(&vb->lock);
    if (!vb->broken)
        printf("virtio-blk %s: %s; failing all requests\n", vb->bd.name, why);
    vb->broken = true;
    for (int i = 0; i < vb->qsize; i++) {
        struct vblk_slot *s = &vb->slots[i];
        if (s->busy && !s->done) {
            s->status = VIRTIO_BLK_S_IOERR;
            s->done = true;
            waitq_wake_all(&s->wq);
        }
    }
    waitq_wake_all(&vb->free_wq);
}

/* Hand every chain the device returned since last time back to its submitter. */
static void vblk_reap_used_locked(struct vblk *vb)
{
    ASSERT_HELD(&vb->lock);
    uint16_t idx = READ_ONCE(vb->used->idx);
    __sync_synchronize(); /* read the entries only after the index */
    if ((uint16_t)(idx - vb->last_used) > vb->qsize) {
        vblk_fail_all_locked(vb, "used index jumped");
        return;
    }
    while (vb->last_used != idx) {
        uint32_t id = vb->used->ring[vb->last_used % vb->qsize].id;
        vb->last_used++;
        struct vblk_slot *s = id < vb->qsize ? &vb->slots[id] : NULL;
        if (!s || !s->busy || s->done) {
            printf("virtio-blk %s: device returned descriptor %u, not in flight\n", vb->bd.name,
                   id);
            continue;
        }
        s->done = true;
        waitq_wake_all(&s->wq);
    }
}

/* PLIC handler: interrupts are off on this hart. */
static void vblk_interrupt(void *arg)
{
    struct vblk *vb = arg;
    spin_lock(&vb->lock);
    uint32_t why = reg_read(vb, VIRTIO_MMIO_INTERRUPT_STATUS);
    /* Acknowledge first: a completion arriving after this raises a new
     * interrupt, and one that arrived before is in the used ring we read now. */
    reg_write(vb, VIRTIO_MMIO_INTERRUPT_ACK, why);
    __sync_synchronize();
    if ((why & VIRTIO_INT_CONFIG) && (reg_read(vb, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET))
        vblk_fail_all_locked(vb, "device needs a reset");
    if (!vb->broken)
        vblk_reap_used_locked(vb);
    spin_unlock(&vb->lock);
}

/* ---- initialization ---- */

/* Feature negotiation; returns the accepted features, or 0 on failure. */
static uint64_t vblk_negotiate(struct vblk *vb)
{
    reg_write(vb, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t offered = reg_read(vb, VIRTIO_MMIO_DEVICE_FEATURES);
    reg_write(vb, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    offered |= (uint64_t)reg_read(vb, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
    if (!(offered & (1UL << VIRTIO_F_VERSION_1)))
        return 0;
    uint64_t want = (1UL << VIRTIO_F_VERSION_1) | (1UL << VIRTIO_BLK_F_RO) |
                    (1UL << VIRTIO_BLK_F_FLUSH) | (1UL << VIRTIO_BLK_F_SIZE_MAX);
    uint64_t accepted = offered & want;
    reg_write(vb, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    reg_write(vb, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)accepted);
    reg_write(vb, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    reg_write(vb, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(accepted >> 32));
    reg_write(vb, VIRTIO_MMIO_STATUS, reg_read(vb, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
    if (!(reg_read(vb, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
        return 0; /* the device refused our subset */
    return accepted;
}

/* Queue size: the largest power of two <= min(QueueNumMax, VBLK_QUEUE_MAX). */
static uint16_t vblk_pick_qsize(uint32_t max)
{
    uint16_t n = 1;
    while ((uint32_t)n * 2 <= MIN(max, (uint32_t)VBLK_QUEUE_MAX))
        n *= 2;
    return n;
}

static void set_addr(struct vblk *vb, uint32_t lo_reg, const volatile void *va)
{
    paddr_t pa = kva_to_pa((const void *)va);
    reg_write(vb, lo_reg, (uint32_t)pa);
    reg_write(vb, lo_reg + 4, (uint32_t)(pa >> 32));
}

/* Allocate queue 0's rings and slots and tell the device where they are. */
static int vblk_setup_queue(struct vblk *vb)
{
    reg_write(vb, VIRTIO_MMIO_QUEUE_SEL, 0);
    uint32_t max = reg_read(vb, VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (reg_read(vb, VIRTIO_MMIO_QUEUE_READY) != 0 || max < 4)
        return -ENODEV;
    uint16_t n = vb->qsize = vblk_pick_qsize(max);
    size_t used_off = ALIGN_UP(VIRTQ_DESC_BYTES(n) + VIRTQ_AVAIL_BYTES(n), 4);
    size_t bytes = used_off + VIRTQ_USED_BYTES(n);
    while ((PAGE_SIZE << vb->rings_order) < bytes)
        vb->rings_order++;
    vb->rings = page_alloc_zeroed(vb->rings_order);
    vb->slots = kzalloc(n * sizeof(struct vblk_slot));
    if (!vb->rings || !vb->slots)
        return -ENOMEM;
    vb->desc = vb->rings;
    vb->avail = (struct virtq_avail *)((char *)vb->rings + VIRTQ_DESC_BYTES(n));
    vb->used = (struct virtq_used *)((char *)vb->rings + used_off);
    for (uint16_t i = 0; i < n; i++) {
        vb->desc[i].next = i + 1 < n ? i + 1 : 0;
        waitq_init(&vb->slots[i].wq, "vblk-req");
    }
    vb->free_head = 0;
    vb->nfree = n;
    reg_write(vb, VIRTIO_MMIO_QUEUE_NUM, n);
    set_addr(vb, VIRTIO_MMIO_QUEUE_DESC_LOW, vb->desc);
    set_addr(vb, VIRTIO_MMIO_QUEUE_DRIVER_LOW, vb->avail);
    set_addr(vb, VIRTIO_MMIO_QUEUE_DEVICE_LOW, vb->used);
    reg_write(vb, VIRTIO_MMIO_QUEUE_READY, 1);
    return 0;
}

/* Read the configuration space consistently (retry if it changes meanwhile). */
static void vblk_read_config(struct vblk *vb, uint64_t features)
{
    uint32_t gen;
    do {
        gen = reg_read(vb, VIRTIO_MMIO_CONFIG_GENERATION);
        uint32_t lo = reg_read(vb, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY);
        uint32_t hi = reg_read(vb, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY + 4);
        vb->bd.nsectors = (uint64_t)hi << 32 | lo;
        vb->max_xfer = VBLK_MAX_XFER;
        if (features & (1UL << VIRTIO_BLK_F_SIZE_MAX)) {
            uint32_t sm = reg_read(vb, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_SIZE_MAX);
            vb->max_xfer = MAX(ALIGN_DOWN(MIN(sm, vb->max_xfer), SECTOR_SIZE), SECTOR_SIZE);
        }
    } while (gen != reg_read(vb, VIRTIO_MMIO_CONFIG_GENERATION));
}

/* Reset, negotiate, set up the queue, hook the interrupt, go.  0 or -errno
 * with a reason for the console in *why. */
static int vblk_start(struct vblk *vb, const char **why)
{
    reg_write(vb, VIRTIO_MMIO_STATUS, 0);
    for (int i = 0; i < 1000 && reg_read(vb, VIRTIO_MMIO_STATUS) != 0; i++)
        ;
    reg_write(vb, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    reg_write(vb, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    uint64_t features = vblk_negotiate(vb);
    if (!features) {
        *why = "feature negotiation failed (no VIRTIO_F_VERSION_1?)";
        return -ENODEV;
    }
    vb->has_flush = features & (1UL << VIRTIO_BLK_F_FLUSH);
    vb->bd.read_only = features & (1UL << VIRTIO_BLK_F_RO);
    int r = vblk_setup_queue(vb);
    if (r != 0) {
        *why = r == -ENOMEM ? "out of memory" : "no usable virtqueue 0";
        return r;
    }
    vblk_read_config(vb, features);
    if (plic_register(vb->irq, vblk_interrupt, vb) != 0) {
        *why = "cannot route its interrupt";
        return -ENODEV;
    }
    reg_write(vb, VIRTIO_MMIO_STATUS, reg_read(vb, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
    return 0;
}

static void vblk_free(struct vblk *vb)
{
    if (vb->rings)
        page_free(vb->rings, vb->rings_order);
    kfree(vb->slots);
    kfree(vb);
}

/* Is there a modern block device at regs?  Says why not, unless the slot is empty. */
static bool vblk_identify(volatile uint8_t *regs, paddr_t base)
{
    uint32_t magic = *(volatile uint32_t *)(regs + VIRTIO_MMIO_MAGIC_VALUE);
    uint32_t version = *(volatile uint32_t *)(regs + VIRTIO_MMIO_VERSION);
    uint32_t id = *(volatile uint32_t *)(regs + VIRTIO_MMIO_DEVICE_ID);
    if (magic != VIRTIO_MMIO_MAGIC) {
        printf("virtio-mmio@%lx: bad magic %x, skipped\n", base, magic);
        return false;
    }
    if (id == 0)
        return false; /* empty slot */
    if (version != 2) {
        printf("virtio-mmio@%lx: %s transport (version %u), skipped: need modern (2);"
               " run QEMU with -global virtio-mmio.force-legacy=false\n",
               base, version == 1 ? "legacy" : "unknown", version);
        return false;
    }
    if (id != VIRTIO_ID_BLOCK) {
        printf("virtio-mmio@%lx: device type %u has no driver, skipped\n", base, id);
        return false;
    }
    return true;
}

static void vblk_probe(paddr_t base, uint64_t size, uint32_t irq)
{
    volatile uint8_t *regs = pa_to_kva(base);
    if (size < VIRTIO_MMIO_CONFIG + 0x10 || !vblk_identify(regs, base))
        return;
    if (blockdev_count() >= BLOCKDEV_MAX || ndisks >= 26) {
        printf("virtio-mmio@%lx: too many disks, skipped\n", base);
        return;
    }
    struct vblk *vb = kzalloc(sizeof(*vb));
    if (!vb) {
        printf("virtio-mmio@%lx: out of memory, skipped\n", base);
        return;
    }
    vb->regs = regs;
    vb->base = base;
    vb->irq = irq;
    spin_init(&vb->lock, "vblk");
    waitq_init(&vb->free_wq, "vblk-desc");
    snprintf(vb->bd.name, sizeof(vb->bd.name), "vd%c", 'a' + ndisks);
    vb->bd.ops = &vblk_ops;
    vb->bd.priv = vb;
    const char *why = NULL;
    if (vblk_start(vb, &why) != 0) {
        printf("virtio-mmio@%lx: block device not started: %s\n", base, why);
        reg_write(vb, VIRTIO_MMIO_STATUS, reg_read(vb, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
        vblk_free(vb); /* the interrupt was not hooked: nobody else knows vb */
        return;
    }
    ndisks++;
    if (blockdev_register(&vb->bd) != 0)
        panic("vblk_probe: registry full after checking it"); /* boot is single-threaded */
    uint64_t kib = vb->bd.nsectors / (1024 / SECTOR_SIZE);
    printf("virtio-blk %s: %lu sectors (%lu %s), irq %u, queue %u%s%s\n", vb->bd.name,
           vb->bd.nsectors, kib >= 1024 ? kib / 1024 : kib, kib >= 1024 ? "MiB" : "KiB", irq,
           vb->qsize, vb->bd.read_only ? ", read-only" : "", vb->has_flush ? ", flush" : "");
}

void virtio_blk_init_all(void)
{
    for (int i = 0; i < boot_fdt.nvirtio; i++)
        vblk_probe(boot_fdt.virtio[i].base, boot_fdt.virtio[i].size, boot_fdt.virtio_irq[i]);
}
