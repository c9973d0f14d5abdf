/*
 * mkfs as a library: build a QFS image from host directory trees.  The
 * `mkfs` program (mkfs.c) is a command line around mkfs_build(); the unit
 * tests call it directly.
 */
#ifndef MKFS_MKFS_H
#define MKFS_MKFS_H

#include <stdint.h>
#include <stdio.h>

#define MKFS_MIN_BLOCKS 32                  /* 128 KiB */
#define MKFS_MAX_BLOCKS (UINT32_C(1) << 28) /* 1 TiB */

struct mkfs_opts {
    const char *image;        /* created or truncated */
    uint64_t size_bytes;      /* rounded down to whole blocks */
    uint32_t ninodes;         /* 0: one per 4 blocks; rounded up to fill inode blocks */
    uint32_t log_blocks;      /* 0: 257, fewer for images under 8 MiB */
    const char *const *trees; /* host directories merged into / */
    int ntrees;
    int64_t now_ns; /* time stamp of made-up inodes; 0: the current time */
    int verbose;    /* print the layout and a summary to `msg` */
};

/* 0 on success; otherwise prints why to `msg`, removes the image, returns -1. */
int mkfs_build(const struct mkfs_opts *o, FILE *msg);

/* "64" (MiB), "512K", "64M", "1G": bytes, or 0 if the text is not a size. */
uint64_t mkfs_parse_size(const char *s);

#endif
