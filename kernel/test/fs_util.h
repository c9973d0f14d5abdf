/* Small helpers shared by the file-system self-tests (kernel buffers only). */
#ifndef TEST_FS_UTIL_H
#define TEST_FS_UTIL_H

#include "types.h"
#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/stat.h"
#include "fs/file.h"
#include "fs/fs.h"
#include "fs/fsops.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "test/selftest.h" /* selftest_fail */

#define CHECK(test, cond, ...)                                                                     \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return selftest_fail(test, __VA_ARGS__);                                               \
    } while (0)

/* Deterministic content: byte i of the stream `seed` is a function of (seed, i). */
void fill_pattern(void *buf, size_t n, uint32_t seed, uint64_t off);
bool check_pattern(const void *buf, size_t n, uint32_t seed, uint64_t off);

int put_file(const char *path, const void *buf, size_t n);         /* create/truncate + write */
ssize_t get_file(const char *path, void *buf, size_t n);           /* whole-file read */
int put_pattern_file(const char *path, size_t n, uint32_t seed);   /* n bytes of a pattern */
int check_pattern_file(const char *path, size_t n, uint32_t seed); /* 0, or -1 on mismatch */
/* Free blocks and inodes of the root file system, to check a test leaks neither. */
struct free_counts {
    uint64_t blocks, inodes;
};
void counts_mark(struct free_counts *c);
int counts_check(const char *test, const struct free_counts *c); /* 0, or a FAIL */
/* Remove a tree (files, links, dirs) below and including path; ignores errors. */
void remove_tree(const char *path);

#endif
