/*
 * Helpers shared by the mkfs and fsck unit tests: a scratch directory per
 * test, host files with known contents, building an image, running fsck
 * into a string, and reading files back out of an image.
 */
#ifndef FSUNIT_H
#define FSUNIT_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"

/* The scratch directory of the running test (made by fsu_setup). */
extern char fsu_dir[];

void fsu_setup(void);
void fsu_teardown(void);

/* fsu_path("x/y"): "<scratch>/x/y" in a static buffer (one of 8, rotating). */
const char *fsu_path(const char *rel);

void fsu_mkdir(const char *rel);
void fsu_write(const char *rel, const void *data, size_t len);
/* Bytes that depend on the seed and the offset: a mismatch shows where. */
void *fsu_pattern(size_t len, unsigned seed);

/* mkfs_build into rel_image; returns its result, the messages in *msg (free it). */
int fsu_mkfs(const char *rel_image, const char *size, uint32_t ninodes, const char *const *trees,
             int ntrees, char **msg);
/* fsck into a string: returns fsck_run's result, the report in *report (free it). */
int fsu_fsck(const char *rel_image, bool replay, char **report);

/* Contents of `path` in the image (malloc'd), its inode in *ip; NULL if missing. */
void *fsu_read(const char *rel_image, const char *path, struct qfs_inode *ip);

/* Open an image read-write with its tables loaded; fsu_close writes them back. */
void fsu_open(struct qimg *im, const char *rel_image);
void fsu_close(struct qimg *im);
/* The entry `name` in directory `dir`: read it into *e; fsu_dirent_put writes it back. */
void fsu_dirent_get(struct qimg *im, uint32_t dir, const char *name, struct qfs_dirent *e,
                    uint32_t *bno, int *slot);
void fsu_dirent_put(struct qimg *im, uint32_t bno, int slot, const struct qfs_dirent *e);

Suite *mkfs_suite(void);
Suite *fsck_suite(void);

#endif
