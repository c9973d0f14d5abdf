/*
 * On-disk format of QFS, the Quill file system.  Shared by the kernel,
 * mkfs and fsck (host tools compile it too), so it uses only fixed-width
 * types and says its byte order: little-endian, as RISC-V and x86 are.
 *
 * Blocks are 4 KiB: the page size, so a block is one frame in the buffer
 * cache, and 1024 block pointers fit in an indirect block.
 *
 *   block 0        unused (room for a boot loader; never written)
 *   block 1        superblock
 *   log_start      journal: one header (commit) block + log_blocks-1 data blocks
 *   imap_start     inode bitmap   (bit i set: inode i in use; inode 0 is never used)
 *   bmap_start     block bitmap   (bit b set: block b in use; every metadata block is set)
 *   inode_start    inode table    (QFS_INODES_PER_BLOCK per block)
 *   data_start     data blocks ... nblocks-1
 *
 *  +---+-------+---------------------+------+------+-------------+------------------+
 *  | 0 | super | journal: hdr + data | imap | bmap | inode table | data blocks ...  |
 *  +---+-------+---------------------+------+------+-------------+------------------+
 *
 * A file's blocks: 12 direct pointers, one single-indirect block (1024
 * pointers) and one double-indirect block (1024 x 1024): up to about 4 GiB.
 * Pointer 0 means a hole: reads return zeros, and a write allocates.
 */
#ifndef FS_FORMAT_H
#define FS_FORMAT_H

#ifdef QFS_HOST
#include <stdint.h>
#else
#include "types.h"
#endif
#include "fs/crc32c.h"

#define QFS_MAGIC 0x51465331u /* "QFS1" */
#define QFS_VERSION 1
#define QFS_BLOCK_SIZE 4096
#define QFS_SUPER_BLOCK 1
#define QFS_ROOT_INUM 1

#define QFS_NDIRECT 12
#define QFS_PTRS_PER_BLOCK (QFS_BLOCK_SIZE / 4)
#define QFS_MAX_FILE_BLOCKS                                                                        \
    ((uint64_t)QFS_NDIRECT + QFS_PTRS_PER_BLOCK + (uint64_t)QFS_PTRS_PER_BLOCK * QFS_PTRS_PER_BLOCK)

#define QFS_NAME_MAX 59 /* bytes in a name, without the terminating NUL */
#define QFS_BITS_PER_BLOCK (QFS_BLOCK_SIZE * 8)

struct qfs_super {
    uint32_t magic;
    uint32_t version;
    uint32_t block_size;
    uint32_t nblocks; /* size of the file system in blocks */
    uint32_t ninodes; /* inode numbers 0 .. ninodes-1 (0 unused) */
    uint32_t log_start;
    uint32_t log_blocks; /* including the header block */
    uint32_t imap_start;
    uint32_t imap_blocks;
    uint32_t bmap_start;
    uint32_t bmap_blocks;
    uint32_t inode_start;
    uint32_t inode_blocks;
    uint32_t data_start;
    uint64_t mkfs_time; /* seconds since 1970 */
    uint32_t clean;     /* unused by the kernel: journal makes it unnecessary */
    uint32_t pad;
};

/* Inode types (0: free). */
#define QFS_T_FILE 1
#define QFS_T_DIR 2
#define QFS_T_SYMLINK 3
#define QFS_T_DEV 4

struct qfs_inode {
    uint16_t type;
    uint16_t nlink;
    uint16_t mode;  /* permission bits (0777 style), kept for stat */
    uint16_t major; /* device files */
    uint16_t minor;
    uint16_t pad0;
    uint32_t pad1;
    uint64_t size;               /* bytes */
    int64_t atime, mtime, ctime; /* nanoseconds since 1970 */
    uint32_t direct[QFS_NDIRECT];
    uint32_t indirect;
    uint32_t dindirect;
    uint32_t spare[6];
};

#define QFS_INODE_SIZE 128
#define QFS_INODES_PER_BLOCK (QFS_BLOCK_SIZE / QFS_INODE_SIZE)

/* A directory is a file of fixed-size entries; inum 0 marks a free slot. */
struct qfs_dirent {
    uint32_t inum;
    char name[QFS_NAME_MAX + 1]; /* NUL-terminated */
};

#define QFS_DIRENT_SIZE 64
/* A directory uses at most its direct and single-indirect blocks (66,304 entries). */
#define QFS_DIR_MAX_BLOCKS ((uint64_t)QFS_NDIRECT + QFS_PTRS_PER_BLOCK)
#define QFS_DIRENTS_PER_BLOCK (QFS_BLOCK_SIZE / QFS_DIRENT_SIZE)

/*
 * Journal header, the first block of the log.  n == 0: the log is empty.
 * n > 0: a committed transaction whose i-th block belongs at home[i] and
 * sits at log_start + 1 + i.  The header and the blocks are written in one
 * request and then flushed; the flush is the commit.  The disk may write
 * them in any order, so `checksum`, a CRC32C over the header's own seq, n
 * and home[0..n-1] and then the n logged blocks in order
 * (qfs_log_checksum_start, then qfs_log_checksum_block for each block),
 * tells a complete commit record from one the power cut tore: a header
 * whose blocks did not all reach the disk, or whose own sectors are mixed
 * with an older header's, does not match and is ignored.
 */
#define QFS_LOG_MAGIC 0x4c4f4732u /* "LOG2": CRC32C commit records */
#define QFS_LOG_MAX ((QFS_BLOCK_SIZE - 16) / 4)

struct qfs_log_header {
    uint32_t magic;
    uint32_t n;
    uint32_t seq;      /* the transaction's id (low 32 bits) */
    uint32_t checksum; /* CRC32C of seq, n, home[0..n-1] and the n logged blocks */
    uint32_t home[QFS_LOG_MAX];
};

/* The checksum of a log header's fields; continue it over the logged blocks. */
static inline uint32_t qfs_log_checksum_start(const struct qfs_log_header *h)
{
    uint32_t sum = crc32c(0, &h->seq, sizeof(h->seq));
    sum = crc32c(sum, &h->n, sizeof(h->n));
    return crc32c(sum, h->home, (h->n <= QFS_LOG_MAX ? h->n : QFS_LOG_MAX) * 4);
}

/* Continue a log checksum over one logged block. */
static inline uint32_t qfs_log_checksum_block(uint32_t sum, const void *block)
{
    return crc32c(sum, block, QFS_BLOCK_SIZE);
}

#ifndef QFS_HOST
STATIC_ASSERT(sizeof(struct qfs_inode) == QFS_INODE_SIZE);
STATIC_ASSERT(sizeof(struct qfs_dirent) == QFS_DIRENT_SIZE);
STATIC_ASSERT(sizeof(struct qfs_log_header) == QFS_BLOCK_SIZE);
STATIC_ASSERT(sizeof(struct qfs_super) <= QFS_BLOCK_SIZE);
#else
_Static_assert(sizeof(struct qfs_inode) == QFS_INODE_SIZE, "inode size");
_Static_assert(sizeof(struct qfs_dirent) == QFS_DIRENT_SIZE, "dirent size");
_Static_assert(sizeof(struct qfs_log_header) == QFS_BLOCK_SIZE, "log header size");
#endif

#endif
