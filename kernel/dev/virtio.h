/*
 * Virtio definitions shared by virtio drivers: the virtio-mmio transport's
 * registers (modern layout, Version 2), device status and feature bits, and
 * the split virtqueue's three rings.  Numbers are from the virtio 1.x
 * specification ("Virtio Over MMIO", "Split Virtqueues", "Block Device").
 * Everything the device reads or writes is little-endian, as RISC-V is.
 */
#ifndef DEV_VIRTIO_H
#define DEV_VIRTIO_H

#include "types.h"

/* virtio-mmio registers: byte offsets from the device's base, all 32 bits wide. */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000 /* "virt" */
#define VIRTIO_MMIO_VERSION 0x004     /* 2 = modern, 1 = legacy */
#define VIRTIO_MMIO_DEVICE_ID 0x008   /* 0 = empty slot, 2 = block */
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010     /* 32 feature bits, chosen by ... */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014 /* ... this: 0 = bits 0-31, 1 = 32-63 */
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030     /* the queue the next registers talk about */
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034 /* largest size the device accepts; 0 = none */
#define VIRTIO_MMIO_QUEUE_NUM 0x038     /* the size the driver chose */
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050 /* write a queue index: "new buffers" */
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070         /* device status; write 0 to reset */
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080 /* physical addresses of the three rings */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090 /* the available ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0 /* the used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc /* changes when the config space does */
#define VIRTIO_MMIO_CONFIG 0x100            /* device-specific configuration */

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt", little-endian */

/* InterruptStatus / InterruptACK bits */
#define VIRTIO_INT_USED_BUFFER (1u << 0) /* the device used some buffers */
#define VIRTIO_INT_CONFIG (1u << 1)      /* the configuration (or status) changed */

/* Device status bits, set by the driver in this order during initialization. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u  /* we saw the device */
#define VIRTIO_STATUS_DRIVER 2u       /* we know how to drive it */
#define VIRTIO_STATUS_DRIVER_OK 4u    /* ready: the device may start */
#define VIRTIO_STATUS_FEATURES_OK 8u  /* feature negotiation done */
#define VIRTIO_STATUS_NEEDS_RESET 64u /* set by the device: it gave up */
#define VIRTIO_STATUS_FAILED 128u     /* set by the driver: we gave up */

/* Device IDs */
#define VIRTIO_ID_BLOCK 2

/* Feature bits (numbers, not masks).  Device-independent ones are 28 and up. */
#define VIRTIO_F_VERSION_1 32 /* modern device: little-endian, no legacy quirks */

/* Split virtqueue.  Alignment: descriptors 16, available ring 2, used ring 4. */
#define VIRTQ_DESC_F_NEXT 1  /* the chain continues in .next */
#define VIRTQ_DESC_F_WRITE 2 /* the device writes this buffer (else reads it) */

struct virtq_desc {
    uint64_t addr; /* physical address of the buffer */
    uint32_t len;
    uint16_t flags; /* VIRTQ_DESC_F_* */
    uint16_t next;  /* next descriptor of the chain, if F_NEXT */
};

/* Driver -> device: heads of chains ready to be processed. */
struct virtq_avail {
    uint16_t flags; /* 1 = "no interrupt needed" (we always want one: 0) */
    uint16_t idx;   /* where the driver puts the next entry (mod size), free-running */
    uint16_t ring[];
    /* uint16_t used_event follows ring[size]; only with VIRTIO_F_EVENT_IDX */
};

struct virtq_used_elem {
    uint32_t id;  /* head of the finished chain */
    uint32_t len; /* bytes the device wrote into the chain */
};

/* Device -> driver: chains the device is done with. */
struct virtq_used {
    uint16_t flags;
    uint16_t idx; /* where the device puts the next entry (mod size), free-running */
    struct virtq_used_elem ring[];
};

STATIC_ASSERT(sizeof(struct virtq_desc) == 16);
STATIC_ASSERT(sizeof(struct virtq_used_elem) == 8);

/* Ring sizes in bytes for a queue of n entries (trailing event words included). */
#define VIRTQ_DESC_BYTES(n) (16UL * (n))
#define VIRTQ_AVAIL_BYTES(n) (6UL + 2UL * (n))
#define VIRTQ_USED_BYTES(n) (6UL + 8UL * (n))

/* virtio-blk: feature bits */
#define VIRTIO_BLK_F_SIZE_MAX 1 /* config.size_max: largest single buffer */
#define VIRTIO_BLK_F_RO 5       /* the disk is read-only */
#define VIRTIO_BLK_F_FLUSH 9    /* VIRTIO_BLK_T_FLUSH is supported */

/* virtio-blk: configuration space (offsets from VIRTIO_MMIO_CONFIG) */
#define VIRTIO_BLK_CFG_CAPACITY 0x00 /* uint64_t, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 0x08 /* uint32_t */

/* virtio-blk: a request is a chain  header (device reads) -> data -> status (device writes) */
#define VIRTIO_BLK_T_IN 0    /* read: the device writes the data buffer */
#define VIRTIO_BLK_T_OUT 1   /* write: the device reads the data buffer */
#define VIRTIO_BLK_T_FLUSH 4 /* no data buffer */

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

struct virtio_blk_req_hdr {
    uint32_t type; /* VIRTIO_BLK_T_* */
    uint32_t reserved;
    uint64_t sector; /* in 512-byte units, whatever the disk's block size */
};

STATIC_ASSERT(sizeof(struct virtio_blk_req_hdr) == 16);

#endif
