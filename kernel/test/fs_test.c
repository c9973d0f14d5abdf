/*
 * File-system self-tests, part 1: files, big and sparse files, directories
 * and paths, links, and open-file semantics.  Each test works in its own
 * directory, removes it at the end, and checks that the free block and
 * inode counts are back where they started (no leaks).
 */
#include "test/fs_util.h"
#include "test/selftest.h"
#include "mm/slab.h"

#define MiB (1024 * 1024UL)

static struct free_counts start;

static bool need_fs(const char *test)
{
    if (root_fs)
        return true;
    printf("selftest %s: SKIP (no file system mounted)\n", test);
    return false;
}

int fs_basic_selftest(void)
{
    const char *T = "fs-basic";
    char path[64];
    if (!need_fs(T))
        return 0;
    counts_mark(&start);
    CHECK(T, fs_mkdir(NULL, "/t_basic", 0755) == 0, "mkdir failed");
    for (int i = 0; i < 100; i++) {
        snprintf(path, sizeof(path), "/t_basic/file%d", i);
        CHECK(T, put_pattern_file(path, (size_t)i * 397, i) == 0, "write %s failed", path);
    }
    for (int i = 0; i < 100; i++) {
        snprintf(path, sizeof(path), "/t_basic/file%d", i);
        CHECK(T, check_pattern_file(path, (size_t)i * 397, i) == 0, "%s reads back wrong", path);
    }
    for (int i = 0; i < 100; i++) {
        snprintf(path, sizeof(path), "/t_basic/file%d", i);
        CHECK(T, fs_unlink(NULL, path) == 0, "unlink %s failed", path);
        CHECK(T, fs_unlink(NULL, path) == -ENOENT, "second unlink of %s did not fail", path);
    }
    CHECK(T, fs_rmdir(NULL, "/t_basic") == 0, "rmdir failed");
    if (counts_check(T, &start))
        return -1;
    printf("selftest %s: PASS (100 files written, read back, removed)\n", T);
    return 0;
}

int fs_bigfile_selftest(void)
{
    const char *T = "fs-bigfile";
    struct kstat st;
    struct file *f;
    if (!need_fs(T))
        return 0;
    counts_mark(&start);
    /* Past the 12 direct and 1024 single-indirect blocks: double-indirect. */
    size_t big = (QFS_NDIRECT + QFS_PTRS_PER_BLOCK) * QFS_BLOCK_SIZE + 2 * MiB + 123;
    CHECK(T, put_pattern_file("/t_big", big, 7) == 0, "writing %lu bytes failed", big);
    CHECK(T, check_pattern_file("/t_big", big, 7) == 0, "big file reads back wrong");
    /* Shrink into the single-indirect range, then grow with a hole. */
    size_t cut = 30 * QFS_BLOCK_SIZE + 100;
    CHECK(T, file_open(NULL, "/t_big", O_RDWR, 0, &f) == 0, "open failed");
    CHECK(T, file_truncate(f, cut) == 0, "truncate failed");
    CHECK(T, file_truncate(f, cut + 5000) == 0, "extend failed");
    uint8_t *buf = kmalloc(8192);
    CHECK(T, buf != NULL, "no memory");
    ssize_t n = file_pread(f, false, (uintptr_t)buf, 8192, cut - 100);
    bool ok = n == 5100 && check_pattern(buf, 100, 7, cut - 100);
    for (int i = 100; ok && i < 5100; i++)
        ok = buf[i] == 0;
    file_close(f);
    CHECK(T, ok, "truncate then extend did not read the old data then zeros");
    CHECK(T, fs_unlink(NULL, "/t_big") == 0, "unlink failed");

    /* A sparse file: one block far out; the hole reads as zeros. */
    uint64_t far = 300 * MiB;
    CHECK(T, file_open(NULL, "/t_sparse", O_CREAT | O_RDWR, 0644, &f) == 0, "create failed");
    fill_pattern(buf, 4096, 9, 0);
    CHECK(T, file_pwrite(f, false, (uintptr_t)buf, 4096, far) == 4096, "far write failed");
    CHECK(T, file_pread(f, false, (uintptr_t)buf, 4096, 100 * MiB) == 4096, "hole read failed");
    ok = true;
    for (int i = 0; i < 4096; i++)
        ok = ok && buf[i] == 0;
    CHECK(T, ok, "a hole did not read as zeros");
    CHECK(T,
          file_pread(f, false, (uintptr_t)buf, 4096, far) == 4096 && check_pattern(buf, 4096, 9, 0),
          "data after the hole is wrong");
    CHECK(T, file_stat(f, &st) == 0 && st.st_size == (long)(far + 4096), "sparse size wrong");
    CHECK(T, st.st_blocks <= 4 * 8, "sparse file uses %ld sectors", st.st_blocks);
    file_close(f);
    kfree(buf);
    CHECK(T, fs_unlink(NULL, "/t_sparse") == 0, "unlink sparse failed");
    if (counts_check(T, &start))
        return -1;
    printf("selftest %s: PASS (%lu-byte file through the double-indirect block, sparse %lu MiB "
           "file)\n",
           T, big, far / MiB);
    return 0;
}

static int dirs_paths(const char *T)
{
    struct kstat st;
    struct inode *ip;
    char name[80];
    CHECK(T, fs_mkdir(NULL, "/t_dirs", 0755) == 0, "mkdir failed");
    CHECK(T, fs_mkdir(NULL, "/t_dirs", 0755) == -EEXIST, "second mkdir did not give EEXIST");
    CHECK(T, fs_mkdir(NULL, "/t_dirs/a", 0755) == 0 && fs_mkdir(NULL, "/t_dirs/a/b", 0755) == 0,
          "nested mkdir failed");
    CHECK(T, fs_mkdir(NULL, "//t_dirs/./a/../a/b//c", 0755) == 0, "mkdir through . .. // failed");
    CHECK(T,
          fs_stat(NULL, "/t_dirs/a/b/c/../../b/c/.", true, &st) == 0 &&
              (st.st_mode & S_IFMT) == S_IFDIR,
          "path with .. did not resolve");
    CHECK(T, fs_stat(NULL, "/t_dirs/a", true, &st) == 0 && st.st_nlink == 3,
          "nlink of a directory with one subdirectory is %u, not 3", st.st_nlink);
    CHECK(T, fs_chdir_lookup(NULL, "/t_dirs/a", &ip) == 0, "lookup for chdir failed");
    fs_op_begin(ip->fs);
    struct inode *rel;
    int err = path_lookup(ip, "b/c", true, &rel);
    if (!err)
        inode_put(rel);
    struct fs *fs = ip->fs;
    inode_put(ip);
    fs_op_end(fs, 0);
    CHECK(T, err == 0, "relative lookup from a directory failed");
    CHECK(T, put_file("/t_dirs/f", "x", 1) == 0, "create file failed");
    CHECK(T, fs_mkdir(NULL, "/t_dirs/f/sub", 0755) == -ENOTDIR, "file as directory: not ENOTDIR");
    CHECK(T, fs_rmdir(NULL, "/t_dirs/a") == -ENOTEMPTY, "rmdir of a non-empty dir succeeded");
    CHECK(T, fs_rmdir(NULL, "/t_dirs/f") == -ENOTDIR, "rmdir of a file: not ENOTDIR");
    CHECK(T, fs_unlink(NULL, "/t_dirs/a") == -EISDIR, "unlink of a directory: not EISDIR");
    CHECK(T, fs_rmdir(NULL, "/t_dirs/a/b/c/.") == -EINVAL, "rmdir of '.': not EINVAL");
    CHECK(T, fs_stat(NULL, "/t_dirs/missing/x", true, &st) == -ENOENT, "missing dir: not ENOENT");
    memset(name, 'n', sizeof(name));
    memcpy(name, "/t_dirs/", 8);
    name[8 + QFS_NAME_MAX] = '\0';
    CHECK(T, put_file(name, "y", 1) == 0, "a %d-byte name failed", QFS_NAME_MAX);
    name[8 + QFS_NAME_MAX] = 'n';
    name[8 + QFS_NAME_MAX + 1] = '\0';
    CHECK(T, put_file(name, "y", 1) == -ENAMETOOLONG, "a %d-byte name: not ENAMETOOLONG",
          QFS_NAME_MAX + 1);
    return 0;
}

int fs_dirs_selftest(void)
{
    const char *T = "fs-dirs";
    char path[64];
    if (!need_fs(T))
        return 0;
    counts_mark(&start);
    if (dirs_paths(T))
        return -1;
    /* A directory spanning several blocks, listed by getdents. */
    CHECK(T, fs_mkdir(NULL, "/t_dirs/many", 0755) == 0, "mkdir failed");
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof(path), "/t_dirs/many/entry-%03d", i);
        CHECK(T, put_file(path, path, 4) == 0, "create %s failed", path);
    }
    struct file *f;
    CHECK(T, file_open(NULL, "/t_dirs/many", O_RDONLY | O_DIRECTORY, 0, &f) == 0, "opendir failed");
    char *buf = kmalloc(1024);
    int seen = 0;
    ssize_t n;
    while (buf && (n = file_getdents(f, false, (uintptr_t)buf, 1024)) > 0)
        for (ssize_t off = 0; off < n; off += ((struct kdirent *)(buf + off))->d_reclen)
            seen++;
    file_close(f);
    kfree(buf);
    CHECK(T, seen == 302, "getdents listed %d entries, not 302", seen);
    CHECK(T, file_open(NULL, "/t_dirs/f", O_RDONLY | O_DIRECTORY, 0, &f) == -ENOTDIR,
          "O_DIRECTORY on a file: not ENOTDIR");
    remove_tree("/t_dirs");
    CHECK(T, fs_stat(NULL, "/t_dirs", true, &(struct kstat){0}) == -ENOENT, "tree not removed");
    if (counts_check(T, &start))
        return -1;
    printf("selftest %s: PASS (paths, errors, 300-entry directory)\n", T);
    return 0;
}

int fs_links_selftest(void)
{
    const char *T = "fs-links";
    struct kstat st;
    char buf[128];
    if (!need_fs(T))
        return 0;
    counts_mark(&start);
    CHECK(T,
          fs_mkdir(NULL, "/t_ln", 0755) == 0 && fs_mkdir(NULL, "/t_ln/d1", 0755) == 0 &&
              fs_mkdir(NULL, "/t_ln/d2", 0755) == 0,
          "mkdir failed");
    CHECK(T, put_pattern_file("/t_ln/d1/orig", 10000, 3) == 0, "create failed");
    CHECK(T, fs_link(NULL, "/t_ln/d1/orig", NULL, "/t_ln/d2/hard") == 0, "link across dirs failed");
    CHECK(T, fs_stat(NULL, "/t_ln/d2/hard", true, &st) == 0 && st.st_nlink == 2, "nlink not 2");
    CHECK(T, fs_link(NULL, "/t_ln/d1/orig", NULL, "/t_ln/d2/hard") == -EEXIST, "link over a name");
    CHECK(T, fs_link(NULL, "/t_ln/d1", NULL, "/t_ln/dirlink") == -EPERM,
          "hard link to a dir allowed");
    CHECK(T, fs_unlink(NULL, "/t_ln/d1/orig") == 0, "unlink failed");
    CHECK(T, check_pattern_file("/t_ln/d2/hard", 10000, 3) == 0,
          "data lost after unlink of one link");
    CHECK(T, fs_symlink(NULL, "d2/hard", "/t_ln/rel") == 0, "relative symlink failed");
    CHECK(T, fs_symlink(NULL, "/t_ln/d2/hard", "/t_ln/d1/abs") == 0, "absolute symlink failed");
    CHECK(T, check_pattern_file("/t_ln/rel", 10000, 3) == 0, "reading through a relative link");
    CHECK(T, check_pattern_file("/t_ln/d1/abs", 10000, 3) == 0, "reading through an absolute link");
    ssize_t n = fs_readlink(NULL, "/t_ln/rel", buf, sizeof(buf));
    CHECK(T, n == 7 && memcmp(buf, "d2/hard", 7) == 0, "readlink gave %ld bytes", n);
    CHECK(T, fs_stat(NULL, "/t_ln/rel", false, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK,
          "lstat of a link is not a link");
    CHECK(T, fs_symlink(NULL, "nowhere", "/t_ln/dangling") == 0, "dangling symlink failed");
    CHECK(T, fs_stat(NULL, "/t_ln/dangling", true, &st) == -ENOENT, "dangling link: not ENOENT");
    CHECK(T,
          fs_symlink(NULL, "loop2", "/t_ln/loop1") == 0 &&
              fs_symlink(NULL, "loop1", "/t_ln/loop2") == 0,
          "loop links failed");
    CHECK(T, fs_stat(NULL, "/t_ln/loop1", true, &st) == -ELOOP, "symlink loop: not ELOOP");
    struct file *f;
    CHECK(T, file_open(NULL, "/t_ln/rel", O_RDONLY | O_NOFOLLOW, 0, &f) == -ELOOP,
          "O_NOFOLLOW on a link: not ELOOP");
    /* An unlinked file lives while it is open. */
    CHECK(T, put_pattern_file("/t_ln/open", 50000, 5) == 0, "create failed");
    CHECK(T, file_open(NULL, "/t_ln/open", O_RDONLY, 0, &f) == 0, "open failed");
    CHECK(T, fs_unlink(NULL, "/t_ln/open") == 0, "unlink of an open file failed");
    uint8_t *data = kmalloc(50000);
    n = data ? file_read(f, false, (uintptr_t)data, 50000) : -1;
    bool ok = n == 50000 && check_pattern(data, 50000, 5, 0);
    kfree(data);
    file_close(f);
    CHECK(T, ok, "an unlinked open file could not be read");
    remove_tree("/t_ln");
    if (counts_check(T, &start))
        return -1;
    printf("selftest %s: PASS (hard and symbolic links, ELOOP, unlink while open)\n", T);
    return 0;
}

int fs_open_selftest(void)
{
    const char *T = "fs-open";
    struct file *f, *g;
    char buf[32];
    if (!need_fs(T))
        return 0;
    counts_mark(&start);
    CHECK(T, put_file("/t_open", "hello", 5) == 0, "create failed");
    CHECK(T, file_open(NULL, "/t_open", O_CREAT | O_EXCL | O_WRONLY, 0644, &f) == -EEXIST,
          "O_EXCL on an existing file: not EEXIST");
    CHECK(T, file_open(NULL, "/t_open", O_WRONLY | O_APPEND, 0, &f) == 0, "open append failed");
    CHECK(T, file_open(NULL, "/t_open", O_WRONLY | O_APPEND, 0, &g) == 0, "second open failed");
    CHECK(T,
          file_write(f, false, (uintptr_t) " one", 4) == 4 &&
              file_write(g, false, (uintptr_t) " two", 4) == 4,
          "append writes failed");
    file_close(g);
    CHECK(T, file_read(f, false, (uintptr_t)buf, 4) == -EBADF, "read on a write-only file");
    file_close(f);
    CHECK(T, get_file("/t_open", buf, sizeof(buf)) == 13 && memcmp(buf, "hello one two", 13) == 0,
          "O_APPEND did not append");
    CHECK(T, file_open(NULL, "/t_open", O_RDWR, 0, &f) == 0, "open rdwr failed");
    g = file_dup(f);
    CHECK(T,
          file_read(f, false, (uintptr_t)buf, 6) == 6 &&
              file_read(g, false, (uintptr_t)buf, 3) == 3 && memcmp(buf, "one", 3) == 0,
          "a dup does not share the offset");
    CHECK(T,
          file_lseek(g, -3, SEEK_END) == 10 && file_read(f, false, (uintptr_t)buf, 8) == 3 &&
              memcmp(buf, "two", 3) == 0,
          "lseek SEEK_END wrong");
    CHECK(T, file_lseek(f, -100, SEEK_CUR) == -EINVAL, "negative seek: not EINVAL");
    CHECK(T, file_pread(f, false, (uintptr_t)buf, 5, 0) == 5 && file_lseek(f, 0, SEEK_CUR) == 13,
          "pread moved the offset");
    file_close(g);
    file_close(f);
    CHECK(T, file_open(NULL, "/t_open", O_WRONLY | O_TRUNC, 0, &f) == 0, "O_TRUNC open failed");
    file_close(f);
    CHECK(T, get_file("/t_open", buf, sizeof(buf)) == 0, "O_TRUNC left data");
    CHECK(T, file_open(NULL, "/", O_WRONLY, 0, &f) == -EISDIR, "writing a directory: not EISDIR");
    CHECK(T, file_open(NULL, "/t_nonexistent", O_RDONLY, 0, &f) == -ENOENT,
          "missing file: not ENOENT");
    CHECK(T, fs_unlink(NULL, "/t_open") == 0, "unlink failed");
    if (counts_check(T, &start))
        return -1;
    printf("selftest %s: PASS (O_EXCL, O_APPEND, O_TRUNC, shared offsets, lseek, pread)\n", T);
    return 0;
}
