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
 *   kill-truncate  ftruncate() of a 3 GiB sparse file to 0 stops between two
 *                  truncation steps: the size is below 3 GiB and above 0;
 *   kill-read      read() of a 24 MiB file into unmapped heap: the child
 *                  dies by SIGKILL, and every frame its copy had taken is
 *                  back (memfree) once it is reaped.
 */

#include "ut.h"

#if QUILL /* memfree, and the kernel's promise to stop; Linux may finish the call */
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

/* One try: kill a child truncating the sparse file as soon as the size moves.
 * True if the kill stopped the call part-way (the child died of SIGKILL and
 * the file is neither whole nor empty); false if the call was over first. */
static bool kill_truncating_child(int fd)
{
    OK(ftruncate(fd, SPARSE_SIZE));
    for (long off = 0; off < SPARSE_SIZE; off += 4 * MiB) /* a block and a pointer block */
        CHECK(pwrite(fd, "t", 1, off) == 1, "pwrite at %ld failed",
              off); /* per 4 MiB: work per step */
    int pid = xfork();
    if (pid == 0) {
        ftruncate(fd, 0);
        _exit(0);
    }
    /* No sleep between polls: the truncation is quick now that its steps
     * join one commit. */
    struct size_watch w = {fd, SPARSE_SIZE};
    int status = ut_kill_when(pid, size_moved, &w, 0, 20000, NULL);
    long size = file_size(fd);
    /* A kill that lands after the last step ends the process on its way
     * back to user mode, with the file already empty: not part-way. */
    return killed_by(status, SIGKILL) && size > 0 && size < SPARSE_SIZE;
}

static void test_kill_truncate(void)
{
    int fd = OK(open("killt", O_CREAT | O_RDWR | O_TRUNC, 0644));
    bool stopped = false;
    for (int tries = 0; tries < 20 && !stopped; tries++)
        stopped = kill_truncating_child(fd);
    CHECK(stopped,
          "in 20 tries SIGKILL never stopped a truncation between its steps "
          "(size %ld after the last)",
          file_size(fd));
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
