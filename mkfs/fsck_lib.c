/*
 * fsck_run: check a QFS image, one line per problem.
 *
 * The passes, each trusting only what the earlier ones checked:
 *   1. superblock: magic, version, block size, regions in order, in range
 *      and big enough (a bad superblock stops the check: nothing else can
 *      be located);
 *   2. journal header: magic, n within the log; a committed transaction is
 *      reported (or replayed with -r), a torn one (bad checksum) noted;
 *   3. inodes: every in-use inode has a valid type; every block pointer of
 *      it lies in the data area, no block is claimed twice, no block lies
 *      beyond the size rounded up to whole blocks (holes are fine);
 *   4. directories, depth-first from the root (fsck_dir.c): "." and "..",
 *      names, duplicates, entries naming free inodes, one parent per
 *      directory; this counts the entries naming each inode;
 *   5. inode bitmap == inodes in use, every in-use inode reachable, link
 *      counts == entries naming the inode;
 *   6. block bitmap == metadata + blocks claimed in pass 3 + padding.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fsck_priv.h"

void fsck_problem(struct fsck *f, const char *fmt, ...)
{
    va_list ap;

    if (f->problems++ >= FSCK_MAX_LINES)
        return;
    va_start(ap, fmt);
    fprintf(f->out, "fsck: ");
    vfprintf(f->out, fmt, ap);
    fprintf(f->out, "\n");
    va_end(ap);
}

void fsck_warning(struct fsck *f, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(f->out, "fsck: warning: ");
    vfprintf(f->out, fmt, ap);
    fprintf(f->out, "\n");
    va_end(ap);
}

/* ---- pass 1: superblock ------------------------------------------------ */

struct region {
    const char *name;
    uint32_t start, len;
};

static bool check_regions(struct fsck *f)
{
    const struct qfs_super *sb = &f->im.sb;
    const struct region r[] = {
        {"journal", sb->log_start, sb->log_blocks},
        {"inode bitmap", sb->imap_start, sb->imap_blocks},
        {"block bitmap", sb->bmap_start, sb->bmap_blocks},
        {"inode table", sb->inode_start, sb->inode_blocks},
        {"data area", sb->data_start,
         sb->nblocks > sb->data_start ? sb->nblocks - sb->data_start : 0},
    };
    uint64_t end = QFS_SUPER_BLOCK + 1;
    bool ok = true;

    for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
        if (r[i].start < end || r[i].len == 0 || (uint64_t)r[i].start + r[i].len > sb->nblocks) {
            fsck_problem(f,
                         "superblock: %s (blocks %u+%u) overlaps the previous region, "
                         "is empty or runs past the end (%u blocks)",
                         r[i].name, r[i].start, r[i].len, sb->nblocks);
            ok = false;
        }
        end = (uint64_t)r[i].start + r[i].len;
    }
    return ok;
}

static bool check_super(struct fsck *f)
{
    const struct qfs_super *sb = &f->im.sb;
    bool ok;

    if (sb->magic != QFS_MAGIC) {
        fsck_problem(f, "superblock: bad magic %#x (expected %#x): not a QFS image", sb->magic,
                     QFS_MAGIC);
        return false;
    }
    if (sb->version != QFS_VERSION || sb->block_size != QFS_BLOCK_SIZE) {
        fsck_problem(f, "superblock: version %u, block size %u (expected %u, %u)", sb->version,
                     sb->block_size, QFS_VERSION, QFS_BLOCK_SIZE);
        return false;
    }
    ok = check_regions(f);
    if (sb->ninodes < 2) {
        fsck_problem(f, "superblock: %u inodes: not even a root directory", sb->ninodes);
        ok = false;
    }
    if ((uint64_t)sb->imap_blocks * QFS_BITS_PER_BLOCK < sb->ninodes ||
        (uint64_t)sb->bmap_blocks * QFS_BITS_PER_BLOCK < sb->nblocks ||
        (uint64_t)sb->inode_blocks * QFS_INODES_PER_BLOCK < sb->ninodes) {
        fsck_problem(f, "superblock: bitmaps or inode table too small for %u inodes, %u blocks",
                     sb->ninodes, sb->nblocks);
        ok = false;
    }
    if (sb->log_blocks < 2 || sb->log_blocks - 1 > QFS_LOG_MAX) {
        fsck_problem(f, "superblock: journal of %u blocks (must be 2..%u)", sb->log_blocks,
                     QFS_LOG_MAX + 1);
        ok = false;
    }
    if (ok && f->im.file_size < (uint64_t)sb->nblocks * QFS_BLOCK_SIZE)
        fsck_problem(f, "image: %llu bytes, shorter than its %u blocks",
                     (unsigned long long)f->im.file_size, sb->nblocks);
    return ok;
}

/* ---- pass 2: journal --------------------------------------------------- */

static int replay_log(struct fsck *f, struct qfs_log_header *h)
{
    uint8_t buf[QFS_BLOCK_SIZE];
    int r = 0;

    for (uint32_t i = 0; r == 0 && i < h->n; i++) {
        r = img_read(&f->im, f->im.sb.log_start + 1 + i, buf);
        if (r == 0)
            r = img_write(&f->im, h->home[i], buf);
    }
    if (r == 0) {
        h->n = 0;
        r = img_write(&f->im, f->im.sb.log_start, h);
    }
    if (r == 0 && fsync(f->im.fd) < 0)
        r = -errno;
    return r;
}

static bool log_homes_ok(struct fsck *f, const struct qfs_log_header *h)
{
    const struct qfs_super *sb = &f->im.sb;

    for (uint32_t i = 0; i < h->n; i++) {
        if (h->home[i] < sb->imap_start || h->home[i] >= sb->nblocks) {
            fsck_problem(f, "journal: logged block %u belongs at block %u, outside blocks %u..%u",
                         i, h->home[i], sb->imap_start, sb->nblocks - 1);
            return false;
        }
    }
    return true;
}

static void check_log(struct fsck *f, bool replay)
{
    const struct qfs_super *sb = &f->im.sb;
    struct qfs_log_header h;
    uint8_t buf[QFS_BLOCK_SIZE];
    uint32_t sum;
    int r;

    memset(&h, 0, sizeof(h));
    f->log_state = "empty";
    if (img_read(&f->im, sb->log_start, &h) < 0 || h.magic != QFS_LOG_MAGIC) {
        fsck_problem(f, "journal: bad header magic %#x (expected %#x)", h.magic, QFS_LOG_MAGIC);
        f->log_state = "bad";
        return;
    }
    if (h.n == 0)
        return;
    if (h.n > sb->log_blocks - 1) {
        fsck_problem(f, "journal: header holds %u blocks, the log only %u", h.n,
                     sb->log_blocks - 1);
        f->log_state = "bad";
        return;
    }
    sum = qfs_log_checksum_start(&h);
    for (uint32_t i = 0; i < h.n; i++) {
        if (img_read(&f->im, sb->log_start + 1 + i, buf) < 0)
            memset(buf, 0, sizeof(buf));
        sum = qfs_log_checksum_block(sum, buf);
    }
    if (sum != h.checksum) {
        f->log_state = "torn commit (ignored)";
        fsck_warning(f,
                     "journal: header of an incomplete commit (seq %u, %u blocks, checksum "
                     "mismatch): the kernel ignores it",
                     h.seq, h.n);
        return;
    }
    if (!log_homes_ok(f, &h)) {
        f->log_state = "bad";
        return;
    }
    if (!replay) {
        f->log_state = "committed transaction pending";
        fsck_warning(f,
                     "journal: holds a committed transaction (seq %u, %u blocks) that the "
                     "kernel replays at mount (fsck -r replays it); checking without it",
                     h.seq, h.n);
    } else if ((r = replay_log(f, &h)) < 0) {
        fsck_problem(f, "journal: replay failed: %s", strerror(-r));
    } else {
        f->log_state = "replayed by fsck";
        fsck_warning(f, "journal: replayed committed transaction seq %u (%u blocks)", h.seq, h.n);
    }
}

/* ---- pass 3: inodes and their blocks ----------------------------------- */

/* Record that `inum` uses block `bno`; false if it may not be read. */
static bool claim(struct fsck *f, uint32_t inum, uint32_t bno, const char *what)
{
    const struct qfs_super *sb = &f->im.sb;

    if (bno < sb->data_start || bno >= sb->nblocks) {
        fsck_problem(f, "inode %u: %s pointer %u out of range (data blocks are %u..%u)", inum, what,
                     bno, sb->data_start, sb->nblocks - 1);
        return false;
    }
    if (f->owner[bno] != 0) {
        fsck_problem(f, "block %u referenced twice: by inode %u and by inode %u (%s)", bno,
                     f->owner[bno], inum, what);
        return false;
    }
    f->owner[bno] = inum;
    f->data_used++;
    return true;
}

/* Block `bno` holds file block `fbn` of a file of `nblk` blocks. */
static void claim_data(struct fsck *f, uint32_t inum, uint32_t bno, uint64_t fbn, uint64_t nblk)
{
    char what[48];

    if (bno == 0)
        return;
    snprintf(what, sizeof(what), "file block %llu", (unsigned long long)fbn);
    if (claim(f, inum, bno, what) && fbn >= nblk)
        fsck_problem(f, "inode %u: block %u at file block %llu lies beyond its size %llu", inum,
                     bno, (unsigned long long)fbn, (unsigned long long)f->im.inodes[inum].size);
}

/* An indirect block mapping file blocks first.. (level 1: data, 2: indirect). */
static void claim_indirect(struct fsck *f, uint32_t inum, uint32_t bno, uint64_t first, int level,
                           uint64_t nblk)
{
    uint32_t ptrs[QFS_PTRS_PER_BLOCK];
    uint64_t span = level == 1 ? 1 : QFS_PTRS_PER_BLOCK;

    if (bno == 0 || !claim(f, inum, bno, level == 1 ? "indirect" : "double-indirect"))
        return;
    if (first >= nblk)
        fsck_problem(f, "inode %u: %s block %u maps only file blocks beyond its size %llu", inum,
                     level == 1 ? "indirect" : "double-indirect", bno,
                     (unsigned long long)f->im.inodes[inum].size);
    if (img_read(&f->im, bno, ptrs) < 0)
        return;
    for (uint32_t i = 0; i < QFS_PTRS_PER_BLOCK; i++) {
        if (level == 1)
            claim_data(f, inum, ptrs[i], first + i, nblk);
        else
            claim_indirect(f, inum, ptrs[i], first + i * span, 1, nblk);
    }
}

static void check_inode(struct fsck *f, uint32_t inum, struct qfs_inode *ip)
{
    uint64_t nblk = div_round_up(ip->size, QFS_BLOCK_SIZE);

    f->flags[inum] |= F_USED;
    f->ntype[ip->type]++;
    if (nblk > QFS_MAX_FILE_BLOCKS)
        fsck_problem(f, "inode %u: size %llu is larger than a file can be", inum,
                     (unsigned long long)ip->size);
    for (uint32_t i = 0; i < QFS_NDIRECT; i++)
        claim_data(f, inum, ip->direct[i], i, nblk);
    claim_indirect(f, inum, ip->indirect, QFS_NDIRECT, 1, nblk);
    claim_indirect(f, inum, ip->dindirect, QFS_NDIRECT + QFS_PTRS_PER_BLOCK, 2, nblk);
    if (ip->type == QFS_T_SYMLINK && ip->size == 0)
        fsck_problem(f, "inode %u: empty symbolic link", inum);
    if (ip->type == QFS_T_DEV && ip->size != 0)
        fsck_problem(f, "inode %u: device file with size %llu", inum, (unsigned long long)ip->size);
}

static void scan_inodes(struct fsck *f)
{
    for (uint32_t inum = 1; inum < f->im.sb.ninodes; inum++) {
        struct qfs_inode *ip = &f->im.inodes[inum];
        if (ip->type == 0)
            continue;
        if (ip->type > QFS_T_DEV) {
            fsck_problem(f, "inode %u: bad type %u", inum, ip->type);
            f->flags[inum] |= F_BAD;
            continue;
        }
        check_inode(f, inum, ip);
    }
}

/* ---- pass 5: inode bitmap, reachability, link counts ------------------- */

static const char *type_name(uint16_t type)
{
    static const char *const names[] = {"free", "file", "directory", "symlink", "device"};
    return type <= QFS_T_DEV ? names[type] : "bad type";
}

static void check_imap(struct fsck *f)
{
    const struct qfs_super *sb = &f->im.sb;
    uint64_t clear = 0;

    if (!bit_test(f->im.imap, 0))
        fsck_problem(f, "inode bitmap: bit 0 (inode 0, never used) is clear");
    for (uint32_t i = 1; i < sb->ninodes; i++) {
        const struct qfs_inode *ip = &f->im.inodes[i];
        bool used = f->flags[i] & F_USED, mapped = bit_test(f->im.imap, i);
        if (used && !(f->flags[i] & F_REACHED))
            fsck_problem(f, "inode %u (%s, %u links) is in use but not reachable from /", i,
                         type_name(ip->type), ip->nlink);
        if (used && !mapped)
            fsck_problem(f, "inode %u (%s) is in use but marked free in the inode bitmap", i,
                         type_name(ip->type));
        if (!used && !(f->flags[i] & F_BAD) && mapped)
            fsck_problem(f, "inode %u is marked in use in the inode bitmap but is free", i);
        if (used && (f->flags[i] & F_REACHED) && ip->nlink != f->refs[i])
            fsck_problem(f, "inode %u (%s): link count %u, but %u directory entries name it", i,
                         type_name(ip->type), ip->nlink, f->refs[i]);
    }
    for (uint64_t i = sb->ninodes; i < (uint64_t)sb->imap_blocks * QFS_BITS_PER_BLOCK; i++)
        clear += !bit_test(f->im.imap, i);
    if (clear)
        fsck_problem(f, "inode bitmap: %llu padding bits past inode %u are clear",
                     (unsigned long long)clear, sb->ninodes - 1);
}

/* ---- pass 6: block bitmap ---------------------------------------------- */

enum bkind { B_OK, B_LEAKED, B_FREE_IN_USE, B_FREE_META, B_FREE_PAD };

struct brun {
    enum bkind kind;
    uint32_t owner;
    uint64_t first, last;
};

static void report_run(struct fsck *f, const struct brun *r)
{
    char blocks[48];

    if (r->first == r->last)
        snprintf(blocks, sizeof(blocks), "block %llu", (unsigned long long)r->first);
    else
        snprintf(blocks, sizeof(blocks), "blocks %llu..%llu", (unsigned long long)r->first,
                 (unsigned long long)r->last);
    switch (r->kind) {
    case B_LEAKED:
        fsck_problem(f, "block bitmap: %s marked in use but not referenced by any inode", blocks);
        break;
    case B_FREE_IN_USE:
        fsck_problem(f, "block bitmap: %s in use by inode %u but marked free", blocks, r->owner);
        break;
    case B_FREE_META:
        fsck_problem(f, "block bitmap: %s (metadata) marked free", blocks);
        break;
    case B_FREE_PAD:
        fsck_problem(f, "block bitmap: %s (past the end of the disk) marked free", blocks);
        break;
    case B_OK:
        break;
    }
}

static enum bkind block_kind(struct fsck *f, uint64_t b)
{
    const struct qfs_super *sb = &f->im.sb;
    bool mapped = bit_test(f->im.bmap, b);

    if (b < sb->data_start)
        return mapped ? B_OK : B_FREE_META;
    if (b >= sb->nblocks)
        return mapped ? B_OK : B_FREE_PAD;
    if (f->owner[b] != 0)
        return mapped ? B_OK : B_FREE_IN_USE;
    return mapped ? B_LEAKED : B_OK;
}

/* Compare the bitmap with what pass 3 found; report runs of alike blocks as one line. */
static void check_bmap(struct fsck *f)
{
    const struct qfs_super *sb = &f->im.sb;
    uint64_t total = (uint64_t)sb->bmap_blocks * QFS_BITS_PER_BLOCK;
    struct brun run = {B_OK, 0, 0, 0};

    for (uint64_t b = 0; b < total; b++) {
        enum bkind k = block_kind(f, b);
        uint32_t owner = b < sb->nblocks ? f->owner[b] : 0;
        if (k == run.kind && owner == run.owner && b == run.last + 1) {
            run.last = b;
            continue;
        }
        report_run(f, &run);
        run = (struct brun){k, owner, b, b};
    }
    report_run(f, &run);
}

/* ---- driver ------------------------------------------------------------ */

static int alloc_state(struct fsck *f)
{
    const struct qfs_super *sb = &f->im.sb;

    f->owner = calloc(sb->nblocks, sizeof(*f->owner));
    f->refs = calloc(sb->ninodes, sizeof(*f->refs));
    f->parent = calloc(sb->ninodes, sizeof(*f->parent));
    f->flags = calloc(sb->ninodes, sizeof(*f->flags));
    if (!f->owner || !f->refs || !f->parent || !f->flags)
        return -ENOMEM;
    return img_load(&f->im);
}

static void print_summary(struct fsck *f, const char *image)
{
    const struct qfs_super *sb = &f->im.sb;
    uint32_t ndata = sb->nblocks - sb->data_start;
    uint32_t nused = f->ntype[1] + f->ntype[2] + f->ntype[3] + f->ntype[4];

    fprintf(f->out, "fsck: %s: QFS v%u, %u blocks of %u bytes (%llu MiB), journal %u blocks (%s)\n",
            image, sb->version, sb->nblocks, sb->block_size,
            (unsigned long long)sb->nblocks * QFS_BLOCK_SIZE >> 20, sb->log_blocks, f->log_state);
    fprintf(f->out,
            "fsck: %s: inodes: %u of %u in use: %u files, %u directories, %u symlinks, "
            "%u devices\n",
            image, nused, sb->ninodes - 1, f->ntype[QFS_T_FILE], f->ntype[QFS_T_DIR],
            f->ntype[QFS_T_SYMLINK], f->ntype[QFS_T_DEV]);
    fprintf(f->out,
            "fsck: %s: data blocks: %llu of %u in use (%llu KiB), %llu free; "
            "%u metadata blocks\n",
            image, (unsigned long long)f->data_used, ndata,
            (unsigned long long)f->data_used * (QFS_BLOCK_SIZE / 1024),
            (unsigned long long)(ndata - f->data_used), sb->data_start);
}

int fsck_run(const char *image, FILE *report, const struct fsck_opts *o)
{
    struct fsck f;
    int r;

    memset(&f, 0, sizeof(f));
    f.out = report;
    r = img_open(&f.im, image, o->replay);
    if (r < 0) {
        fprintf(report, "fsck: %s: %s\n", image, strerror(-r));
        return -1;
    }
    if (!check_super(&f))
        goto out;
    check_log(&f, o->replay);
    if ((r = alloc_state(&f)) < 0) {
        fsck_problem(&f, "%s: cannot load the tables: %s", image, strerror(-r));
        goto out;
    }
    scan_inodes(&f);
    fsck_walk_dirs(&f);
    check_imap(&f);
    check_bmap(&f);
    if (o->verbose)
        print_summary(&f, image);
out:
    if (f.problems > FSCK_MAX_LINES)
        fprintf(report, "fsck: ... %lu more problems not shown\n", f.problems - FSCK_MAX_LINES);
    if (f.problems)
        fprintf(report, "fsck: %s: %lu problem%s found\n", image, f.problems,
                f.problems == 1 ? "" : "s");
    else
        fprintf(report, "fsck: %s: clean\n", image);
    free(f.owner);
    free(f.refs);
    free(f.parent);
    free(f.flags);
    img_close(&f.im);
    return f.problems > INT32_MAX ? INT32_MAX : (int)f.problems;
}

int fsck_check(const char *image, FILE *report)
{
    const struct fsck_opts o = {false, false};
    return fsck_run(image, report, &o);
}
