/*
 * Host-side access to a QFS image: block I/O, the in-memory bitmaps and
 * inode table, the file block map (direct, single- and double-indirect) and
 * a small reader (file data, directory lookup) used by fsck and the tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

int img_open(struct qimg *im, const char *path, bool writable)
{
    struct stat st;

    memset(im, 0, sizeof(*im));
    im->fd = open(path, writable ? O_RDWR : O_RDONLY);
    if (im->fd < 0)
        return -errno;
    im->writable = writable;
    if (fstat(im->fd, &st) < 0)
        goto out_close;
    im->file_size = (uint64_t)st.st_size;
    if (pread(im->fd, &im->sb, sizeof(im->sb), (off_t)QFS_SUPER_BLOCK * QFS_BLOCK_SIZE) !=
        (ssize_t)sizeof(im->sb)) {
        errno = EIO;
        goto out_close;
    }
    return 0;

out_close:
    close(im->fd);
    im->fd = -1;
    return -errno;
}

/* Allocate the in-memory tables the superblock calls for, zeroed. */
int img_init_tables(struct qimg *im)
{
    const struct qfs_super *sb = &im->sb;

    im->imap = calloc(sb->imap_blocks, QFS_BLOCK_SIZE);
    im->bmap = calloc(sb->bmap_blocks, QFS_BLOCK_SIZE);
    im->inodes = calloc(sb->inode_blocks, QFS_BLOCK_SIZE);
    if (!im->imap || !im->bmap || !im->inodes)
        return -ENOMEM;
    im->alloc_hint = sb->data_start;
    im->inode_hint = 1;
    return 0;
}

/* Read `n` consecutive blocks; the part of them past the end of the file reads as zeros. */
static int read_blocks(struct qimg *im, uint32_t start, uint32_t n, void *buf)
{
    uint64_t len = (uint64_t)n * QFS_BLOCK_SIZE, done = 0;
    off_t off = (off_t)start * QFS_BLOCK_SIZE;

    while (done < len) {
        ssize_t r = pread(im->fd, (char *)buf + done, len - done, off + (off_t)done);
        if (r < 0)
            return -errno;
        if (r == 0)
            break;
        done += (uint64_t)r;
    }
    memset((char *)buf + done, 0, len - done);
    return 0;
}

static int write_blocks(struct qimg *im, uint32_t start, uint32_t n, const void *buf)
{
    uint64_t len = (uint64_t)n * QFS_BLOCK_SIZE, done = 0;
    off_t off = (off_t)start * QFS_BLOCK_SIZE;

    if (!im->writable)
        return -EROFS;
    while (done < len) {
        ssize_t r = pwrite(im->fd, (const char *)buf + done, len - done, off + (off_t)done);
        if (r < 0)
            return -errno;
        done += (uint64_t)r;
    }
    return 0;
}

int img_load(struct qimg *im)
{
    const struct qfs_super *sb = &im->sb;
    int r = img_init_tables(im);

    if (r < 0)
        return r;
    r = read_blocks(im, sb->imap_start, sb->imap_blocks, im->imap);
    if (r == 0)
        r = read_blocks(im, sb->bmap_start, sb->bmap_blocks, im->bmap);
    if (r == 0)
        r = read_blocks(im, sb->inode_start, sb->inode_blocks, im->inodes);
    return r;
}

int img_flush(struct qimg *im)
{
    const struct qfs_super *sb = &im->sb;
    uint8_t buf[QFS_BLOCK_SIZE] = {0};
    int r;

    memcpy(buf, sb, sizeof(*sb));
    r = write_blocks(im, QFS_SUPER_BLOCK, 1, buf);
    if (r == 0)
        r = write_blocks(im, sb->imap_start, sb->imap_blocks, im->imap);
    if (r == 0)
        r = write_blocks(im, sb->bmap_start, sb->bmap_blocks, im->bmap);
    if (r == 0)
        r = write_blocks(im, sb->inode_start, sb->inode_blocks, im->inodes);
    if (r == 0 && fsync(im->fd) < 0)
        r = -errno;
    return r;
}

void img_close(struct qimg *im)
{
    if (im->fd >= 0)
        close(im->fd);
    free(im->imap);
    free(im->bmap);
    free(im->inodes);
    memset(im, 0, sizeof(*im));
    im->fd = -1;
}

int img_read(struct qimg *im, uint32_t bno, void *buf)
{
    if (bno >= im->sb.nblocks)
        return -ERANGE;
    return read_blocks(im, bno, 1, buf);
}

int img_write(struct qimg *im, uint32_t bno, const void *buf)
{
    if (bno >= im->sb.nblocks)
        return -ERANGE;
    return write_blocks(im, bno, 1, buf);
}

struct qfs_inode *img_inode(struct qimg *im, uint32_t inum)
{
    if (inum == 0 || inum >= im->sb.ninodes)
        return NULL;
    return &im->inodes[inum];
}

/* Inodes too are handed out in ascending order (the hint skips the used ones). */
uint32_t img_alloc_inode(struct qimg *im, uint16_t type)
{
    for (uint32_t n = 1; n < im->sb.ninodes; n++) {
        uint32_t i = im->inode_hint;
        im->inode_hint = i + 1 < im->sb.ninodes ? i + 1 : 1;
        if (i != 0 && !bit_test(im->imap, i)) {
            bit_set(im->imap, i);
            memset(&im->inodes[i], 0, sizeof(im->inodes[i]));
            im->inodes[i].type = type;
            return i;
        }
    }
    return 0;
}

/* Blocks are handed out in ascending order, so a copied file is contiguous. */
uint32_t img_alloc_block(struct qimg *im)
{
    const struct qfs_super *sb = &im->sb;

    if (im->alloc_hint < sb->data_start || im->alloc_hint >= sb->nblocks)
        im->alloc_hint = sb->data_start;
    for (uint32_t n = 0; n < sb->nblocks - sb->data_start; n++) {
        uint32_t b = im->alloc_hint;
        im->alloc_hint = b + 1 < sb->nblocks ? b + 1 : sb->data_start;
        if (!bit_test(im->bmap, b)) {
            bit_set(im->bmap, b);
            return b;
        }
    }
    return 0;
}

static bool in_data_area(const struct qimg *im, uint32_t bno)
{
    return bno >= im->sb.data_start && bno < im->sb.nblocks;
}

/*
 * One step down the tree: *slot holds a block number (0: none).  Allocate
 * it if asked; new blocks are zeroed when `zero` (indirect blocks).
 */
static int64_t map_slot(struct qimg *im, uint32_t *slot, bool alloc, bool zero, bool *fresh)
{
    static const uint8_t zeros[QFS_BLOCK_SIZE];

    if (*slot != 0)
        return in_data_area(im, *slot) ? (int64_t)*slot : -ERANGE;
    if (!alloc)
        return 0;
    uint32_t b = img_alloc_block(im);
    if (b == 0)
        return -ENOSPC;
    if (zero) {
        int r = img_write(im, b, zeros);
        if (r < 0)
            return r;
    }
    *slot = b;
    if (fresh)
        *fresh = true;
    return b;
}

/* Entry `idx` of indirect block `ind`, allocating what is missing. */
static int64_t map_indirect(struct qimg *im, uint32_t ind, uint32_t idx, bool alloc, bool zero,
                            bool *fresh)
{
    uint32_t ptrs[QFS_PTRS_PER_BLOCK];
    int r = img_read(im, ind, ptrs);
    if (r < 0)
        return r;
    uint32_t old = ptrs[idx];
    int64_t b = map_slot(im, &ptrs[idx], alloc, zero, fresh);
    if (b > 0 && ptrs[idx] != old) {
        r = img_write(im, ind, ptrs);
        if (r < 0)
            return r;
    }
    return b;
}

int64_t img_bmap(struct qimg *im, struct qfs_inode *ip, uint64_t fbn, bool alloc, bool *fresh)
{
    int64_t b;

    if (fresh)
        *fresh = false;
    if (fbn < QFS_NDIRECT)
        return map_slot(im, &ip->direct[fbn], alloc, false, fresh);
    fbn -= QFS_NDIRECT;
    if (fbn < QFS_PTRS_PER_BLOCK) {
        b = map_slot(im, &ip->indirect, alloc, true, NULL);
        if (b <= 0)
            return b;
        return map_indirect(im, (uint32_t)b, (uint32_t)fbn, alloc, false, fresh);
    }
    fbn -= QFS_PTRS_PER_BLOCK;
    if (fbn >= (uint64_t)QFS_PTRS_PER_BLOCK * QFS_PTRS_PER_BLOCK)
        return -EFBIG;
    b = map_slot(im, &ip->dindirect, alloc, true, NULL);
    if (b <= 0)
        return b;
    b = map_indirect(im, (uint32_t)b, (uint32_t)(fbn / QFS_PTRS_PER_BLOCK), alloc, true, NULL);
    if (b <= 0)
        return b;
    return map_indirect(im, (uint32_t)b, (uint32_t)(fbn % QFS_PTRS_PER_BLOCK), alloc, false, fresh);
}

int64_t img_file_read(struct qimg *im, struct qfs_inode *ip, uint64_t off, void *buf, uint64_t len)
{
    uint8_t blk[QFS_BLOCK_SIZE];
    uint64_t done = 0;

    if (off >= ip->size)
        return 0;
    if (len > ip->size - off)
        len = ip->size - off;
    while (done < len) {
        uint64_t pos = off + done, in = pos % QFS_BLOCK_SIZE;
        uint64_t n = QFS_BLOCK_SIZE - in < len - done ? QFS_BLOCK_SIZE - in : len - done;
        int64_t b = img_bmap(im, ip, pos / QFS_BLOCK_SIZE, false, NULL);
        if (b < 0)
            return b;
        if (b == 0) {
            memset(blk, 0, sizeof(blk));
        } else {
            int r = img_read(im, (uint32_t)b, blk);
            if (r < 0)
                return r;
        }
        memcpy((uint8_t *)buf + done, blk + in, n);
        done += n;
    }
    return (int64_t)done;
}

int64_t img_file_write(struct qimg *im, struct qfs_inode *ip, uint64_t off, const void *buf,
                       uint64_t len)
{
    uint8_t blk[QFS_BLOCK_SIZE];
    uint64_t done = 0;
    bool fresh;
    int r;

    while (done < len) {
        uint64_t pos = off + done, in = pos % QFS_BLOCK_SIZE;
        uint64_t n = QFS_BLOCK_SIZE - in < len - done ? QFS_BLOCK_SIZE - in : len - done;
        int64_t b = img_bmap(im, ip, pos / QFS_BLOCK_SIZE, true, &fresh);
        if (b < 0)
            return b;
        if (n == QFS_BLOCK_SIZE) {
            r = img_write(im, (uint32_t)b, (const uint8_t *)buf + done);
        } else {
            if (fresh)
                memset(blk, 0, sizeof(blk));
            else if ((r = img_read(im, (uint32_t)b, blk)) < 0)
                return r;
            memcpy(blk + in, (const uint8_t *)buf + done, n);
            r = img_write(im, (uint32_t)b, blk);
        }
        if (r < 0)
            return r;
        done += n;
        if (pos + n > ip->size)
            ip->size = pos + n;
    }
    return (int64_t)done;
}

uint32_t img_dir_lookup(struct qimg *im, uint32_t dir, const char *name)
{
    struct qfs_inode *dp = img_inode(im, dir);
    struct qfs_dirent ents[QFS_DIRENTS_PER_BLOCK];

    if (!dp || dp->type != QFS_T_DIR)
        return 0;
    for (uint64_t off = 0; off < dp->size; off += sizeof(ents)) {
        if (img_file_read(im, dp, off, ents, sizeof(ents)) <= 0)
            return 0;
        for (int i = 0; i < QFS_DIRENTS_PER_BLOCK; i++) {
            if (ents[i].inum != 0 && strncmp(ents[i].name, name, sizeof(ents[i].name)) == 0)
                return ents[i].inum;
        }
    }
    return 0;
}

/* Absolute or root-relative path; symbolic links are not followed. */
uint32_t img_path_lookup(struct qimg *im, const char *path)
{
    char name[QFS_NAME_MAX + 1];
    uint32_t inum = QFS_ROOT_INUM;

    while (inum != 0) {
        while (*path == '/')
            path++;
        if (*path == '\0')
            return inum;
        size_t len = strcspn(path, "/");
        if (len > QFS_NAME_MAX)
            return 0;
        memcpy(name, path, len);
        name[len] = '\0';
        path += len;
        inum = img_dir_lookup(im, inum, name);
    }
    return 0;
}
