/*
 * mkfs: images built from generated host trees must pass fsck, and every
 * file must read back byte for byte (direct, indirect and double-indirect
 * blocks); the conventions of docs/fs-format.md must hold; errors (no space,
 * no inodes, long names, overlapping trees) must fail cleanly.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsunit.h"
#include "mkfs.h"

static const char *const TREE[] = {"tree"};

static void check_clean(const char *image)
{
    char *report;
    int r = fsu_fsck(image, false, &report);
    ck_assert_msg(r == 0, "fsck found problems:\n%s", report);
    free(report);
}

static void build_ok(const char *image, const char *size, const char *const *trees, int n)
{
    char *msg;
    int r = fsu_mkfs(image, size, 0, trees, n, &msg);
    ck_assert_msg(r == 0, "mkfs failed: %s", msg);
    free(msg);
    check_clean(image);
}

/* The file `rel` under tree/ reads back from the image as `path`. */
static void check_file(const char *image, const char *path, size_t len, unsigned seed)
{
    struct qfs_inode ino;
    uint8_t *want = fsu_pattern(len, seed);
    uint8_t *got = fsu_read(image, path, &ino);

    ck_assert_msg(got != NULL, "%s missing", path);
    ck_assert_uint_eq(ino.type, QFS_T_FILE);
    ck_assert_uint_eq(ino.size, len);
    for (size_t i = 0; i < len; i++) {
        if (got[i] != want[i])
            ck_abort_msg("%s: byte %zu differs", path, i);
    }
    free(want);
    free(got);
}

static const size_t SIZES[] = {0, 1, 4095, 4096, 4097, 12 * 4096, 12 * 4096 + 1, 100000};
#define NSIZES (sizeof(SIZES) / sizeof(SIZES[0]))

static void make_small_tree(void)
{
    char name[64];

    fsu_mkdir("tree");
    for (unsigned i = 0; i < NSIZES; i++) {
        void *p = fsu_pattern(SIZES[i], i);
        snprintf(name, sizeof(name), "tree/f%u", i);
        fsu_write(name, p, SIZES[i]);
        free(p);
    }
    fsu_mkdir("tree/d1");
    fsu_mkdir("tree/d1/d2");
    fsu_mkdir("tree/d1/d2/d3");
    fsu_mkdir("tree/d1/d2/d3/d4");
    fsu_mkdir("tree/d1/d2/d3/d4/d5");
    fsu_mkdir("tree/empty");
    void *p = fsu_pattern(5000, 99);
    fsu_write("tree/d1/d2/d3/d4/d5/deep", p, 5000);
    free(p);
    ck_assert_int_eq(symlink("d1/d2/d3/d4/d5/deep", fsu_path("tree/rel")), 0);
    ck_assert_int_eq(symlink("/etc/motd", fsu_path("tree/d1/abs")), 0);
    ck_assert_int_eq(link(fsu_path("tree/f2"), fsu_path("tree/d1/hard")), 0);
    ck_assert_int_eq(chmod(fsu_path("tree/f1"), 0755), 0);
}

START_TEST(test_small_tree_reads_back)
{
    make_small_tree();
    build_ok("fs.img", "8M", TREE, 1);
    for (unsigned i = 0; i < NSIZES; i++) {
        char path[16];
        snprintf(path, sizeof(path), "/f%u", i);
        check_file("fs.img", path, SIZES[i], i);
    }
    check_file("fs.img", "/d1/d2/d3/d4/d5/deep", 5000, 99);
    check_file("fs.img", "/d1/hard", SIZES[2], 2);
}
END_TEST

START_TEST(test_symlinks_modes_links)
{
    struct qfs_inode ino;
    char *s;

    make_small_tree();
    build_ok("fs.img", "8M", TREE, 1);
    s = fsu_read("fs.img", "/rel", &ino);
    ck_assert_uint_eq(ino.type, QFS_T_SYMLINK);
    ck_assert_uint_eq(ino.size, strlen("d1/d2/d3/d4/d5/deep"));
    ck_assert_mem_eq(s, "d1/d2/d3/d4/d5/deep", ino.size);
    free(s);
    s = fsu_read("fs.img", "/d1/abs", &ino);
    ck_assert_mem_eq(s, "/etc/motd", 9);
    free(s);
    free(fsu_read("fs.img", "/f1", &ino));
    ck_assert_uint_eq(ino.mode, 0755);
    free(fsu_read("fs.img", "/f0", &ino));
    ck_assert_uint_eq(ino.mode, 0644);
    ck_assert_uint_eq(ino.nlink, 1);
    free(fsu_read("fs.img", "/f2", &ino));
    ck_assert_uint_eq(ino.nlink, 2); /* /f2 and /d1/hard */
    /* root: ".", "..", and the ".." of dev, d1 and empty */
    free(fsu_read("fs.img", "/", &ino));
    ck_assert_uint_eq(ino.nlink, 5);
    ck_assert_uint_eq(ino.mode, 0755);
    free(fsu_read("fs.img", "/d1/d2/d3/d4/d5", &ino));
    ck_assert_uint_eq(ino.nlink, 2);
    ck_assert_uint_eq(ino.size, QFS_BLOCK_SIZE);
}
END_TEST

START_TEST(test_dot_entries_and_console)
{
    struct qfs_dirent ents[QFS_DIRENTS_PER_BLOCK];
    struct qimg im;

    fsu_mkdir("tree");
    fsu_mkdir("tree/sub");
    build_ok("fs.img", "1M", TREE, 1);
    ck_assert_int_eq(img_open(&im, fsu_path("fs.img"), false), 0);
    ck_assert_int_eq(img_load(&im), 0);
    ck_assert_int_eq(img_file_read(&im, img_inode(&im, QFS_ROOT_INUM), 0, ents, sizeof(ents)),
                     QFS_BLOCK_SIZE);
    ck_assert_str_eq(ents[0].name, ".");
    ck_assert_uint_eq(ents[0].inum, QFS_ROOT_INUM);
    ck_assert_str_eq(ents[1].name, "..");
    ck_assert_uint_eq(ents[1].inum, QFS_ROOT_INUM);
    uint32_t sub = img_path_lookup(&im, "/sub");
    ck_assert_uint_eq(img_dir_lookup(&im, sub, ".."), QFS_ROOT_INUM);
    ck_assert_uint_eq(img_dir_lookup(&im, sub, "."), sub);
    struct qfs_inode *con = img_inode(&im, img_path_lookup(&im, "/dev/console"));
    ck_assert_ptr_nonnull(con);
    ck_assert_uint_eq(con->type, QFS_T_DEV);
    ck_assert_uint_eq(con->major, 1);
    ck_assert_uint_eq(con->minor, 0);
    ck_assert_uint_eq(con->size, 0);
    ck_assert(bit_test(im.imap, 0));
    img_close(&im);
}
END_TEST

/* Past the double-indirect threshold: 12 + 1024 blocks, then 300 more and a tail. */
START_TEST(test_double_indirect_file)
{
    size_t len = (size_t)(QFS_NDIRECT + QFS_PTRS_PER_BLOCK + 300) * QFS_BLOCK_SIZE + 123;
    struct qfs_inode ino;

    fsu_mkdir("tree");
    void *p = fsu_pattern(len, 7);
    fsu_write("tree/big", p, len);
    free(p);
    build_ok("fs.img", "16M", TREE, 1);
    check_file("fs.img", "/big", len, 7);
    free(fsu_read("fs.img", "/big", &ino));
    ck_assert_uint_ne(ino.indirect, 0);
    ck_assert_uint_ne(ino.dindirect, 0);
}
END_TEST

START_TEST(test_big_directory)
{
    char name[64];

    fsu_mkdir("tree");
    fsu_mkdir("tree/many");
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "tree/many/file-with-a-longish-name-%03d", i);
        fsu_write(name, name, strlen(name));
    }
    build_ok("fs.img", "8M", TREE, 1);
    struct qfs_inode ino;
    free(fsu_read("fs.img", "/many", &ino));
    ck_assert_uint_eq(ino.size, 5 * QFS_BLOCK_SIZE); /* 302 entries of 64 bytes */
    char *s = fsu_read("fs.img", "/many/file-with-a-longish-name-299", &ino);
    ck_assert_ptr_nonnull(s);
    ck_assert_mem_eq(s, "tree/many/file-with-a-longish-name-299", ino.size);
    free(s);
}
END_TEST

START_TEST(test_trees_merge)
{
    static const char *const trees[] = {"t1", "t2"};
    struct qfs_inode ino;

    fsu_mkdir("t1");
    fsu_mkdir("t1/etc");
    fsu_write("t1/etc/a", "A", 1);
    fsu_mkdir("t2");
    fsu_mkdir("t2/etc");
    fsu_write("t2/etc/b", "B", 1);
    fsu_mkdir("t2/dev");
    fsu_write("t2/dev/null", "", 0);
    build_ok("fs.img", "2M", trees, 2);
    free(fsu_read("fs.img", "/etc/a", &ino));
    ck_assert_uint_eq(ino.size, 1);
    free(fsu_read("fs.img", "/etc/b", &ino));
    ck_assert_uint_eq(ino.size, 1);
    free(fsu_read("fs.img", "/dev/null", &ino));
    free(fsu_read("fs.img", "/dev/console", &ino));
    ck_assert_uint_eq(ino.type, QFS_T_DEV);
    free(fsu_read("fs.img", "/etc", &ino));
    ck_assert_uint_eq(ino.nlink, 2);
}
END_TEST

static void expect_failure(const char *size, uint32_t ninodes, const char *const *trees, int n,
                           const char *words)
{
    char *msg;
    struct stat st;

    ck_assert_int_ne(fsu_mkfs("fs.img", size, ninodes, trees, n, &msg), 0);
    ck_assert_msg(strstr(msg, words), "expected '%s' in: %s", words, msg);
    ck_assert_int_ne(stat(fsu_path("fs.img"), &st), 0); /* no half-made image */
    free(msg);
}

START_TEST(test_no_space)
{
    size_t len = 3 << 20;
    fsu_mkdir("tree");
    void *p = fsu_pattern(len, 1);
    fsu_write("tree/big", p, len);
    free(p);
    expect_failure("1M", 0, TREE, 1, "no space left");
}
END_TEST

START_TEST(test_no_inodes)
{
    char name[32];
    fsu_mkdir("tree");
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof(name), "tree/f%d", i);
        fsu_write(name, "x", 1);
    }
    expect_failure("1M", 32, TREE, 1, "out of inodes");
}
END_TEST

START_TEST(test_name_too_long)
{
    char name[80] = "tree/";
    fsu_mkdir("tree");
    memset(name + 5, 'n', 60);
    fsu_write(name, "x", 1);
    expect_failure("1M", 0, TREE, 1, "longer than 59");
}
END_TEST

START_TEST(test_overlapping_trees)
{
    static const char *const trees[] = {"t1", "t2"};
    fsu_mkdir("t1");
    fsu_write("t1/same", "1", 1);
    fsu_mkdir("t2");
    fsu_write("t2/same", "2", 1);
    expect_failure("1M", 0, trees, 2, "already exists");
}
END_TEST

START_TEST(test_bad_size_and_tree)
{
    fsu_mkdir("tree");
    expect_failure("64K", 0, TREE, 1, "size must be");
    static const char *const missing[] = {"nonexistent"};
    expect_failure("1M", 0, missing, 1, "not a directory");
    ck_assert_uint_eq(mkfs_parse_size("64"), 64u << 20);
    ck_assert_uint_eq(mkfs_parse_size("512K"), 512u << 10);
    ck_assert_uint_eq(mkfs_parse_size("1G"), 1u << 30);
    ck_assert_uint_eq(mkfs_parse_size("2MiB"), 2u << 20);
    ck_assert_uint_eq(mkfs_parse_size("x"), 0);
    ck_assert_uint_eq(mkfs_parse_size("5Q"), 0);
}
END_TEST

/* Empty images of many sizes: regions packed in order, padding bits set. */
START_TEST(test_layouts)
{
    static const char *const sizes[] = {"128K", "1M", "3M", "8M", "64M", "1G"};
    struct qimg im;

    fsu_mkdir("tree");
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        build_ok("fs.img", sizes[i], TREE, 1);
        ck_assert_int_eq(img_open(&im, fsu_path("fs.img"), false), 0);
        ck_assert_int_eq(img_load(&im), 0);
        const struct qfs_super *sb = &im.sb;
        ck_assert_uint_eq((uint64_t)sb->nblocks * QFS_BLOCK_SIZE, mkfs_parse_size(sizes[i]));
        ck_assert_uint_eq(sb->log_start, 2);
        ck_assert_uint_eq(sb->imap_start, sb->log_start + sb->log_blocks);
        ck_assert_uint_eq(sb->bmap_start, sb->imap_start + sb->imap_blocks);
        ck_assert_uint_eq(sb->inode_start, sb->bmap_start + sb->bmap_blocks);
        ck_assert_uint_eq(sb->data_start, sb->inode_start + sb->inode_blocks);
        ck_assert_uint_lt(sb->data_start, sb->nblocks);
        ck_assert_uint_le(sb->log_blocks, 257);
        ck_assert(bit_test(im.bmap, 0) && bit_test(im.bmap, sb->data_start - 1));
        uint64_t bits = (uint64_t)sb->bmap_blocks * QFS_BITS_PER_BLOCK;
        for (uint64_t b = sb->nblocks; b < bits; b++)
            ck_assert(bit_test(im.bmap, b));
        img_close(&im);
        unlink(fsu_path("fs.img"));
    }
}
END_TEST

START_TEST(test_fsck_summary)
{
    char *report;
    make_small_tree();
    build_ok("fs.img", "8M", TREE, 1);
    ck_assert_int_eq(fsu_fsck("fs.img", false, &report), 0);
    /* 9 files (f0..f7, deep), root dev d1..d5 empty, 2 symlinks, the console */
    ck_assert_msg(strstr(report, "9 files, 8 directories, 2 symlinks, 1 devices"), "%s", report);
    ck_assert_msg(strstr(report, ": clean"), "%s", report);
    free(report);
}
END_TEST

Suite *mkfs_suite(void)
{
    Suite *s = suite_create("mkfs");
    TCase *tc = tcase_create("build");

    tcase_add_checked_fixture(tc, fsu_setup, fsu_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_small_tree_reads_back);
    tcase_add_test(tc, test_symlinks_modes_links);
    tcase_add_test(tc, test_dot_entries_and_console);
    tcase_add_test(tc, test_double_indirect_file);
    tcase_add_test(tc, test_big_directory);
    tcase_add_test(tc, test_trees_merge);
    tcase_add_test(tc, test_no_space);
    tcase_add_test(tc, test_no_inodes);
    tcase_add_test(tc, test_name_too_long);
    tcase_add_test(tc, test_overlapping_trees);
    tcase_add_test(tc, test_bad_size_and_tree);
    tcase_add_test(tc, test_layouts);
    tcase_add_test(tc, test_fsck_summary);
    suite_add_tcase(s, tc);
    return s;
}
