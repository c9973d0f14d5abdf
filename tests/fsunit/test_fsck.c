/*
 * fsck: damage a good image in one specific way and check that fsck finds
 * it (non-zero result and a line naming the problem).  Also the journal:
 * a committed transaction is reported, replayed with -r, and a torn one
 * (bad checksum) is ignored.
 *
 * The base image (built fresh for each test):
 *   /a            file, 2 blocks
 *   /b            file, 20 blocks (uses the indirect block)
 *   /sub/c        file, 1 block
 *   /sub/inner/   empty directory
 *   /dev/console
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fsunit.h"

static const char *const TREE[] = {"tree"};
#define IMG "fs.img"

static void base_setup(void)
{
    char *msg;

    fsu_setup();
    fsu_mkdir("tree");
    fsu_mkdir("tree/sub");
    fsu_mkdir("tree/sub/inner");
    void *p = fsu_pattern(20 * QFS_BLOCK_SIZE, 3);
    fsu_write("tree/a", p, 2 * QFS_BLOCK_SIZE);
    fsu_write("tree/b", p, 20 * QFS_BLOCK_SIZE);
    fsu_write("tree/sub/c", p, 100);
    free(p);
    ck_assert_int_eq(fsu_mkfs(IMG, "2M", 0, TREE, 1, &msg), 0);
    free(msg);
}

/* fsck must fail and say `words`. */
static void expect(const char *words)
{
    char *report;
    int r = fsu_fsck(IMG, false, &report);
    ck_assert_msg(r > 0, "fsck found nothing:\n%s", report);
    ck_assert_msg(strstr(report, words), "expected '%s' in:\n%s", words, report);
    free(report);
}

static uint32_t inum_of(struct qimg *im, const char *path)
{
    uint32_t inum = img_path_lookup(im, path);
    ck_assert_uint_ne(inum, 0);
    return inum;
}

static struct qfs_inode *inode_of(struct qimg *im, const char *path)
{
    return img_inode(im, inum_of(im, path));
}

START_TEST(test_base_is_clean)
{
    char *report;
    ck_assert_int_eq(fsu_fsck(IMG, false, &report), 0);
    ck_assert_msg(strstr(report, ": clean"), "%s", report);
    free(report);
}
END_TEST

START_TEST(test_bad_magic)
{
    struct qimg im;
    fsu_open(&im, IMG);
    im.sb.magic ^= 1;
    fsu_close(&im);
    expect("bad magic");
}
END_TEST

START_TEST(test_regions_overlap)
{
    struct qimg im;
    fsu_open(&im, IMG);
    im.sb.imap_start = im.sb.log_start + 1;
    fsu_close(&im);
    expect("inode bitmap");
}
END_TEST

START_TEST(test_truncated_image)
{
    ck_assert_int_eq(truncate(fsu_path(IMG), 100 * QFS_BLOCK_SIZE), 0);
    expect("shorter than");
}
END_TEST

START_TEST(test_used_block_marked_free)
{
    struct qimg im;
    fsu_open(&im, IMG);
    bit_clear(im.bmap, inode_of(&im, "/a")->direct[1]);
    fsu_close(&im);
    expect("marked free");
}
END_TEST

START_TEST(test_free_block_marked_used)
{
    struct qimg im;
    fsu_open(&im, IMG);
    bit_set(im.bmap, im.sb.nblocks - 1);
    fsu_close(&im);
    expect("not referenced by any inode");
}
END_TEST

START_TEST(test_metadata_block_marked_free)
{
    struct qimg im;
    fsu_open(&im, IMG);
    bit_clear(im.bmap, im.sb.inode_start);
    fsu_close(&im);
    expect("(metadata) marked free");
}
END_TEST

START_TEST(test_used_inode_marked_free)
{
    struct qimg im;
    fsu_open(&im, IMG);
    bit_clear(im.imap, inum_of(&im, "/sub/c"));
    fsu_close(&im);
    expect("marked free in the inode bitmap");
}
END_TEST

START_TEST(test_free_inode_marked_used)
{
    struct qimg im;
    fsu_open(&im, IMG);
    bit_set(im.imap, im.sb.ninodes - 1);
    fsu_close(&im);
    expect("marked in use in the inode bitmap but is free");
}
END_TEST

START_TEST(test_duplicate_block_pointer)
{
    struct qimg im;
    fsu_open(&im, IMG);
    inode_of(&im, "/b")->direct[3] = inode_of(&im, "/a")->direct[0];
    fsu_close(&im);
    expect("referenced twice");
}
END_TEST

START_TEST(test_duplicate_indirect_pointer)
{
    struct qimg im;
    fsu_open(&im, IMG);
    inode_of(&im, "/a")->indirect = inode_of(&im, "/b")->indirect;
    fsu_close(&im);
    expect("referenced twice");
}
END_TEST

START_TEST(test_pointer_out_of_range)
{
    struct qimg im;
    fsu_open(&im, IMG);
    inode_of(&im, "/a")->direct[1] = im.sb.nblocks + 5;
    fsu_close(&im);
    expect("out of range");
}
END_TEST

START_TEST(test_pointer_into_metadata)
{
    struct qimg im;
    fsu_open(&im, IMG);
    inode_of(&im, "/b")->indirect = im.sb.inode_start;
    fsu_close(&im);
    expect("indirect pointer");
}
END_TEST

START_TEST(test_block_beyond_size)
{
    struct qimg im;
    fsu_open(&im, IMG);
    inode_of(&im, "/a")->size = 10;
    fsu_close(&im);
    expect("beyond its size");
}
END_TEST

START_TEST(test_wrong_link_count)
{
    struct qimg im;
    fsu_open(&im, IMG);
    inode_of(&im, "/a")->nlink = 5;
    fsu_close(&im);
    expect("link count 5, but 1 directory entries");
}
END_TEST

START_TEST(test_wrong_dir_link_count)
{
    struct qimg im;
    fsu_open(&im, IMG);
    inode_of(&im, "/sub")->nlink = 2; /* has a subdirectory: 3 */
    fsu_close(&im);
    expect("link count 2, but 3");
}
END_TEST

START_TEST(test_bad_dotdot)
{
    struct qimg im;
    struct qfs_dirent e;
    uint32_t bno;
    int slot;

    fsu_open(&im, IMG);
    fsu_dirent_get(&im, inum_of(&im, "/sub/inner"), "..", &e, &bno, &slot);
    e.inum = QFS_ROOT_INUM;
    fsu_dirent_put(&im, bno, slot, &e);
    fsu_close(&im);
    expect("'..' names inode 1, expected");
}
END_TEST

START_TEST(test_bad_dot)
{
    struct qimg im;
    struct qfs_dirent e;
    uint32_t bno;
    int slot;

    fsu_open(&im, IMG);
    fsu_dirent_get(&im, inum_of(&im, "/sub"), ".", &e, &bno, &slot);
    strcpy(e.name, "dot");
    fsu_dirent_put(&im, bno, slot, &e);
    fsu_close(&im);
    expect("entry 0 is not '.'");
}
END_TEST

START_TEST(test_cleared_type)
{
    struct qimg im;
    fsu_open(&im, IMG);
    inode_of(&im, "/sub/c")->type = 0;
    fsu_close(&im);
    expect("names free inode");
}
END_TEST

START_TEST(test_bad_type)
{
    struct qimg im;
    fsu_open(&im, IMG);
    inode_of(&im, "/a")->type = 9;
    fsu_close(&im);
    expect("bad type 9");
}
END_TEST

START_TEST(test_entry_to_free_inode)
{
    struct qimg im;
    struct qfs_dirent e;
    uint32_t bno;
    int slot;

    fsu_open(&im, IMG);
    fsu_dirent_get(&im, QFS_ROOT_INUM, "a", &e, &bno, &slot);
    e.inum = im.sb.ninodes - 2;
    fsu_dirent_put(&im, bno, slot, &e);
    fsu_close(&im);
    expect("'a' names free inode");
}
END_TEST

START_TEST(test_unreachable_inode)
{
    struct qimg im;
    struct qfs_dirent e;
    uint32_t bno;
    int slot;

    fsu_open(&im, IMG);
    fsu_dirent_get(&im, inum_of(&im, "/sub"), "c", &e, &bno, &slot);
    e.inum = 0;
    fsu_dirent_put(&im, bno, slot, &e);
    fsu_close(&im);
    expect("not reachable from /");
}
END_TEST

START_TEST(test_second_link_to_directory)
{
    struct qimg im;
    struct qfs_dirent e;
    uint32_t bno;
    int slot;

    fsu_open(&im, IMG);
    uint32_t inner = inum_of(&im, "/sub/inner");
    fsu_dirent_get(&im, QFS_ROOT_INUM, "a", &e, &bno, &slot);
    e.inum = inner;
    fsu_dirent_put(&im, bno, slot, &e);
    fsu_close(&im);
    expect("second link to directory");
}
END_TEST

static void rename_entry(uint32_t dir_of, const char *from, const char *to)
{
    struct qimg im;
    struct qfs_dirent e;
    uint32_t bno;
    int slot;

    fsu_open(&im, IMG);
    fsu_dirent_get(&im, dir_of, from, &e, &bno, &slot);
    memset(e.name, 0, sizeof(e.name));
    memcpy(e.name, to, strlen(to) < sizeof(e.name) ? strlen(to) : sizeof(e.name));
    fsu_dirent_put(&im, bno, slot, &e);
    fsu_close(&im);
}

START_TEST(test_duplicate_name)
{
    rename_entry(QFS_ROOT_INUM, "b", "a");
    expect("duplicate name 'a'");
}
END_TEST

START_TEST(test_name_with_slash)
{
    rename_entry(QFS_ROOT_INUM, "a", "x/y");
    expect("contains '/'");
}
END_TEST

START_TEST(test_empty_name)
{
    rename_entry(QFS_ROOT_INUM, "a", "");
    expect("empty name");
}
END_TEST

START_TEST(test_name_not_terminated)
{
    char longname[QFS_NAME_MAX + 2];
    memset(longname, 'z', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    rename_entry(QFS_ROOT_INUM, "a", longname);
    expect("not NUL-terminated");
}
END_TEST

START_TEST(test_dir_size_not_whole_blocks)
{
    struct qimg im;
    fsu_open(&im, IMG);
    inode_of(&im, "/sub")->size += 64;
    fsu_close(&im);
    expect("not a multiple of the block size");
}
END_TEST

START_TEST(test_root_not_dir)
{
    struct qimg im;
    fsu_open(&im, IMG);
    img_inode(&im, QFS_ROOT_INUM)->type = QFS_T_FILE;
    fsu_close(&im);
    expect("root inode 1 is not a directory");
}
END_TEST

/* ---- the journal ------------------------------------------------------- */

/* The journal's checksum: CRC32C's check value and the iSCSI test vectors
 * (RFC 3720), and the same CRC whatever the alignment and the split. */
START_TEST(test_crc32c_vectors)
{
    uint8_t buf[64 + 8];

    ck_assert_uint_eq(crc32c(0, "123456789", 9), 0xe3069283u);
    memset(buf, 0, 32);
    ck_assert_uint_eq(crc32c(0, buf, 32), 0x8a9136aau);
    memset(buf, 0xff, 32);
    ck_assert_uint_eq(crc32c(0, buf, 32), 0x62a8ab43u);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    ck_assert_uint_eq(crc32c(0, buf, 32), 0x46dd794eu);
    uint8_t *p = fsu_pattern(sizeof(buf), 9);
    for (size_t at = 0; at < 8; at++) {
        memcpy(buf + at, p, 64);
        uint32_t whole = crc32c(0, buf + at, 64);
        for (size_t cut = 0; cut <= 64; cut++)
            ck_assert_uint_eq(crc32c(crc32c(0, buf + at, cut), buf + at + cut, 64 - cut), whole);
    }
    free(p);
}
END_TEST

/* Log one block: new contents for /a's first block.  Returns what /a should read. */
static uint8_t *log_transaction(bool good_checksum)
{
    struct qimg im;
    struct qfs_log_header h;
    uint8_t *data = fsu_pattern(QFS_BLOCK_SIZE, 42);

    fsu_open(&im, IMG);
    memset(&h, 0, sizeof(h));
    h.magic = QFS_LOG_MAGIC;
    h.n = 1;
    h.seq = 7;
    h.home[0] = inode_of(&im, "/a")->direct[0];
    h.checksum = qfs_log_checksum_block(qfs_log_checksum_start(&h), data) + !good_checksum;
    ck_assert_int_eq(img_write(&im, im.sb.log_start + 1, data), 0);
    ck_assert_int_eq(img_write(&im, im.sb.log_start, &h), 0);
    fsu_close(&im);
    return data;
}

START_TEST(test_log_committed_reported_and_replayed)
{
    char *report;
    struct qfs_inode ino;
    uint8_t *data = log_transaction(true);

    ck_assert_int_eq(fsu_fsck(IMG, false, &report), 0);
    ck_assert_msg(strstr(report, "committed transaction (seq 7, 1 blocks)"), "%s", report);
    free(report);
    ck_assert_int_eq(fsu_fsck(IMG, true, &report), 0);
    ck_assert_msg(strstr(report, "replayed"), "%s", report);
    free(report);
    uint8_t *got = fsu_read(IMG, "/a", &ino);
    ck_assert_mem_eq(got, data, QFS_BLOCK_SIZE);
    free(got);
    free(data);
    ck_assert_int_eq(fsu_fsck(IMG, false, &report), 0);
    ck_assert_msg(strstr(report, "blocks (empty)"), "%s", report);
    free(report);
}
END_TEST

START_TEST(test_log_torn_commit_ignored)
{
    char *report;
    struct qfs_inode ino;

    free(log_transaction(false));
    ck_assert_int_eq(fsu_fsck(IMG, true, &report), 0);
    ck_assert_msg(strstr(report, "incomplete commit"), "%s", report);
    free(report);
    uint8_t *want = fsu_pattern(QFS_BLOCK_SIZE, 3);
    uint8_t *got = fsu_read(IMG, "/a", &ino);
    ck_assert_mem_eq(got, want, QFS_BLOCK_SIZE);
    free(got);
    free(want);
}
END_TEST

START_TEST(test_log_bad_header)
{
    struct qimg im;
    struct qfs_log_header h;

    fsu_open(&im, IMG);
    memset(&h, 0, sizeof(h));
    h.magic = 0x12345678;
    ck_assert_int_eq(img_write(&im, im.sb.log_start, &h), 0);
    fsu_close(&im);
    expect("journal: bad header magic");
}
END_TEST

START_TEST(test_log_too_long)
{
    struct qimg im;
    struct qfs_log_header h;

    fsu_open(&im, IMG);
    memset(&h, 0, sizeof(h));
    h.magic = QFS_LOG_MAGIC;
    h.n = im.sb.log_blocks;
    ck_assert_int_eq(img_write(&im, im.sb.log_start, &h), 0);
    fsu_close(&im);
    expect("the log only");
}
END_TEST

START_TEST(test_missing_image)
{
    char *report;
    ck_assert_int_lt(fsu_fsck("nonexistent.img", false, &report), 0);
    ck_assert_msg(strstr(report, "No such file"), "%s", report);
    free(report);
}
END_TEST

Suite *fsck_suite(void)
{
    Suite *s = suite_create("fsck");
    TCase *tc = tcase_create("damage");

    tcase_add_checked_fixture(tc, base_setup, fsu_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_base_is_clean);
    tcase_add_test(tc, test_crc32c_vectors);
    tcase_add_test(tc, test_bad_magic);
    tcase_add_test(tc, test_regions_overlap);
    tcase_add_test(tc, test_truncated_image);
    tcase_add_test(tc, test_used_block_marked_free);
    tcase_add_test(tc, test_free_block_marked_used);
    tcase_add_test(tc, test_metadata_block_marked_free);
    tcase_add_test(tc, test_used_inode_marked_free);
    tcase_add_test(tc, test_free_inode_marked_used);
    tcase_add_test(tc, test_duplicate_block_pointer);
    tcase_add_test(tc, test_duplicate_indirect_pointer);
    tcase_add_test(tc, test_pointer_out_of_range);
    tcase_add_test(tc, test_pointer_into_metadata);
    tcase_add_test(tc, test_block_beyond_size);
    tcase_add_test(tc, test_wrong_link_count);
    tcase_add_test(tc, test_wrong_dir_link_count);
    tcase_add_test(tc, test_bad_dotdot);
    tcase_add_test(tc, test_bad_dot);
    tcase_add_test(tc, test_cleared_type);
    tcase_add_test(tc, test_bad_type);
    tcase_add_test(tc, test_entry_to_free_inode);
    tcase_add_test(tc, test_unreachable_inode);
    tcase_add_test(tc, test_second_link_to_directory);
    tcase_add_test(tc, test_duplicate_name);
    tcase_add_test(tc, test_name_with_slash);
    tcase_add_test(tc, test_empty_name);
    tcase_add_test(tc, test_name_not_terminated);
    tcase_add_test(tc, test_dir_size_not_whole_blocks);
    tcase_add_test(tc, test_root_not_dir);
    tcase_add_test(tc, test_log_committed_reported_and_replayed);
    tcase_add_test(tc, test_log_torn_commit_ignored);
    tcase_add_test(tc, test_log_bad_header);
    tcase_add_test(tc, test_log_too_long);
    tcase_add_test(tc, test_missing_image);
    suite_add_tcase(s, tc);
    return s;
}
