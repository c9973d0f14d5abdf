/*
 * fsck pass 4: walk the directory tree from the root, depth-first with an
 * explicit stack (a deep tree cannot overflow ours).
 *
 * Each directory is checked when it is popped: size a whole number of
 * blocks, no holes, slot 0 is "." naming itself, slot 1 is ".." naming the
 * directory that named it (the root's ".." is the root), every name
 * NUL-terminated, non-empty, without '/', unique, and naming an inode in
 * use.  Every entry adds one to refs[] of the inode it names, so pass 5
 * can compare link counts.  A directory named by a second entry (other
 * than its own "." and its children's "..") is a problem: directories
 * have exactly one parent.
 */
#include <stdlib.h>
#include <string.h>
#include "fsck_priv.h"

struct dirwalk {
    uint32_t *stack;
    uint32_t depth;
    char (*names)[QFS_NAME_MAX + 1]; /* names seen in the current directory */
    uint64_t nnames;
};

static bool is_dot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* Slots 0 and 1 must be "." -> dir and ".." -> its parent. */
static void check_dot(struct fsck *f, uint32_t dir, uint64_t slot, const struct qfs_dirent *e)
{
    const char *want = slot == 0 ? "." : "..";
    uint32_t target = slot == 0 ? dir : f->parent[dir];

    if (e->inum == 0 || strncmp(e->name, want, sizeof(e->name)) != 0)
        fsck_problem(f, "directory %u: entry %llu is not '%s'", dir, (unsigned long long)slot,
                     want);
    else if (e->inum != target)
        fsck_problem(f, "directory %u: '%s' names inode %u, expected %u", dir, want, e->inum,
                     target);
}

static bool name_ok(struct fsck *f, uint32_t dir, uint64_t slot, const struct qfs_dirent *e)
{
    if (!memchr(e->name, '\0', sizeof(e->name))) {
        fsck_problem(f, "directory %u: entry %llu (inode %u): name not NUL-terminated", dir,
                     (unsigned long long)slot, e->inum);
        return false;
    }
    if (e->name[0] == '\0') {
        fsck_problem(f, "directory %u: entry %llu (inode %u): empty name", dir,
                     (unsigned long long)slot, e->inum);
        return false;
    }
    if (strchr(e->name, '/'))
        fsck_problem(f, "directory %u: name '%s' contains '/'", dir, e->name);
    if (slot >= 2 && is_dot(e->name)) {
        fsck_problem(f, "directory %u: extra '%s' entry at slot %llu", dir, e->name,
                     (unsigned long long)slot);
        return false;
    }
    return true;
}

/* A directory entry naming `inum` from `dir`: is it a first link to a subdirectory? */
static void follow(struct fsck *f, struct dirwalk *w, uint32_t dir, const struct qfs_dirent *e)
{
    uint32_t inum = e->inum;

    if (f->im.inodes[inum].type != QFS_T_DIR) {
        f->flags[inum] |= F_REACHED;
        return;
    }
    if (f->flags[inum] & F_REACHED) {
        fsck_problem(f,
                     "directory %u: entry '%s' is a second link to directory %u "
                     "(already in directory %u)",
                     dir, e->name, inum, f->parent[inum]);
        return;
    }
    f->flags[inum] |= F_REACHED;
    f->parent[inum] = dir;
    w->stack[w->depth++] = inum;
}

static void check_entry(struct fsck *f, struct dirwalk *w, uint32_t dir, uint64_t slot,
                        const struct qfs_dirent *e)
{
    if (slot < 2)
        check_dot(f, dir, slot, e);
    if (e->inum == 0 || !name_ok(f, dir, slot, e))
        return;
    if (e->inum >= f->im.sb.ninodes) {
        fsck_problem(f, "directory %u: entry '%s' names inode %u, past the last inode %u", dir,
                     e->name, e->inum, f->im.sb.ninodes - 1);
        return;
    }
    memcpy(w->names[w->nnames++], e->name, sizeof(e->name));
    f->refs[e->inum]++;
    if (!(f->flags[e->inum] & F_USED)) {
        fsck_problem(f, "directory %u: entry '%s' names free inode %u%s", dir, e->name, e->inum,
                     (f->flags[e->inum] & F_BAD) ? " (bad type)" : "");
        return;
    }
    if (slot >= 2)
        follow(f, w, dir, e);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void check_duplicates(struct fsck *f, struct dirwalk *w, uint32_t dir)
{
    qsort(w->names, w->nnames, sizeof(w->names[0]), cmp_name);
    for (uint64_t i = 1; i < w->nnames; i++) {
        if (strcmp(w->names[i - 1], w->names[i]) == 0 &&
            (i < 2 || strcmp(w->names[i - 2], w->names[i]) != 0))
            fsck_problem(f, "directory %u: duplicate name '%s'", dir, w->names[i]);
    }
}

static void check_dir(struct fsck *f, struct dirwalk *w, uint32_t dir)
{
    struct qfs_inode *ip = &f->im.inodes[dir];
    struct qfs_dirent ents[QFS_DIRENTS_PER_BLOCK];
    uint64_t nblk = ip->size / QFS_BLOCK_SIZE;

    if (ip->size % QFS_BLOCK_SIZE != 0)
        fsck_problem(f, "directory %u: size %llu is not a multiple of the block size", dir,
                     (unsigned long long)ip->size);
    if (nblk > QFS_MAX_FILE_BLOCKS)
        return; /* reported in pass 3 */
    if (nblk == 0) {
        fsck_problem(f, "directory %u: empty, without '.' and '..'", dir);
        return;
    }
    w->names = realloc(w->names, nblk * QFS_DIRENTS_PER_BLOCK * sizeof(w->names[0]));
    if (!w->names) {
        fsck_problem(f, "directory %u: out of memory", dir);
        return;
    }
    w->nnames = 0;
    for (uint64_t b = 0; b < nblk; b++) {
        int64_t bno = img_bmap(&f->im, ip, b, false, NULL);
        if (bno < 0)
            continue; /* a bad pointer, reported in pass 3 */
        if (bno == 0) {
            fsck_problem(f, "directory %u: hole at block %llu", dir, (unsigned long long)b);
            continue;
        }
        if (img_read(&f->im, (uint32_t)bno, ents) < 0)
            continue;
        for (int i = 0; i < QFS_DIRENTS_PER_BLOCK; i++)
            check_entry(f, w, dir, b * QFS_DIRENTS_PER_BLOCK + i, &ents[i]);
    }
    check_duplicates(f, w, dir);
}

void fsck_walk_dirs(struct fsck *f)
{
    struct dirwalk w = {0};
    struct qfs_inode *root = &f->im.inodes[QFS_ROOT_INUM];

    if (root->type != QFS_T_DIR) {
        fsck_problem(f, "root inode %u is not a directory (type %u)", QFS_ROOT_INUM, root->type);
        return;
    }
    w.stack = malloc(f->im.sb.ninodes * sizeof(*w.stack));
    if (!w.stack) {
        fsck_problem(f, "out of memory for the directory walk");
        return;
    }
    f->flags[QFS_ROOT_INUM] |= F_REACHED;
    f->parent[QFS_ROOT_INUM] = QFS_ROOT_INUM;
    w.stack[w.depth++] = QFS_ROOT_INUM;
    while (w.depth > 0) {
        uint32_t dir = w.stack[--w.depth];
        check_dir(f, &w, dir);
    }
    free(w.stack);
    free(w.names);
}
