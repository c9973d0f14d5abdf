/*
 * Crash-consistency workload and check (driven by tests/test_crash.py).
 *
 * bootargs fsworkload=<run>: forever, write /crash/tmp-<run>-<n> with a
 * pattern, fsync it, rename it to /crash/<run>-<n>, sync, and print
 * "durable <run>-<n>"; now and then unlink an older file, sync, and print
 * "deleting <run>-<m>" before and "deleted <run>-<m>" after the unlink's commit.  A second thread
 * churns other files meanwhile so commits are shared and the kill lands in every phase of a commit.
 *
 * Two more threads check the durability rule of the group commit (log.h):
 * one writes /crash/F<run>-<n>, fsyncs it and prints "fsynced F<run>-<n>"
 * (fsync alone makes it durable); the other writes /crash/L<run>-<n>
 * without any fsync and prints "committed L<run>-<n>" once a completed
 * commit (by the commit thread, or another thread's fsync) covers the
 * file's transaction: every call that returned before the last completed
 * commit is on the disk.
 *
 * bootargs fsyncdemo: write /crash/F0-0 and fsync it, then write
 * /crash/L0-1 without, print "fsyncdemo ready", and once the commit thread
 * has committed L0-1 by itself (nobody syncs), "fsyncdemo committed".  The
 * harness cuts the power at "ready" with a long commit interval (F0-0 must
 * be there, L0-1 -- written after the last commit -- lost), or at
 * "committed" with a short one (both there).
 *
 * bootargs crashcheck: after the journal has been replayed at mount, check
 * every /crash/[FL]<run>-<n> has exactly its pattern and size, list them,
 * and print "crashcheck: <k> files, <b> bad".  The harness checks that
 * every durable file that was not deleted (or being deleted) is listed,
 * that no deleted one is, and then runs fsck on the image.
 */
#include "test/fs_util.h"
#include "init/boot.h"
#include "proc/thread.h"
#include "proc/sched.h"
#include "mm/slab.h"

#define RULE_FILES 24 /* F and L files per run: small, so the disk fills slowly */

static uint32_t seed_of(unsigned run, unsigned n)
{
    return run * 100003u + n * 7919u + 1;
}

static size_t size_of(unsigned run, unsigned n)
{
    return 100 + (seed_of(run, n) * 2654435761u) % 70000;
}

/* The F and L files: small, with their own patterns. */
static uint32_t rule_seed(char kind, unsigned run, unsigned n)
{
    return seed_of(run, n) ^ (kind == 'F' ? 0x46000000u : 0x4c000000u);
}

static size_t rule_size(char kind, unsigned run, unsigned n)
{
    return 1 + (rule_seed(kind, run, n) * 2654435761u) % 3000;
}

/* Write /crash/<kind><run>-<n>; with fsync, return once it is durable.  The
 * file's transaction id in *tid.  0 or -errno. */
static int put_rule_file(char kind, unsigned run, unsigned n, bool fsync, uint64_t *tid)
{
    char path[48];
    struct file *f;
    snprintf(path, sizeof(path), "/crash/%c%u-%u", kind, run, n);
    int err = put_pattern_file(path, rule_size(kind, run, n), rule_seed(kind, run, n));
    if (err) {
        fs_unlink(NULL, path); /* the disk is full: a cut before this leaves it short */
        return err;
    }
    if ((err = file_open(NULL, path, O_RDONLY, 0, &f)) != 0)
        return err;
    *tid = READ_ONCE(f->ip->log_tid);
    if (fsync)
        err = file_fsync(f);
    file_close(f);
    return err;
}

static void fsync_files(void *arg)
{
    unsigned run = (unsigned)(uintptr_t)arg;
    uint64_t tid;
    for (unsigned n = 0; n < RULE_FILES; n++) {
        if (put_rule_file('F', run, n, true, &tid) == 0)
            printf("fsynced F%u-%u\n", run, n);
        sched_sleep_ticks(3);
    }
}

/* Files nobody syncs: each reported once a completed commit covers it. */
static void lazy_files(void *arg)
{
    unsigned run = (unsigned)(uintptr_t)arg, reported = 0, written = 0;
    uint64_t tids[RULE_FILES];
    while (reported < RULE_FILES) {
        if (written < RULE_FILES && put_rule_file('L', run, written, false, &tids[written]) == 0)
            written++;
        uint64_t done = log_committed_tid(&root_fs->log);
        for (; reported < written && tids[reported] <= done; reported++)
            printf("committed L%u-%u\n", run, reported);
        sched_sleep_ticks(2);
    }
}

static void churn(void *arg)
{
    char path[48];
    static uint8_t block[4096];
    for (unsigned i = 0;; i++) {
        /* A file unlinked while open: a crash now leaves an orphan inode. */
        struct file *f;
        if (file_open(NULL, "/crash/orphan", O_CREAT | O_RDWR, 0644, &f) == 0) {
            fs_unlink(NULL, "/crash/orphan");
            for (int k = 0; k < 4; k++)
                file_write(f, false, (uintptr_t)block, sizeof(block));
            if (i % 2)
                fs_sync(); /* make the orphan durable before it is closed */
            file_close(f);
        }
        snprintf(path, sizeof(path), "/crash/churn%u", i % 8);
        put_pattern_file(path, 3000 + (i * 977) % 20000, i);
        if (i % 3 == 0) {
            snprintf(path, sizeof(path), "/crash/churn%u", (i + 4) % 8);
            fs_unlink(NULL, path);
        }
    }
}

static void __attribute__((noreturn)) fs_crash_workload(unsigned run)
{
    char tmp[48], name[48];
    fs_mkdir(NULL, "/crash", 0755);
    thread_spawn_detached("churn", churn, NULL);
    thread_spawn_detached("fsync files", fsync_files, (void *)(uintptr_t)run);
    thread_spawn_detached("lazy files", lazy_files, (void *)(uintptr_t)run);
    for (unsigned n = 0;; n++) {
        snprintf(tmp, sizeof(tmp), "/crash/tmp-%u-%u", run, n);
        snprintf(name, sizeof(name), "/crash/%u-%u", run, n);
        struct file *f;
        if (put_pattern_file(tmp, size_of(run, n), seed_of(run, n)) ||
            file_open(NULL, tmp, O_RDONLY, 0, &f)) {
            printf("workload: write failed (disk full?)\n");
            sched_sleep_ticks(100);
            continue;
        }
        file_fsync(f);
        file_close(f);
        if (fs_rename(NULL, tmp, NULL, name) == 0 && fs_sync() == 0)
            printf("durable %u-%u\n", run, n);
        if (n >= 4 && n % 3 == 0) {
            snprintf(name, sizeof(name), "/crash/%u-%u", run, n - 4);
            printf("deleting %u-%u\n", run, n - 4); /* from here it may be gone */
            if (fs_unlink(NULL, name) == 0 && fs_sync() == 0)
                printf("deleted %u-%u\n", run, n - 4);
        }
    }
}

static void __attribute__((noreturn)) fs_crash_fsync_demo(void)
{
    uint64_t tid;
    fs_mkdir(NULL, "/crash", 0755);
    int err = put_rule_file('F', 0, 0, true, &tid);
    if (!err)
        err = put_rule_file('L', 0, 1, false, &tid);
    printf("fsyncdemo %s\n", err ? "failed" : "ready");
    while (!err && log_committed_tid(&root_fs->log) < tid)
        sched_sleep_ticks(1);
    if (!err)
        printf("fsyncdemo committed\n");
    for (;;)
        sched_sleep_ticks(100);
}

/* Check one "[FL]<run>-<n>" or "<run>-<n>" file; true if it is intact. */
static bool check_one(const char *name)
{
    unsigned run = 0, n = 0;
    char kind = name[0] == 'F' || name[0] == 'L' ? name[0] : 0;
    const char *p = kind ? name + 1 : name;
    while (*p >= '0' && *p <= '9')
        run = run * 10 + (*p++ - '0');
    if (*p++ != '-')
        return true; /* not a workload file */
    while (*p >= '0' && *p <= '9')
        n = n * 10 + (*p++ - '0');
    char path[64];
    snprintf(path, sizeof(path), "/crash/%s", name);
    if (kind)
        return check_pattern_file(path, rule_size(kind, run, n), rule_seed(kind, run, n)) == 0;
    return check_pattern_file(path, size_of(run, n), seed_of(run, n)) == 0;
}

static void fs_crash_check(void)
{
    struct file *f;
    int files = 0, bad = 0;
    if (!root_fs || file_open(NULL, "/crash", O_RDONLY | O_DIRECTORY, 0, &f)) {
        printf("crashcheck: 0 files, 0 bad (no /crash)\n");
        return;
    }
    char *buf = kmalloc(2048);
    ssize_t n;
    while (buf && (n = file_getdents(f, false, (uintptr_t)buf, 2048)) > 0) {
        for (ssize_t off = 0; off < n;) {
            struct kdirent *d = (struct kdirent *)(buf + off);
            off += d->d_reclen;
            char c = d->d_name[0];
            if ((c < '0' || c > '9') && c != 'F' && c != 'L')
                continue;
            files++;
            bool ok = check_one(d->d_name);
            bad += !ok;
            printf("crashcheck: %s %s\n", ok ? "have" : "BAD", d->d_name);
        }
    }
    kfree(buf);
    file_close(f);
    printf("crashcheck: %d files, %d bad\n", files, bad);
}

/* bootargs crashcheck: check the files a workload left (after the replay). */
static void crashcheck_hook(const char *value)
{
    fs_crash_check();
}
BOOT_HOOK(crashcheck, "crashcheck", BOOT_HOOK_FIRST_THREAD, crashcheck_hook);

/* bootargs fsworkload=<run>: write, fsync and rename until the power is cut. */
static void fsworkload_hook(const char *value)
{
    unsigned run = 0;
    for (const char *p = value; *p >= '0' && *p <= '9'; p++)
        run = run * 10 + (*p - '0');
    fs_crash_workload(run);
}
BOOT_HOOK(fsworkload, "fsworkload", BOOT_HOOK_FIRST_THREAD, fsworkload_hook);

/* bootargs fsyncdemo: an fsynced and an unsynced file, then idle (see the top). */
static void fsyncdemo_hook(const char *value)
{
    fs_crash_fsync_demo();
}
BOOT_HOOK(fsyncdemo, "fsyncdemo", BOOT_HOOK_FIRST_THREAD, fsyncdemo_hook);
