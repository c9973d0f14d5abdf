/*
 * CRC32C (Castagnoli, the polynomial iSCSI, ext4 and btrfs use), computed
 * eight bytes at a time from eight 256-entry tables ("slicing by 8").  One
 * implementation for the kernel and the host tools (mkfs, fsck and their
 * tests compile crc32c.c too), so the journal's commit record is checked
 * the same way everywhere.
 *
 * crc32c(0, p, n) is the CRC of p[0..n); crc32c(crc32c(0, a, n), b, m) is
 * the CRC of a followed by b.  The check value: crc32c(0, "123456789", 9)
 * == 0xe3069283.
 *
 * The tables are built by crc32c_init(), which the kernel calls once at
 * boot before the first mount; crc32c() builds them itself on first use
 * (single-threaded host tools need not call crc32c_init).
 */
#ifndef FS_CRC32C_H
#define FS_CRC32C_H

#ifdef QFS_HOST
#include <stddef.h>
#include <stdint.h>
#else
#include "types.h"
#endif

void crc32c_init(void);
uint32_t crc32c(uint32_t crc, const void *data, size_t len);

#endif
