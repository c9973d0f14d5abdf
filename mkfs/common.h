/*
 * Host-side access to a QFS image, shared by mkfs, fsck and their unit tests.
 *
 * An image is opened in two steps: img_open() reads only the superblock
 * (fsck checks it before trusting any other field), img_load() then reads
 * the inode bitmap, block bitmap and inode table into memory.  Changes to
 * those three are made in memory and written back by img_flush(); data and
 * indirect blocks are read and written straight to the image file.
 *
 * Functions that can fail return 0 (or a count) on success and -errno on
 * failure, like the kernel.  Nothing here prints.
 */
#ifndef MKFS_COMMON_H
#define MKFS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fs/format.h"

struct qimg {
    int fd;
    bool writable;
    uint64_t file_size;       /* bytes in the image file */
    struct qfs_super sb;      /* valid after img_open */
    uint8_t *imap;            /* imap_blocks * QFS_BLOCK_SIZE bytes, after img_load */
    uint8_t *bmap;            /* bmap_blocks * QFS_BLOCK_SIZE bytes */
    struct qfs_inode *inodes; /* inode_blocks * QFS_INODES_PER_BLOCK entries */
    uint32_t alloc_hint;      /* next block to try in img_alloc_block */
    uint32_t inode_hint;      /* next inode to try in img_alloc_inode */
};

/* Bits are little-endian within bytes: bit b is byte b/8, mask 1 << (b%8). */
static inline bool bit_test(const uint8_t *map, uint64_t b)
{
    return (map[b / 8] >> (b % 8)) & 1;
}
static inline void bit_set(uint8_t *map, uint64_t b)
{
    map[b / 8] |= (uint8_t)(1u << (b % 8));
}
static inline void bit_clear(uint8_t *map, uint64_t b)
{
    map[b / 8] &= (uint8_t) ~(1u << (b % 8));
}

static inline uint64_t div_round_up(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

int img_open(struct qimg *im, const char *path, bool writable);
/* Fill im->sb and allocate zeroed tables for a new image (mkfs). */
int img_init_tables(struct qimg *im);
int img_load(struct qimg *im);
int img_flush(struct qimg *im);
void img_close(struct qimg *im);

int img_read(struct qimg *im, uint32_t bno, void *buf);
int img_write(struct qimg *im, uint32_t bno, const void *buf);

struct qfs_inode *img_inode(struct qimg *im, uint32_t inum);
uint32_t img_alloc_inode(struct qimg *im, uint16_t type); /* 0: none free */
uint32_t img_alloc_block(struct qimg *im);                /* 0: none free */

/*
 * The disk block holding file block `fbn` of `ip`: > 0 a block, 0 a hole
 * (when !alloc), -ENOSPC, -EFBIG, -ERANGE (a pointer outside the data
 * area) or -EIO.  With alloc, missing blocks are allocated; indirect blocks
 * are zeroed, and *fresh says whether the data block itself is new (its old
 * contents are garbage, so the caller must write all of it).
 */
int64_t img_bmap(struct qimg *im, struct qfs_inode *ip, uint64_t fbn, bool alloc, bool *fresh);

/* Read/write file bytes; reads stop at ip->size, holes read as zeros. */
int64_t img_file_read(struct qimg *im, struct qfs_inode *ip, uint64_t off, void *buf, uint64_t len);
int64_t img_file_write(struct qimg *im, struct qfs_inode *ip, uint64_t off, const void *buf,
                       uint64_t len);

/* Name lookups; 0 when not found (inode 0 is never used). */
uint32_t img_dir_lookup(struct qimg *im, uint32_t dir, const char *name);
uint32_t img_path_lookup(struct qimg *im, const char *path);

#endif
