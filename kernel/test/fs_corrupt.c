/*
 * The damaged-disk self-test (selftest=fs-corrupt): a crafted or damaged
 * image must never panic the kernel.  The scratch disk vdb holds a fresh
 * QFS image (tests/test_fs.py makes it with mkfs from a small tree).  The
 * test keeps a copy of it in memory and, for each case, puts the pristine
 * image back, damages it in one way, mounts it, and uses it: walks the
 * tree (getdents, stat, read, readlink), then creates, writes, truncates,
 * renames and removes.  Each mount is refused with a message or succeeds;
 * either way every call returns a result and the kernel stays up.
 *
 * Cases: every superblock field set to edge values; the bitmaps cleared
 * where metadata lives, cleared where data lives, and filled; every field
 * of every inode in use set to bad values; directory entries with bad inode
 * numbers, unterminated names and slashes; indirect-block pointers out of
 * range; a committed-looking journal header naming a block outside the
 * file system; and seeded random byte flips across the metadata.
 */
#include "test/fs_util.h"
#include "test/selftest.h"
#include "dev/blockdev.h"
#include "fs/bcache.h"
#include "mm/page.h"
#include "mm/slab.h"

#define T "fs-corrupt"
#define MAX_IMAGE_BLOCKS 2048
#define RANDOM_CASES 48

struct image {
    struct blockdev *dev;
    uint32_t nblocks;
    uint8_t **blocks; /* the pristine image, one page per block */
    struct qfs_super sb;
};

struct tally {
    int cases, refused, broken, fine;
};

static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

/* Put every block that differs from the pristine image back (through the cache). */
static int restore(struct image *im)
{
    for (uint32_t b = 0; b < im->nblocks; b++) {
        struct buf *bp = bcache_read(im->dev, b);
        if (!bp)
            return -EIO;
        int err = 0;
        if (memcmp(bp->data, im->blocks[b], QFS_BLOCK_SIZE) != 0) {
            memcpy(bp->data, im->blocks[b], QFS_BLOCK_SIZE);
            err = bcache_write(bp);
        }
        bcache_release(bp);
        if (err)
            return err;
    }
    return 0;
}

/* Change the 32-bit word at byte offset `at` of block b to v (on the disk, via the cache). */
static void poke32(struct image *im, uint32_t b, uint32_t at, uint32_t v)
{
    struct buf *bp = bcache_read(im->dev, b);
    if (!bp)
        return;
    memcpy(bp->data + at, &v, sizeof(v));
    bcache_write(bp);
    bcache_release(bp);
}

static void poke_bytes(struct image *im, uint32_t b, uint32_t at, const void *src, uint32_t n)
{
    struct buf *bp = bcache_read(im->dev, b);
    if (!bp)
        return;
    memcpy(bp->data + at, src, n);
    bcache_write(bp);
    bcache_release(bp);
}

/* Walk dir (a path relative to root) and everything below it, depth-limited. */
static void walk_tree(struct inode *root, const char *dir, int depth)
{
    struct file *f;
    char *buf = kmalloc(2048);
    if (!buf)
        return;
    if (file_open(root, dir, O_RDONLY | O_DIRECTORY, 0, &f) != 0) {
        kfree(buf);
        return;
    }
    ssize_t n;
    while ((n = file_getdents(f, false, (uintptr_t)buf, 2048)) > 0) {
        for (ssize_t off = 0; off < n;) {
            struct kdirent *k = (struct kdirent *)(buf + off);
            char path[160];
            struct kstat st;
            snprintf(path, sizeof(path), "%s/%s", dir, k->d_name);
            off += k->d_reclen;
            if (!strcmp(k->d_name, ".") || !strcmp(k->d_name, ".."))
                continue;
            if (fs_stat(root, path, false, &st) != 0)
                continue;
            if ((st.st_mode & S_IFMT) == S_IFDIR && depth < 4) {
                walk_tree(root, path, depth + 1);
            } else if ((st.st_mode & S_IFMT) == S_IFLNK) {
                char target[64];
                fs_readlink(root, path, target, sizeof(target));
            } else if ((st.st_mode & S_IFMT) == S_IFREG) { /* not devices: a read may wait */
                struct file *g;
                if (file_open(root, path, O_RDONLY, 0, &g) == 0) {
                    char data[512];
                    for (uint64_t at = 0;
                         file_pread(g, false, (uintptr_t)data, sizeof(data), at) > 0;)
                        at = at ? at * 2 : 4096; /* a sample: 0, 4 KiB, 8 KiB, 16 KiB ... */
                    file_close(g);
                }
            }
        }
    }
    file_close(f);
    kfree(buf);
}

/* Change things: create, write, truncate, rename, remove. */
static void change_tree(struct inode *root)
{
    static const char data[] = "written onto a damaged disk";
    struct file *f;
    fs_mkdir(root, "cx", 0755);
    if (file_open(root, "cx/new", O_CREAT | O_RDWR | O_TRUNC, 0644, &f) == 0) {
        file_pwrite(f, false, (uintptr_t)data, sizeof(data), 0);
        file_pwrite(f, false, (uintptr_t)data, sizeof(data), 100 * 1024);
        file_truncate(f, 10);
        file_close(f);
    }
    if (file_open(root, "d/big", O_RDWR, 0, &f) == 0) {
        file_pwrite(f, false, (uintptr_t)data, sizeof(data), 5000);
        file_truncate(f, 3000);
        file_close(f);
    }
    fs_rename(root, "d/small", root, "cx/moved");
    fs_rename(root, "many", root, "cx/many");
    fs_link(root, "cx/moved", root, "d/again");
    fs_symlink(root, "cx/moved", "cx/sl");
    fs_unlink(root, "d/again");
    fs_unlink(root, "cx/moved");
    fs_unlink(root, "cx/sl");
    fs_unlink(root, "cx/new");
    fs_unlink(root, "d/link");
    fs_rmdir(root, "cx");
    char cwd[128];
    struct inode *dir;
    if (fs_chdir_lookup(root, "d", &dir) == 0) {
        fs_getcwd(dir, cwd, sizeof(cwd));
        inode_put_op(dir);
    }
}

/* Mount the damaged image and use it; counts the outcome. */
static void try_image(struct image *im, struct tally *t)
{
    struct fs *fs;
    t->cases++;
    if (fs_mount(im->dev, &fs) != 0) {
        t->refused++;
        return;
    }
    struct inode *root = inode_get(fs, QFS_ROOT_INUM);
    if (root) {
        walk_tree(root, ".", 0);
        change_tree(root);
        walk_tree(root, ".", 0);
        inode_put_op(root);
    }
    dir_index_unpin_fs(fs);
    fs_op_begin(fs); /* its end drops the references unpinning deferred */
    fs_op_end(fs, 0);
    if (fs_is_broken(fs))
        t->broken++;
    else
        t->fine++;
    fs_unmount(fs); /* every inode of it was put: nothing refers to it */
}

static int load_image(struct image *im)
{
    struct buf *b = bcache_read(im->dev, QFS_SUPER_BLOCK);
    if (!b)
        return -EIO;
    memcpy(&im->sb, b->data, sizeof(im->sb));
    bcache_release(b);
    uint64_t disk_blocks = im->dev->nsectors / (QFS_BLOCK_SIZE / SECTOR_SIZE);
    if (!fs_super_ok(&im->sb, disk_blocks) || im->sb.nblocks > MAX_IMAGE_BLOCKS)
        return -EINVAL;
    im->nblocks = im->sb.nblocks;
    im->blocks = kzalloc(im->nblocks * sizeof(uint8_t *));
    if (!im->blocks)
        return -ENOMEM;
    for (uint32_t i = 0; i < im->nblocks; i++) {
        if (!(im->blocks[i] = page_alloc(0)) || !(b = bcache_read(im->dev, i)))
            return -ENOMEM;
        memcpy(im->blocks[i], b->data, QFS_BLOCK_SIZE);
        bcache_release(b);
    }
    return 0;
}

static void free_image(struct image *im)
{
    for (uint32_t i = 0; im->blocks && i < im->nblocks; i++)
        if (im->blocks[i])
            page_free(im->blocks[i], 0);
    kfree(im->blocks);
}

static void super_cases(struct image *im, struct tally *t)
{
    for (uint32_t field = 0; field < 14; field++) {
        uint32_t orig;
        memcpy(&orig, (uint8_t *)&im->sb + field * 4, 4);
        uint32_t vals[] = {0, 0xffffffff, orig + 1, orig - 1, im->nblocks};
        for (size_t v = 0; v < ARRAY_SIZE(vals); v++) {
            if (vals[v] == orig || restore(im))
                continue;
            poke32(im, QFS_SUPER_BLOCK, field * 4, vals[v]);
            try_image(im, t);
        }
    }
}

static void bitmap_cases(struct image *im, struct tally *t)
{
    const struct qfs_super *sb = &im->sb;
    static const uint8_t zeros[64], ones[64] = {[0 ... 63] = 0xff};
    uint32_t bm[] = {0, QFS_SUPER_BLOCK, sb->log_start, sb->inode_start, sb->data_start - 1};
    for (size_t i = 0; i < ARRAY_SIZE(bm); i++) { /* a metadata block marked free */
        if (restore(im))
            return;
        uint8_t byte = im->blocks[sb->bmap_start][bm[i] / 8] & ~(1 << (bm[i] % 8));
        poke_bytes(im, sb->bmap_start, bm[i] / 8, &byte, 1);
        try_image(im, t);
    }
    /* Every data block marked free (allocation hands out blocks in use), or all used. */
    const uint8_t *fill[] = {zeros, ones};
    for (int k = 0; k < 2; k++) {
        if (restore(im))
            return;
        for (uint32_t at = sb->data_start / 8 + 1;
             at + 64 <= QFS_BLOCK_SIZE && at * 8 < sb->nblocks; at += 64)
            poke_bytes(im, sb->bmap_start, at, fill[k], 64);
        try_image(im, t);
    }
    /* The inode bitmap: the root free, every inode free, every inode used. */
    for (int k = 0; k < 3; k++) {
        if (restore(im))
            return;
        if (k == 0) {
            uint8_t byte = im->blocks[sb->imap_start][0] & ~(1 << QFS_ROOT_INUM);
            poke_bytes(im, sb->imap_start, 0, &byte, 1);
        } else {
            for (uint32_t at = 0; at < 512; at += 64)
                poke_bytes(im, sb->imap_start, at, k == 1 ? zeros : ones, 64);
            uint8_t keep = 0x03; /* inode 0 and the root stay marked */
            if (k == 1)
                poke_bytes(im, sb->imap_start, 0, &keep, 1);
        }
        try_image(im, t);
    }
}

/* The first few inodes in use: every field set to bad values. */
static void inode_cases(struct image *im, struct tally *t)
{
    const struct qfs_super *sb = &im->sb;
    uint32_t bad[] = {0, QFS_SUPER_BLOCK, sb->inode_start, sb->nblocks, 0xffffffff};
    int done = 0;
    for (uint32_t inum = QFS_ROOT_INUM; inum < sb->ninodes && done < 4; inum++) {
        uint32_t blk = sb->inode_start + inum / QFS_INODES_PER_BLOCK;
        uint32_t at = (inum % QFS_INODES_PER_BLOCK) * QFS_INODE_SIZE;
        const struct qfs_inode *d = (const struct qfs_inode *)(im->blocks[blk] + at);
        if (d->type == 0)
            continue;
        done++;
        /* type/nlink (word 0), size (words 4-5), direct (12-23), indirect, dindirect. */
        static const uint32_t words[] = {0, 4, 5, 12, 23, 24, 25};
        for (size_t w = 0; w < ARRAY_SIZE(words); w++) {
            for (size_t v = 0; v < ARRAY_SIZE(bad); v++) {
                if (restore(im))
                    return;
                uint32_t val = bad[v];
                if (words[w] == 0)
                    val = (bad[v] & 0xffff) | ((uint32_t)d->nlink << 16); /* the type */
                poke32(im, blk, at + words[w] * 4, val);
                try_image(im, t);
            }
        }
        if (restore(im))
            return;
        uint16_t zero = 0;
        poke_bytes(im, blk, at + 2, &zero, 2); /* nlink 0: freed at mount while still named */
        try_image(im, t);
    }
}

/* Directory entries and indirect pointers of the files in use. */
static void block_cases(struct image *im, struct tally *t)
{
    const struct qfs_super *sb = &im->sb;
    int dirs = 0, indirects = 0;
    for (uint32_t inum = QFS_ROOT_INUM; inum < sb->ninodes; inum++) {
        uint32_t blk = sb->inode_start + inum / QFS_INODES_PER_BLOCK;
        const struct qfs_inode *d =
            (const struct qfs_inode *)(im->blocks[blk] +
                                       (inum % QFS_INODES_PER_BLOCK) * QFS_INODE_SIZE);
        if (d->type == QFS_T_DIR && d->direct[0] && dirs < 2) {
            dirs++;
            uint32_t db = d->direct[0];
            uint32_t vals[] = {sb->ninodes, 0xffffffff, sb->ninodes - 1, QFS_ROOT_INUM, 0};
            for (uint32_t e = 0; e < 4; e++) { /* ".", "..", and two names */
                for (size_t v = 0; v < ARRAY_SIZE(vals); v++) {
                    if (restore(im))
                        return;
                    poke32(im, db, e * QFS_DIRENT_SIZE, vals[v]);
                    try_image(im, t);
                }
                static const char junk[QFS_NAME_MAX + 1] = {[0 ... QFS_NAME_MAX] = 'A'};
                if (restore(im))
                    return;
                poke_bytes(im, db, e * QFS_DIRENT_SIZE + 4, junk, sizeof(junk)); /* no NUL */
                try_image(im, t);
                if (restore(im))
                    return;
                poke_bytes(im, db, e * QFS_DIRENT_SIZE + 4, "a/b", 4);
                try_image(im, t);
            }
        }
        uint32_t ib = d->type == QFS_T_FILE ? d->indirect : 0;
        if (ib && indirects < 1) {
            indirects++;
            uint32_t vals[] = {1, sb->inode_start, sb->nblocks, 0xffffffff, ib};
            for (uint32_t slot = 0; slot < 3; slot++) {
                for (size_t v = 0; v < ARRAY_SIZE(vals); v++) {
                    if (restore(im))
                        return;
                    poke32(im, ib, slot * 4, vals[v]);
                    try_image(im, t);
                }
            }
        }
    }
}

/* A journal header that looks committed (its checksum matches) but names a bad block. */
static void log_cases(struct image *im, struct tally *t)
{
    uint32_t homes[] = {0, QFS_SUPER_BLOCK, im->sb.log_start, im->nblocks, 0xffffffff};
    for (size_t i = 0; i < ARRAY_SIZE(homes); i++) {
        if (restore(im))
            return;
        struct qfs_log_header *h = kzalloc(sizeof(*h));
        if (!h)
            return;
        h->magic = QFS_LOG_MAGIC;
        h->n = 1;
        h->seq = 7;
        h->home[0] = homes[i];
        h->checksum =
            qfs_log_checksum_block(qfs_log_checksum_start(h), im->blocks[im->sb.log_start + 1]);
        poke_bytes(im, im->sb.log_start, 0, h, sizeof(*h));
        kfree(h);
        try_image(im, t);
    }
}

/* Seeded random damage: a few bytes flipped in metadata and directory/indirect blocks. */
static void random_cases(struct image *im, struct tally *t)
{
    rng_state = 0x51465331;
    uint32_t meta_end = im->sb.data_start + 32 < im->nblocks ? im->sb.data_start + 32 : im->nblocks;
    for (int c = 0; c < RANDOM_CASES; c++) {
        if (restore(im))
            return;
        int flips = 1 + rng() % 8;
        for (int i = 0; i < flips; i++) {
            uint32_t b = im->sb.imap_start + rng() % (meta_end - im->sb.imap_start);
            uint32_t at = rng() % QFS_BLOCK_SIZE;
            uint8_t v = (uint8_t)rng();
            poke_bytes(im, b, at, &v, 1);
        }
        try_image(im, t);
    }
}

int fs_corrupt_selftest(void)
{
    struct image im = {0};
    struct tally t = {0};
    im.dev = blockdev_find("vdb");
    if (!im.dev) {
        printf("selftest " T ": SKIP (no scratch disk vdb)\n");
        return 0;
    }
    int err = load_image(&im);
    if (err) {
        free_image(&im);
        if (err == -EINVAL) {
            printf("selftest " T ": SKIP (vdb holds no small QFS image)\n");
            return 0;
        }
        return selftest_fail(T, "cannot read the pristine image (%d)", err);
    }
    try_image(&im, &t); /* the pristine image: used without damage being found */
    if (t.fine != 1) {
        free_image(&im);
        return selftest_fail(T, "the undamaged image was refused or found damaged");
    }
    super_cases(&im, &t);
    bitmap_cases(&im, &t);
    inode_cases(&im, &t);
    block_cases(&im, &t);
    log_cases(&im, &t);
    random_cases(&im, &t);
    err = restore(&im);
    free_image(&im);
    if (err)
        return selftest_fail(T, "restoring the image failed (%d)", err);
    if (t.refused == 0 || t.broken == 0 || t.fine + t.broken + t.refused != t.cases)
        return selftest_fail(T, "%d cases: %d refused, %d read-only, %d fine: some kind never seen",
                             t.cases, t.refused, t.broken, t.fine);
    printf("selftest " T ": PASS (%d damaged images: %d refused at mount, %d made read-only, "
           "%d still consistent)\n",
           t.cases, t.refused, t.broken, t.fine);
    return 0;
}
