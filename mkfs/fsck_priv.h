/*
 * State shared by the fsck passes (fsck_lib.c, fsck_dir.c).  Not a public
 * interface: the tools and tests use fsck.h.
 */
#ifndef MKFS_FSCK_PRIV_H
#define MKFS_FSCK_PRIV_H

#include <stdio.h>
#include "common.h"
#include "fsck.h"

#define FSCK_MAX_LINES 100 /* problems printed; the rest are only counted */

/* flags[inum] */
#define F_USED 1    /* valid type (1..4) */
#define F_BAD 2     /* type out of range: neither used nor free */
#define F_REACHED 4 /* named by an entry in a directory reachable from the root */

struct fsck {
    struct qimg im;
    FILE *out;
    unsigned long problems;
    const char *log_state;
    uint32_t *owner;  /* [nblocks] inode whose pointer claims the block (0: none) */
    uint32_t *refs;   /* [ninodes] directory entries naming the inode, "." and ".." included */
    uint32_t *parent; /* [ninodes] directories: the directory whose entry names it */
    uint8_t *flags;   /* [ninodes] F_* */
    uint32_t ntype[QFS_T_DEV + 1];
    uint64_t data_used; /* data blocks claimed by inodes */
};

void fsck_problem(struct fsck *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fsck_warning(struct fsck *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Pass 4: walk the directory tree from the root (fsck_dir.c). */
void fsck_walk_dirs(struct fsck *f);

#endif
