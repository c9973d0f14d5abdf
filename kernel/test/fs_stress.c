/*
 * File-system self-tests, part 2: rename, concurrent operations from many
 * kernel threads, a full disk and running out of inodes.
 */
#include "test/fs_util.h"
#include "test/selftest.h"
#include "proc/cpu.h"
#include "proc/thread.h"
#include "mm/slab.h"

static struct free_counts start;

static int ino_of(const char *path)
{
    struct kstat st;
    return fs_stat(NULL, path, false, &st) ? -1 : (int)st.st_ino;
}

int fs_rename_selftest(void)
{
    const char *T = "fs-rename";
    struct kstat st;
    if (!root_fs)
        return printf("selftest %s: SKIP (no file system mounted)\n", T), 0;
    counts_mark(&start);
    CHECK(T,
          fs_mkdir(NULL, "/t_mv", 0755) == 0 && fs_mkdir(NULL, "/t_mv/a", 0755) == 0 &&
              fs_mkdir(NULL, "/t_mv/b", 0755) == 0 && fs_mkdir(NULL, "/t_mv/a/sub", 0755) == 0,
          "mkdir failed");
    CHECK(T,
          put_pattern_file("/t_mv/a/f", 9000, 11) == 0 &&
              put_pattern_file("/t_mv/b/g", 7000, 12) == 0,
          "create failed");
    int f_ino = ino_of("/t_mv/a/f");
    CHECK(T, fs_rename(NULL, "/t_mv/a/f", NULL, "/t_mv/a/f2") == 0, "rename in one dir failed");
    CHECK(T, ino_of("/t_mv/a/f") < 0 && ino_of("/t_mv/a/f2") == f_ino,
          "rename did not move the name");
    CHECK(T, fs_rename(NULL, "/t_mv/a/f2", NULL, "/t_mv/b/g") == 0, "rename over a file failed");
    CHECK(T, check_pattern_file("/t_mv/b/g", 9000, 11) == 0 && ino_of("/t_mv/a/f2") < 0,
          "rename over a file: wrong contents");
    CHECK(T, fs_rename(NULL, "/t_mv/b/g", NULL, "/t_mv/b/g") == 0, "rename to itself failed");
    CHECK(T, fs_rename(NULL, "/t_mv/a/sub", NULL, "/t_mv/b/sub") == 0,
          "directory rename across dirs failed");
    CHECK(T, fs_stat(NULL, "/t_mv/b/sub/..", true, &st) == 0 && (int)st.st_ino == ino_of("/t_mv/b"),
          "'..' of a moved directory is not its new parent");
    CHECK(T, fs_stat(NULL, "/t_mv/a", true, &st) == 0 && st.st_nlink == 2, "old parent nlink %u",
          st.st_nlink);
    CHECK(T, fs_stat(NULL, "/t_mv/b", true, &st) == 0 && st.st_nlink == 3, "new parent nlink %u",
          st.st_nlink);
    CHECK(T, fs_rename(NULL, "/t_mv/b", NULL, "/t_mv/b/sub/x") == -EINVAL,
          "moving a directory below itself: not EINVAL");
    CHECK(T, fs_mkdir(NULL, "/t_mv/a/full", 0755) == 0 && put_file("/t_mv/a/full/x", "x", 1) == 0,
          "setup failed");
    CHECK(T, fs_rename(NULL, "/t_mv/b/sub", NULL, "/t_mv/a/full") == -ENOTEMPTY,
          "rename over a non-empty dir: not ENOTEMPTY");
    CHECK(T, fs_rename(NULL, "/t_mv/b/g", NULL, "/t_mv/a/full") == -EISDIR,
          "file over dir: not EISDIR");
    CHECK(T, fs_rename(NULL, "/t_mv/b/sub", NULL, "/t_mv/b/g") == -ENOTDIR,
          "dir over file: not ENOTDIR");
    CHECK(T, fs_mkdir(NULL, "/t_mv/a/empty", 0755) == 0, "mkdir failed");
    CHECK(T, fs_rename(NULL, "/t_mv/b/sub", NULL, "/t_mv/a/empty") == 0,
          "dir over empty dir failed");
    CHECK(T, fs_rename(NULL, "/t_mv/nothing", NULL, "/t_mv/x") == -ENOENT,
          "missing source: not ENOENT");
    CHECK(T, fs_rename(NULL, "/t_mv/a/..", NULL, "/t_mv/x") == -EINVAL,
          "renaming '..': not EINVAL");
    remove_tree("/t_mv");
    if (counts_check(T, &start))
        return -1;
    printf("selftest %s: PASS (files, directories, over targets, errors)\n", T);
    return 0;
}

/* ---- concurrent operations ---- */

struct worker_arg {
    int id;
    int errors;
    char what[64];
};

static void fs_worker(void *p)
{
    struct worker_arg *a = p;
    char path[64], path2[64], shared[64];
    snprintf(path, sizeof(path), "/t_conc/w%d", a->id);
    if (fs_mkdir(NULL, path, 0755)) {
        a->errors++, strlcpy(a->what, "mkdir", sizeof(a->what));
        return;
    }
    for (int i = 0; i < 25; i++) {
        uint32_t seed = a->id * 1000 + i;
        snprintf(path, sizeof(path), "/t_conc/w%d/f%d", a->id, i);
        snprintf(path2, sizeof(path2), "/t_conc/w%d/g%d", a->id, i);
        snprintf(shared, sizeof(shared), "/t_conc/shared/w%d-%d", a->id, i);
        size_t len = 1000 + (seed * 7919) % 30000;
        if (put_pattern_file(path, len, seed) || fs_link(NULL, path, NULL, shared) ||
            fs_rename(NULL, path, NULL, path2) || check_pattern_file(shared, len, seed) ||
            fs_unlink(NULL, shared) || check_pattern_file(path2, len, seed)) {
            a->errors++;
            snprintf(a->what, sizeof(a->what), "round %d", i);
        }
        if (i % 3 == 0)
            fs_unlink(NULL, path2);
    }
}

int fs_concurrent_selftest(void)
{
    const char *T = "fs-concurrent";
    struct worker_arg args[16];
    struct thread *th[16];
    if (!root_fs)
        return printf("selftest %s: SKIP (no file system mounted)\n", T), 0;
    counts_mark(&start);
    CHECK(T, fs_mkdir(NULL, "/t_conc", 0755) == 0 && fs_mkdir(NULL, "/t_conc/shared", 0755) == 0,
          "mkdir failed");
    int n = MIN(2 * ncpu + 2, 16);
    for (int i = 0; i < n; i++)
        args[i] = (struct worker_arg){.id = i};
    int started = selftest_spawn(th, n, "fsworker", fs_worker, args, sizeof(args[0]));
    int errors = 0;
    for (int i = 0; i < started; i++) { /* args[] is on this stack: join every one */
        thread_join(th[i]);
        if (args[i].errors && !errors)
            printf("selftest %s: worker %d: %s\n", T, i, args[i].what);
        errors += args[i].errors;
    }
    CHECK(T, started == n, "thread_create failed");
    CHECK(T, errors == 0, "%d operations failed", errors);
    remove_tree("/t_conc");
    if (counts_check(T, &start))
        return -1;
    printf("selftest %s: PASS (%d threads creating, linking, renaming, unlinking)\n", T, n);
    return 0;
}

/* ---- full disk and no free inodes ---- */

int fs_full_selftest(void)
{
    const char *T = "fs-full";
    struct file *f;
    char path[48];
    if (!root_fs)
        return printf("selftest %s: SKIP (no file system mounted)\n", T), 0;
    counts_mark(&start);
    CHECK(T, put_pattern_file("/t_keep", 20000, 77) == 0, "create failed");
    CHECK(T, file_open(NULL, "/t_fill", O_CREAT | O_WRONLY, 0644, &f) == 0, "create failed");
    uint8_t *buf = kmalloc(65536);
    CHECK(T, buf != NULL, "no memory");
    memset(buf, 0xab, 65536);
    uint64_t total = 0;
    ssize_t w;
    while ((w = file_write(f, false, (uintptr_t)buf, 65536)) == 65536)
        total += w;
    if (w > 0)
        total += w, w = file_write(f, false, (uintptr_t)buf, 65536);
    file_close(f);
    kfree(buf);
    CHECK(T, w == -ENOSPC, "a write to a full disk gave %ld, not -ENOSPC", w);
    CHECK(T, put_file("/t_more", "x", 1) == -ENOSPC || put_file("/t_more", "x", 1) == 0,
          "small write on a full disk misbehaved");
    CHECK(T, check_pattern_file("/t_keep", 20000, 77) == 0,
          "existing file damaged by the full disk");
    fs_unlink(NULL, "/t_more");
    CHECK(T, fs_unlink(NULL, "/t_fill") == 0, "unlink failed");

    /* Out of inodes. */
    CHECK(T, fs_mkdir(NULL, "/t_inodes", 0755) == 0, "mkdir failed");
    int made = 0, err = 0;
    for (;;) {
        snprintf(path, sizeof(path), "/t_inodes/%d", made);
        if ((err = put_file(path, NULL, 0)) != 0)
            break;
        made++;
    }
    CHECK(T, err == -ENOSPC, "running out of inodes gave %d, not -ENOSPC", err);
    CHECK(T, check_pattern_file("/t_keep", 20000, 77) == 0, "existing file damaged");
    remove_tree("/t_inodes");
    CHECK(T, fs_unlink(NULL, "/t_keep") == 0, "unlink failed");
    if (counts_check(T, &start))
        return -1;
    printf("selftest %s: PASS (filled %lu KiB until ENOSPC; %d inodes until ENOSPC)\n", T,
           total / 1024, made);
    return 0;
}
