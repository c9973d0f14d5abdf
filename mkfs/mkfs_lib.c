/*
 * mkfs_build: lay out a new QFS image and copy host directory trees into it.
 *
 * The layout is computed from the size (see mkfs_layout), the image file is
 * created sparse, and then the trees are walked depth-first in name order.
 * File data is written as it is copied, in ascending block order.  Directory
 * contents are collected in memory (one `struct dirbuf` per directory inode)
 * and written at the end, so several trees can be merged into one root and a
 * directory's size is known before its blocks are chosen.  Link counts are
 * counted as entries are added: every entry, "." and ".." included, adds one
 * to the inode it names, which gives nlink = entries for files and
 * 2 + subdirectories for directories.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "common.h"
#include "mkfs.h"

#define COPY_CHUNK (1u << 20)
#define CONSOLE_MAJOR 1
#define CONSOLE_MINOR 0

struct dirbuf {
    struct qfs_dirent *ents;
    uint32_t n, cap;
};

/* A host file with several links: later links reuse its inode. */
struct hlink {
    dev_t dev;
    ino_t ino;
    uint32_t inum;
};

struct mk {
    struct qimg im;
    FILE *msg;
    int64_t now;
    struct dirbuf **dirs; /* [ninodes]: pending contents of each directory */
    struct hlink *links;
    size_t nlinks, caplinks;
    uint8_t *chunk; /* COPY_CHUNK bytes */
    uint64_t nfiles, ndirs, nsymlinks;
    bool created; /* the image file exists: remove it on failure */
};

static int fail(struct mk *m, const char *fmt, const char *path, int err)
{
    fprintf(m->msg, "mkfs: ");
    fprintf(m->msg, fmt, path);
    if (err == -ENOSPC)
        fprintf(m->msg, ": no space left on the image (%u blocks of %u bytes): use a larger size",
                m->im.sb.nblocks, QFS_BLOCK_SIZE);
    else if (err == -EFBIG)
        fprintf(m->msg, ": file too large for QFS (at most %llu blocks)",
                (unsigned long long)QFS_MAX_FILE_BLOCKS);
    else if (err)
        fprintf(m->msg, ": %s", strerror(-err));
    fprintf(m->msg, "\n");
    return -1;
}

uint64_t mkfs_parse_size(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    uint64_t unit = 1u << 20;

    if (end == s || v == 0)
        return 0;
    switch (toupper((unsigned char)*end)) {
    case '\0':
        break;
    case 'K':
        unit = 1u << 10;
        end++;
        break;
    case 'M':
        unit = 1u << 20;
        end++;
        break;
    case 'G':
        unit = 1u << 30;
        end++;
        break;
    default:
        return 0;
    }
    if (*end != '\0' && strcmp(end, "iB") != 0 && strcmp(end, "B") != 0)
        return 0;
    if (v > UINT64_MAX / unit)
        return 0;
    return v * unit;
}

/* Place the regions; see the picture in fs/format.h. */
static int mkfs_layout(struct qfs_super *sb, const struct mkfs_opts *o, FILE *msg)
{
    uint64_t nblocks = o->size_bytes / QFS_BLOCK_SIZE;
    uint64_t ninodes = o->ninodes ? o->ninodes : nblocks / 4;
    uint32_t log_blocks = o->log_blocks;

    if (nblocks < MKFS_MIN_BLOCKS || nblocks > MKFS_MAX_BLOCKS) {
        fprintf(msg, "mkfs: size must be between %u KiB and %llu GiB\n",
                MKFS_MIN_BLOCKS * QFS_BLOCK_SIZE / 1024,
                (unsigned long long)MKFS_MAX_BLOCKS * QFS_BLOCK_SIZE >> 30);
        return -1;
    }
    if (ninodes < QFS_INODES_PER_BLOCK)
        ninodes = QFS_INODES_PER_BLOCK;
    ninodes = div_round_up(ninodes, QFS_INODES_PER_BLOCK) * QFS_INODES_PER_BLOCK;
    if (log_blocks == 0)
        log_blocks = nblocks >= 2048 ? 257 : (uint32_t)(nblocks / 8 + 1);
    if (log_blocks < 2 || log_blocks > QFS_LOG_MAX + 1) {
        fprintf(msg, "mkfs: the journal must have 2..%u blocks\n", QFS_LOG_MAX + 1);
        return -1;
    }

    memset(sb, 0, sizeof(*sb));
    sb->magic = QFS_MAGIC;
    sb->version = QFS_VERSION;
    sb->block_size = QFS_BLOCK_SIZE;
    sb->nblocks = (uint32_t)nblocks;
    sb->log_start = QFS_SUPER_BLOCK + 1;
    sb->log_blocks = log_blocks;
    sb->imap_start = sb->log_start + log_blocks;
    sb->imap_blocks = (uint32_t)div_round_up(ninodes, QFS_BITS_PER_BLOCK);
    sb->bmap_start = sb->imap_start + sb->imap_blocks;
    sb->bmap_blocks = (uint32_t)div_round_up(nblocks, QFS_BITS_PER_BLOCK);
    sb->inode_start = sb->bmap_start + sb->bmap_blocks;
    sb->inode_blocks = (uint32_t)(ninodes / QFS_INODES_PER_BLOCK);
    uint64_t data_start = (uint64_t)sb->inode_start + sb->inode_blocks;
    /* Room for at least the root directory and /dev. */
    if (data_start + 2 > nblocks) {
        fprintf(msg, "mkfs: %llu blocks are too few for %llu inodes and a %u-block journal\n",
                (unsigned long long)nblocks, (unsigned long long)ninodes, log_blocks);
        return -1;
    }
    sb->ninodes = (uint32_t)ninodes;
    sb->data_start = (uint32_t)data_start;
    sb->clean = 1;
    return 0;
}

/* Mark metadata and the padding bits past the end of each bitmap as used. */
static void init_bitmaps(struct qimg *im)
{
    const struct qfs_super *sb = &im->sb;

    bit_set(im->imap, 0);
    for (uint64_t i = sb->ninodes; i < (uint64_t)sb->imap_blocks * QFS_BITS_PER_BLOCK; i++)
        bit_set(im->imap, i);
    for (uint64_t b = 0; b < sb->data_start; b++)
        bit_set(im->bmap, b);
    for (uint64_t b = sb->nblocks; b < (uint64_t)sb->bmap_blocks * QFS_BITS_PER_BLOCK; b++)
        bit_set(im->bmap, b);
}

static uint32_t new_inode(struct mk *m, uint16_t type, uint16_t mode, int64_t time)
{
    uint32_t inum = img_alloc_inode(&m->im, type);
    if (inum == 0)
        return 0;
    struct qfs_inode *ip = img_inode(&m->im, inum);
    ip->mode = mode;
    ip->atime = ip->mtime = ip->ctime = time;
    return inum;
}

static struct qfs_dirent *dir_find(struct dirbuf *d, const char *name)
{
    for (uint32_t i = 0; i < d->n; i++) {
        if (strcmp(d->ents[i].name, name) == 0)
            return &d->ents[i];
    }
    return NULL;
}

/* Can `name` be added to directory `dir`? */
static int check_name(struct mk *m, uint32_t dir, const char *name, const char *path)
{
    if (strlen(name) > QFS_NAME_MAX)
        return fail(m, "%s: name longer than 59 bytes", path, 0);
    if (dir_find(m->dirs[dir], name))
        return fail(m, "%s: name already exists in the image (trees overlap)", path, 0);
    return 0;
}

/* Add entry `name` -> inum to directory `dir`, counting the link. */
static int dir_link(struct mk *m, uint32_t dir, const char *name, uint32_t inum, const char *path)
{
    struct dirbuf *d = m->dirs[dir];
    struct qfs_inode *ip = img_inode(&m->im, inum);

    if (check_name(m, dir, name, path) < 0)
        return -1;
    if (ip->nlink == UINT16_MAX)
        return fail(m, "%s: too many links", path, 0);
    if (d->n == d->cap) {
        uint32_t cap = d->cap ? 2 * d->cap : QFS_DIRENTS_PER_BLOCK;
        struct qfs_dirent *e = realloc(d->ents, cap * sizeof(*e));
        if (!e)
            return fail(m, "%s", path, -ENOMEM);
        d->ents = e;
        d->cap = cap;
    }
    memset(&d->ents[d->n], 0, sizeof(d->ents[d->n]));
    d->ents[d->n].inum = inum;
    strcpy(d->ents[d->n].name, name);
    d->n++;
    ip->nlink++;
    return 0;
}

/* A new directory inode with "." and ".." (parent == 0: it is the root). */
static uint32_t make_dir(struct mk *m, uint32_t parent, int64_t time, const char *path)
{
    uint32_t inum = new_inode(m, QFS_T_DIR, 0755, time);

    if (inum == 0) {
        fail(m, "%s: out of inodes (use -i for more)", path, 0);
        return 0;
    }
    m->dirs[inum] = calloc(1, sizeof(struct dirbuf));
    if (!m->dirs[inum]) {
        fail(m, "%s", path, -ENOMEM);
        return 0;
    }
    if (dir_link(m, inum, ".", inum, path) < 0 ||
        dir_link(m, inum, "..", parent ? parent : inum, path) < 0)
        return 0;
    m->ndirs++;
    return inum;
}

static int64_t host_time(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static int copy_data(struct mk *m, uint32_t inum, int fd, const char *path)
{
    struct qfs_inode *ip = img_inode(&m->im, inum);
    uint64_t off = 0;

    for (;;) {
        ssize_t n = read(fd, m->chunk, COPY_CHUNK);
        if (n < 0)
            return fail(m, "%s", path, -errno);
        if (n == 0)
            return 0;
        int64_t r = img_file_write(&m->im, ip, off, m->chunk, (uint64_t)n);
        if (r < 0)
            return fail(m, "%s", path, (int)r);
        off += (uint64_t)n;
    }
}

static uint32_t copy_file(struct mk *m, const char *path, const struct stat *st)
{
    uint16_t mode = (st->st_mode & 0111) ? 0755 : 0644;
    uint32_t inum = new_inode(m, QFS_T_FILE, mode, host_time(st));
    int fd, r;

    if (inum == 0) {
        fail(m, "%s: out of inodes (use -i for more)", path, 0);
        return 0;
    }
    if ((uint64_t)st->st_size > QFS_MAX_FILE_BLOCKS * QFS_BLOCK_SIZE) {
        fail(m, "%s", path, -EFBIG);
        return 0;
    }
    fd = open(path, O_RDONLY);
    if (fd < 0) {
        fail(m, "%s", path, -errno);
        return 0;
    }
    r = copy_data(m, inum, fd, path);
    close(fd);
    m->nfiles++;
    return r < 0 ? 0 : inum;
}

static uint32_t copy_symlink(struct mk *m, const char *path, const struct stat *st)
{
    uint32_t inum = new_inode(m, QFS_T_SYMLINK, 0777, host_time(st));
    char target[QFS_BLOCK_SIZE];

    if (inum == 0) {
        fail(m, "%s: out of inodes (use -i for more)", path, 0);
        return 0;
    }
    ssize_t n = readlink(path, target, sizeof(target));
    if (n < 0 || n == sizeof(target)) {
        fail(m, "%s: cannot read the link (or its target is too long)", path, n < 0 ? -errno : 0);
        return 0;
    }
    int64_t r = img_file_write(&m->im, img_inode(&m->im, inum), 0, target, (uint64_t)n);
    if (r < 0) {
        fail(m, "%s", path, (int)r);
        return 0;
    }
    m->nsymlinks++;
    return inum;
}

/* A regular file we may have copied already under another name. */
static uint32_t copy_linked_file(struct mk *m, const char *path, const struct stat *st)
{
    if (st->st_nlink > 1) {
        for (size_t i = 0; i < m->nlinks; i++) {
            if (m->links[i].dev == st->st_dev && m->links[i].ino == st->st_ino)
                return m->links[i].inum;
        }
    }
    uint32_t inum = copy_file(m, path, st);
    if (inum == 0 || st->st_nlink <= 1)
        return inum;
    if (m->nlinks == m->caplinks) {
        size_t cap = m->caplinks ? 2 * m->caplinks : 16;
        struct hlink *l = realloc(m->links, cap * sizeof(*l));
        if (!l) {
            fail(m, "%s", path, -ENOMEM);
            return 0;
        }
        m->links = l;
        m->caplinks = cap;
    }
    m->links[m->nlinks++] = (struct hlink){st->st_dev, st->st_ino, inum};
    return inum;
}

static int copy_tree(struct mk *m, uint32_t dir, const char *hostdir);

/* Copy one host directory entry into image directory `dir`. */
static int copy_entry(struct mk *m, uint32_t dir, const char *name, const char *path)
{
    struct stat st;
    uint32_t inum;

    if (lstat(path, &st) < 0)
        return fail(m, "%s", path, -errno);
    if (S_ISDIR(st.st_mode)) {
        /* A directory that an earlier tree made already: merge into it. */
        struct qfs_dirent *e = dir_find(m->dirs[dir], name);
        if (e && m->dirs[e->inum])
            return copy_tree(m, e->inum, path);
        if (check_name(m, dir, name, path) < 0)
            return -1;
        inum = make_dir(m, dir, host_time(&st), path);
        if (inum == 0 || dir_link(m, dir, name, inum, path) < 0)
            return -1;
        return copy_tree(m, inum, path);
    }
    if (check_name(m, dir, name, path) < 0)
        return -1;
    if (S_ISREG(st.st_mode))
        inum = copy_linked_file(m, path, &st);
    else if (S_ISLNK(st.st_mode))
        inum = copy_symlink(m, path, &st);
    else {
        fprintf(m->msg, "mkfs: %s: not a file, directory or symlink: skipped\n", path);
        return 0;
    }
    if (inum == 0)
        return -1;
    return dir_link(m, dir, name, inum, path);
}

static int not_dot(const struct dirent *d)
{
    return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

static int copy_tree(struct mk *m, uint32_t dir, const char *hostdir)
{
    struct dirent **names;
    int n = scandir(hostdir, &names, not_dot, alphasort);
    int r = 0;

    if (n < 0)
        return fail(m, "%s", hostdir, -errno);
    for (int i = 0; i < n; i++) {
        if (r == 0) {
            size_t len = strlen(hostdir) + strlen(names[i]->d_name) + 2;
            char *path = malloc(len);
            if (!path)
                r = fail(m, "%s", hostdir, -ENOMEM);
            else {
                snprintf(path, len, "%s/%s", hostdir, names[i]->d_name);
                r = copy_entry(m, dir, names[i]->d_name, path);
                free(path);
            }
        }
        free(names[i]);
    }
    free(names);
    return r;
}

/* Write every directory's entries, padded with free slots to whole blocks. */
static int write_dirs(struct mk *m)
{
    for (uint32_t inum = 1; inum < m->im.sb.ninodes; inum++) {
        struct dirbuf *d = m->dirs[inum];
        if (!d)
            continue;
        uint64_t len =
            div_round_up((uint64_t)d->n * QFS_DIRENT_SIZE, QFS_BLOCK_SIZE) * QFS_BLOCK_SIZE;
        struct qfs_dirent *e = realloc(d->ents, len);
        if (!e)
            return fail(m, "%s", "directories", -ENOMEM);
        memset((char *)e + d->n * QFS_DIRENT_SIZE, 0, len - d->n * QFS_DIRENT_SIZE);
        d->ents = e;
        int64_t r = img_file_write(&m->im, img_inode(&m->im, inum), 0, e, len);
        if (r < 0)
            return fail(m, "%s: writing the directories", "/", (int)r);
    }
    return 0;
}

/* Root (inode 1), /dev and /dev/console. */
static int make_root(struct mk *m)
{
    uint32_t root = make_dir(m, 0, m->now, "/");
    if (root == 0)
        return -1;
    if (root != QFS_ROOT_INUM)
        return fail(m, "%s: root is not inode 1", "/", 0);
    uint32_t dev = make_dir(m, root, m->now, "/dev");
    if (dev == 0 || dir_link(m, root, "dev", dev, "/dev") < 0)
        return -1;
    uint32_t con = new_inode(m, QFS_T_DEV, 0666, m->now);
    if (con == 0)
        return fail(m, "%s: out of inodes", "/dev/console", 0);
    img_inode(&m->im, con)->major = CONSOLE_MAJOR;
    img_inode(&m->im, con)->minor = CONSOLE_MINOR;
    return dir_link(m, dev, "console", con, "/dev/console");
}

/* An empty journal: the header with n == 0. */
static int write_log_header(struct mk *m)
{
    struct qfs_log_header h;

    memset(&h, 0, sizeof(h));
    h.magic = QFS_LOG_MAGIC;
    int r = img_write(&m->im, m->im.sb.log_start, &h);
    return r < 0 ? fail(m, "%s: writing the journal header", "image", r) : 0;
}

static int check_trees(const struct mkfs_opts *o, FILE *msg)
{
    struct stat st;

    for (int i = 0; i < o->ntrees; i++) {
        if (stat(o->trees[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
            fprintf(msg, "mkfs: %s: not a directory\n", o->trees[i]);
            return -1;
        }
    }
    return 0;
}

static int create_image(struct mk *m, const char *path)
{
    struct qimg *im = &m->im;

    im->fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (im->fd < 0)
        return fail(m, "%s", path, -errno);
    m->created = true;
    im->writable = true;
    im->file_size = (uint64_t)im->sb.nblocks * QFS_BLOCK_SIZE;
    if (ftruncate(im->fd, (off_t)im->file_size) < 0)
        return fail(m, "%s", path, -errno);
    if (img_init_tables(im) < 0)
        return fail(m, "%s", path, -ENOMEM);
    init_bitmaps(im);
    m->dirs = calloc(im->sb.ninodes, sizeof(*m->dirs));
    m->chunk = malloc(COPY_CHUNK);
    if (!m->dirs || !m->chunk)
        return fail(m, "%s", path, -ENOMEM);
    return 0;
}

static void print_summary(struct mk *m, const char *image)
{
    const struct qfs_super *sb = &m->im.sb;
    uint32_t used = 0;

    for (uint32_t b = sb->data_start; b < sb->nblocks; b++)
        used += bit_test(m->im.bmap, b);
    fprintf(m->msg,
            "mkfs: %s: %u blocks of %u bytes: super 1, log %u+%u, imap %u+%u, bmap %u+%u, "
            "inodes %u+%u (%u inodes), data %u+%u\n",
            image, sb->nblocks, QFS_BLOCK_SIZE, sb->log_start, sb->log_blocks, sb->imap_start,
            sb->imap_blocks, sb->bmap_start, sb->bmap_blocks, sb->inode_start, sb->inode_blocks,
            sb->ninodes, sb->data_start, sb->nblocks - sb->data_start);
    fprintf(m->msg,
            "mkfs: %s: %llu files, %llu directories, %llu symlinks; %u of %u data blocks used\n",
            image, (unsigned long long)m->nfiles, (unsigned long long)m->ndirs,
            (unsigned long long)m->nsymlinks, used, sb->nblocks - sb->data_start);
}

static void mk_free(struct mk *m)
{
    if (m->dirs) {
        for (uint32_t i = 0; i < m->im.sb.ninodes; i++) {
            if (m->dirs[i])
                free(m->dirs[i]->ents);
            free(m->dirs[i]);
        }
    }
    free(m->dirs);
    free(m->links);
    free(m->chunk);
    img_close(&m->im);
}

int mkfs_build(const struct mkfs_opts *o, FILE *msg)
{
    struct mk m;
    struct timespec ts;
    int r;

    memset(&m, 0, sizeof(m));
    m.im.fd = -1;
    m.msg = msg;
    if (mkfs_layout(&m.im.sb, o, msg) < 0 || check_trees(o, msg) < 0)
        return -1;
    clock_gettime(CLOCK_REALTIME, &ts);
    m.now = o->now_ns ? o->now_ns : (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    m.im.sb.mkfs_time = (uint64_t)(m.now / 1000000000);

    r = create_image(&m, o->image);
    if (r == 0)
        r = make_root(&m);
    for (int i = 0; r == 0 && i < o->ntrees; i++)
        r = copy_tree(&m, QFS_ROOT_INUM, o->trees[i]);
    if (r == 0)
        r = write_dirs(&m);
    if (r == 0)
        r = write_log_header(&m);
    if (r == 0 && (r = img_flush(&m.im)) < 0)
        r = fail(&m, "%s", o->image, r);
    if (r == 0 && o->verbose)
        print_summary(&m, o->image);
    mk_free(&m);
    if (r < 0 && m.created)
        unlink(o->image);
    return r < 0 ? -1 : 0;
}
