/*
 * The fs-unit-test runner and its helpers (see fsunit.h).  Each test runs in
 * a forked child (Check's default) with its own scratch directory under
 * $TMPDIR, removed afterwards.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsunit.h"
#include "fsck.h"
#include "mkfs.h"

char fsu_dir[256];

void fsu_setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(fsu_dir, sizeof(fsu_dir), "%s/fsunit.XXXXXX", tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(fsu_dir));
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void fsu_teardown(void)
{
    nftw(fsu_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fsu_path(const char *rel)
{
    static char bufs[8][512];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof(bufs[0]), "%s/%s", fsu_dir, rel);
    return b;
}

void fsu_mkdir(const char *rel)
{
    ck_assert_int_eq(mkdir(fsu_path(rel), 0755), 0);
}

void fsu_write(const char *rel, const void *data, size_t len)
{
    FILE *fp = fopen(fsu_path(rel), "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
    ck_assert_int_eq(fclose(fp), 0);
}

void *fsu_pattern(size_t len, unsigned seed)
{
    uint8_t *p = malloc(len ? len : 1);
    uint32_t x = seed * 2654435761u + 1;
    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (uint8_t)(x >> 16) ^ (uint8_t)(i / QFS_BLOCK_SIZE);
    }
    return p;
}

int fsu_mkfs(const char *rel_image, const char *size, uint32_t ninodes, const char *const *trees,
             int ntrees, char **msg)
{
    const char *paths[8];
    size_t len;
    FILE *fp = open_memstream(msg, &len);

    ck_assert_int_le(ntrees, 8);
    for (int i = 0; i < ntrees; i++)
        paths[i] = strdup(fsu_path(trees[i]));
    struct mkfs_opts o = {
        .image = fsu_path(rel_image),
        .size_bytes = mkfs_parse_size(size),
        .ninodes = ninodes,
        .trees = paths,
        .ntrees = ntrees,
    };
    int r = mkfs_build(&o, fp);
    fclose(fp);
    for (int i = 0; i < ntrees; i++)
        free((void *)paths[i]);
    return r;
}

int fsu_fsck(const char *rel_image, bool replay, char **report)
{
    size_t len;
    FILE *fp = open_memstream(report, &len);
    struct fsck_opts o = {.verbose = true, .replay = replay};
    int r = fsck_run(fsu_path(rel_image), fp, &o);
    fclose(fp);
    return r;
}

void *fsu_read(const char *rel_image, const char *path, struct qfs_inode *ip)
{
    struct qimg im;
    void *buf = NULL;

    ck_assert_int_eq(img_open(&im, fsu_path(rel_image), false), 0);
    ck_assert_int_eq(img_load(&im), 0);
    uint32_t inum = img_path_lookup(&im, path);
    if (inum != 0) {
        *ip = *img_inode(&im, inum);
        buf = malloc(ip->size + 1);
        ck_assert_ptr_nonnull(buf);
        ck_assert_int_eq(img_file_read(&im, ip, 0, buf, ip->size), (int64_t)ip->size);
    }
    img_close(&im);
    return buf;
}

void fsu_open(struct qimg *im, const char *rel_image)
{
    ck_assert_int_eq(img_open(im, fsu_path(rel_image), true), 0);
    ck_assert_int_eq(img_load(im), 0);
}

void fsu_close(struct qimg *im)
{
    ck_assert_int_eq(img_flush(im), 0);
    img_close(im);
}

void fsu_dirent_get(struct qimg *im, uint32_t dir, const char *name, struct qfs_dirent *e,
                    uint32_t *bno, int *slot)
{
    struct qfs_inode *dp = img_inode(im, dir);
    struct qfs_dirent ents[QFS_DIRENTS_PER_BLOCK];

    for (uint64_t b = 0; b < dp->size / QFS_BLOCK_SIZE; b++) {
        int64_t bn = img_bmap(im, dp, b, false, NULL);
        ck_assert_int_gt(bn, 0);
        ck_assert_int_eq(img_read(im, (uint32_t)bn, ents), 0);
        for (int i = 0; i < QFS_DIRENTS_PER_BLOCK; i++) {
            if (ents[i].inum != 0 && strcmp(ents[i].name, name) == 0) {
                *e = ents[i];
                *bno = (uint32_t)bn;
                *slot = i;
                return;
            }
        }
    }
    ck_abort_msg("no entry '%s' in directory %u", name, dir);
}

void fsu_dirent_put(struct qimg *im, uint32_t bno, int slot, const struct qfs_dirent *e)
{
    struct qfs_dirent ents[QFS_DIRENTS_PER_BLOCK];

    ck_assert_int_eq(img_read(im, bno, ents), 0);
    ents[slot] = *e;
    ck_assert_int_eq(img_write(im, bno, ents), 0);
}

int main(void)
{
    SRunner *sr = srunner_create(mkfs_suite());
    srunner_add_suite(sr, fsck_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
