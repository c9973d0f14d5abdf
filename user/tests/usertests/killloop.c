/*
 * killloop: SIGKILL ends a long system call in the middle, not after it.
 * Each test starts a child in one long call, waits until the call has
 * visibly started (the file it works on has changed, or the child's memory
 * has grown), kills it (ut_kill_when), and then checks that the call stopped
 * part-way: what the file shows is neither the state before the call nor the
 * state the call would have reached.
 *
 *   kill-write     write() of 24 MiB to a file stops between two journal
 *                  operations: the file has some of the bytes, not all;
 *   kill-truncate  ftruncate() of a 3 GiB sparse file to 0, its pointer
 *                  blocks pushed out of the block cache first (each step
 *                  waits for the disk, so the killer runs inside the call
 *                  on one hart too), stops between two truncation steps:
 *                  the size is below 3 GiB and above 0;
 *   kill-read      read() of a 24 MiB file into unmapped heap: the child
 *                  dies by SIGKILL, and every frame its copy had taken is
 *                  back (memfree) once it is reaped.
 */

#include "ut.h"

#if QUILL /* memfree, and the kernel's promise to stop; Linux may finish the call */
#include <quill/sched.h>

#define BIG_WRITE (24 * MiB)
#define SPARSE_SIZE (3L << 30)

/* What a poll waits for: the size of file fd is no longer `from`. */
struct size_watch {
    int fd;
    long from;
};

static bool size_moved(void *arg)
{
    struct size_watch *w = arg;
    struct stat st;
    return fstat(w->fd, &st) == 0 && st.st_size != w->from;
}

/* ... or: process pid has more than `from` pages resident. */
struct rss_watch {
    int pid;
    unsigned long from;
};

static bool rss_grew(void *arg)
{
    struct rss_watch *w = arg;
    struct vminfo vi;
    return vminfo(w->pid, &vi) == 0 && vi.resident > w->from;
}

/* ... or: process pid is asleep (in a call that waits, here for the disk). */
static bool asleep(void *arg)
{
    struct schedinfo si;
    return __sys_schedinfo(*(int *)arg, &si) == 0 && si.state == 'S';
}

static long file_size(int fd)
{
    struct stat st;
    OK(fstat(fd, &st));
    return st.st_size;
}

static void test_kill_write(void)
{
    int fd = OK(open("killw", O_CREAT | O_RDWR | O_TRUNC, 0644));
    int pid = xfork();
    if (pid == 0) {
        char *buf = sbrk(BIG_WRITE); /* untouched: the copy faults each page in */
        if (buf == (char *)-1)
            _exit(2);
        write(fd, buf, BIG_WRITE);
        _exit(0); /* not reached if the kill ends the write */
    }
    struct size_watch w = {fd, 0};
    bool started;
    int status = ut_kill_when(pid, size_moved, &w, 5, 20000, &started);
    CHECK(started, "the 24 MiB write never started");
    CHECK(killed_by(status, SIGKILL), "the writer was not killed by SIGKILL (status %#x)", status);
    long size = file_size(fd);
    CHECK(size > 0 && size < BIG_WRITE,
          "killed writer: the file has %ld bytes (expected part of %ld: the write must stop "
          "between operations once the writer is killed)",
          size, BIG_WRITE);
    close(fd);
    OK(unlink("killw"));
}

/*
 * Push every block of the file system out of the block cache: write a file
 * of twice the cache's size (sysinfo says how many buffers it has) through
 * it, so that the least recently used buffers, all of them older, are
 * recycled, and delete it.
 */
static void flush_block_cache(void)
{
    struct ksysinfo si;
    struct kstatfs sf;
    static char block[64 * 1024];
    OK(sysinfo(&si));
    OK(statfs(".", &sf));
    long size = 2 * (long)si.bcache_bufs * (long)sf.block_size;
    int fd = OK(open("killt-flush", O_CREAT | O_WRONLY | O_TRUNC, 0644));
    memset(block, 'f', sizeof(block));
    for (long done = 0; done < size; done += sizeof(block))
        CHECK(write(fd, block, sizeof(block)) == (long)sizeof(block),
              "cannot write the %ld-byte file that flushes the block cache", size);
    close(fd);
    OK(unlink("killt-flush"));
}

/*
 * The truncation of the sparse file frees it from the end in steps of a few
 * thousand blocks, each step reading the pointer blocks of its part (one per
 * 4 MiB here).  With those out of the block cache every step waits for the
 * disk several times, so the child certainly sleeps inside the call, and the
 * killer, which waits for exactly that, runs then even on one hart and
 * whatever the policy (nothing else is runnable while the child sleeps).
 * The child stops at the next check between two steps, long before the last
 * of the 192.  Without the flush each step is a few microseconds of work on
 * cached blocks and the whole call can end within one tick, before a killer
 * on the same hart ever runs.  The killer watches the child's state, not the
 * file's size: fstat takes the inode's lock, which the child holds through
 * each step and takes again at once for the next one, so a watcher woken at
 * the end of a step would find it taken again, step after step.
 */
static void test_kill_truncate(void)
{
    int fd = OK(open("killt", O_CREAT | O_RDWR | O_TRUNC, 0644));
    OK(ftruncate(fd, SPARSE_SIZE));
    for (long off = 0; off < SPARSE_SIZE; off += 4 * MiB) /* a block and a pointer block */
        CHECK(pwrite(fd, "t", 1, off) == 1, "pwrite at %ld failed", off);
    flush_block_cache();
    int pid = xfork();
    if (pid == 0) {
        ftruncate(fd, 0);
        _exit(0); /* not reached if the kill stops the truncation */
    }
    /* No sleep between polls: the child's waits for the disk are short. */
    bool started;
    int status = ut_kill_when(pid, asleep, &pid, 0, 20000, &started);
    long size = file_size(fd);
    CHECK(started, "the truncating child never slept (size %ld)", size);
    CHECK(killed_by(status, SIGKILL), "the truncating child was not killed by SIGKILL (status %#x)",
          status);
    CHECK(size > 0 && size < SPARSE_SIZE,
          "killed truncation: size %ld (expected between 0 and %ld: the truncation must stop "
          "between two steps once the child is killed)",
          size, SPARSE_SIZE);
    OK(ftruncate(fd, 0)); /* the rest, by a process that is not killed */
    CHECK(file_size(fd) == 0, "ftruncate to 0 after the killed one: size %ld", file_size(fd));
    close(fd);
    OK(unlink("killt"));
}

static void test_kill_read(void)
{
    int fd = OK(open("killr", O_CREAT | O_RDWR | O_TRUNC, 0644));
    static char block[64 * 1024];
    memset(block, 'r', sizeof(block));
    for (long done = 0; done < BIG_WRITE; done += sizeof(block))
        CHECK(write(fd, block, sizeof(block)) == (long)sizeof(block), "cannot write the file");
    int p[2];
    OK(pipe(p));
    long before = ut_free_frames(); /* our own pages made meanwhile are no leak */
    int pid = xfork();
    if (pid == 0) {
        char *buf = sbrk(BIG_WRITE); /* untouched: the copy faults each page in */
        if (buf == (char *)-1)
            _exit(2);
        struct vminfo vi = vminfo_self();
        write(p[1], &vi.resident, sizeof(vi.resident));
        pread(fd, buf, BIG_WRITE, 0);
        _exit(0);
    }
    struct rss_watch w = {pid, 0};
    xread(p[0], &w.from, sizeof(w.from));
    bool started;
    int status = ut_kill_when(pid, rss_grew, &w, 1, 20000, &started);
    CHECK(started, "the reader's memory never grew: the 24 MiB read did not start");
    CHECK(killed_by(status, SIGKILL), "the reader was not killed by SIGKILL (status %#x)", status);
    long after = ut_free_frames();
    CHECK(after >= before, "the killed reader's frames: %ld free before, %ld after", before, after);
    close(p[0]);
    close(p[1]);
    close(fd);
    OK(unlink("killr"));
}

#endif /* QUILL */

static const struct ut_test killloop_tests[] = {
#if QUILL
    {"kill-write", test_kill_write, UT_QUICK, 0, UT_QUILL_ONLY},
    {"kill-truncate", test_kill_truncate, UT_QUICK, 0, UT_QUILL_ONLY},
    {"kill-read", test_kill_read, UT_QUICK, 0, UT_QUILL_ONLY},
#endif
};
UT_REGISTER(killloop_tests);
