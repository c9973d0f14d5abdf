/*
 * Flattened device tree (DTB) reader.  The boot hart hands fdt_parse() the
 * blob OpenSBI passed in a1 and gets back everything the kernel needs about
 * the machine: RAM, harts, timebase, bootargs and device addresses.  Nothing
 * of that is hard-coded anywhere else.  Host-compilable.
 */
#ifndef LIB_FDT_H
#define LIB_FDT_H

#include "types.h"

#define FDT_MAX_MEM 4
#define FDT_MAX_RESV 8
#define FDT_MAX_HARTS 8
#define FDT_MAX_VIRTIO 8

struct fdt_range {
    paddr_t base;
    uint64_t size;
};

struct fdt_info {
    struct fdt_range mem[FDT_MAX_MEM]; /* RAM */
    int nmem;
    struct fdt_range resv[FDT_MAX_RESV]; /* memreserve + /reserved-memory */
    int nresv;
    unsigned long hartid[FDT_MAX_HARTS];
    bool hart_sstc[FDT_MAX_HARTS]; /* riscv,isa lists sstc */
    int nharts;
    bool has_svpbmt;
    uint64_t timebase_hz;
    char bootargs[256];
    struct fdt_range uart; /* ns16550a */
    uint32_t uart_irq;
    struct fdt_range plic;
    uint32_t plic_ndev;
    int plic_sctx[FDT_MAX_HARTS]; /* PLIC context of each hart's S-mode, -1 if none */
    struct fdt_range virtio[FDT_MAX_VIRTIO];
    uint32_t virtio_irq[FDT_MAX_VIRTIO];
    int nvirtio;
    struct fdt_range rtc; /* google,goldfish-rtc */
    uint64_t blob_size;
};

/* 0 on success, -1 if the blob is not a device tree. */
int fdt_parse(const void *blob, struct fdt_info *out);

/* Value of "key=value" in a bootargs string, copied to val; false if absent. */
bool bootarg_get(const char *args, const char *key, char *val, size_t size);

#endif
