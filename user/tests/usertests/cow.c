/*
 * usertests, copy-on-write beyond the basics (mem.c's cow, vm.c's cowcount):
 *
 *   cowpipe  the kernel itself writes into a page shared since fork (read()
 *            from a pipe into it, a copy_to_user): the write must go to the
 *            reader's own copy, in the child and in the parent;
 *   cowmany  a process whose touched heap is a quarter of the free memory
 *            forks so many children that copying would need half as much
 *            again as there is: every fork must succeed, every child sees
 *            the heap and writes a page of its own, and while they all live
 *            the free frames drop by page tables only.
 */
#include "ut.h"

#define COWPIPE_LEN (64 * KiB)

/* Fill buf from fd with exactly n bytes (the kernel writes into buf). */
static void read_into(int fd, unsigned char *buf, long n)
{
    xread(fd, buf, n);
}

static void feed(int fd, long n, int seed)
{
    unsigned char *src = malloc(n);
    CHECK(src, "malloc(%ld)", n);
    pattern(src, n, 0, seed);
    xwrite(fd, src, n);
    free(src);
}

static void test_cowpipe(void)
{
    unsigned char *buf = malloc(COWPIPE_LEN);
    CHECK(buf, "malloc(64 KiB)");
    pattern(buf, COWPIPE_LEN, 0, 31);
    int to_child[2], to_parent[2], go[2];
    OK(pipe(to_child));
    OK(pipe(to_parent));
    OK(pipe(go));
    int pid = xfork();
    if (pid == 0) {
        close(to_child[1]); /* a failing side's exit ends the other's read */
        close(to_parent[0]);
        close(go[0]);
        read_into(to_child[0], buf, COWPIPE_LEN); /* the kernel writes the shared pages */
        long d = pattern_diff(buf, COWPIPE_LEN, 0, 32);
        CHECK(d < 0, "child: byte %ld of what read() wrote is wrong", d);
        xwrite(go[1], "r", 1);
        feed(to_parent[1], COWPIPE_LEN, 33); /* for the parent's own read() */
        char c;
        xread(to_child[0], &c, 1); /* the parent has read into its copy now */
        d = pattern_diff(buf, COWPIPE_LEN, 0, 32);
        CHECK(d < 0, "child: the parent's read() reached the child's page (byte %ld)", d);
        _exit(0);
    }
    close(to_child[0]);
    close(to_parent[1]);
    close(go[1]);
    feed(to_child[1], COWPIPE_LEN, 32);
    char c;
    xread(go[0], &c, 1);
    long d = pattern_diff(buf, COWPIPE_LEN, 0, 31);
    CHECK(d < 0, "the child's read() reached the parent's page (byte %ld)", d);
    read_into(to_parent[0], buf, COWPIPE_LEN);
    d = pattern_diff(buf, COWPIPE_LEN, 0, 33);
    CHECK(d < 0, "parent: byte %ld of what read() wrote is wrong", d);
    xwrite(to_child[1], "p", 1);
    wait_ok(pid, "child");
    free(buf);
    close(to_child[1]);
    close(to_parent[0]);
    close(go[0]);
}

#if QUILL
#define COWMANY_MAX_HEAP (32 * MiB)
#define COWMANY_MAX_KIDS 40

/* A child of cowmany: check the heap, make page i its own, wait to be told to go. */
static void cowmany_child(unsigned char *heap, long size, int i, const int *ready, const int *gate)
{
    long page = (long)(i + 1) * PAGE;
    close(ready[0]);
    close(gate[1]); /* if the parent fails, its exit ends our read of the gate */
    CHECK(pattern_diff(heap, PAGE, 0, 41) < 0 &&
              pattern_diff(heap + size - PAGE, PAGE, size - PAGE, 41) < 0,
          "child %d: the heap differs after fork", i);
    pattern(heap + page, PAGE, page, 50 + i);
    xwrite(ready[1], "c", 1);
    close(ready[1]); /* the parent sees EOF if a child dies before this */
    char c;
    xread(gate[0], &c, 1);
    CHECK(pattern_diff(heap + page, PAGE, page, 50 + i) < 0, "child %d: its page changed", i);
    CHECK(pattern_diff(heap + page + PAGE, PAGE, page + PAGE, 41) < 0,
          "child %d: another child's write reached it", i);
    _exit(0);
}

static void test_cowmany(void)
{
    long free0 = memfree();
    long size = free0 * (long)PAGE / 4;
    if (size > COWMANY_MAX_HEAP)
        size = COWMANY_MAX_HEAP;
    size -= size % PAGE;
    long kids = (3 * free0 * (long)PAGE) / (2 * size) + 1;
    if (kids > COWMANY_MAX_KIDS)
        kids = COWMANY_MAX_KIDS;
    unsigned char *heap = sbrk(size);
    CHECK(heap != (void *)-1, "sbrk(%ld)", size);
    pattern(heap, size, 0, 41);
    int ready[2], gate[2];
    int pids[COWMANY_MAX_KIDS];
    OK(pipe(ready));
    OK(pipe(gate));
    long before = memfree();
    for (int i = 0; i < kids; i++) {
        fflush(stdout);
        pids[i] = fork();
        CHECK(pids[i] >= 0,
              "fork %d of %ld of a process with %ld KiB of heap failed (%s): copying the heap "
              "would need %ld KiB, there were %ld KiB free",
              i + 1, kids, size / KiB, errname(errno), kids * size / KiB, free0 * (long)PAGE / KiB);
        if (pids[i] == 0)
            cowmany_child(heap, size, i, ready, gate);
    }
    close(ready[1]);
    char c;
    for (int i = 0; i < kids; i++)
        xread(ready[0], &c, 1);
    long during = memfree();
    /* Per child: its page tables (one level-0 table per 2 MiB), a 32-byte
     * reverse-map item per shared page, its stack, kernel stack and the
     * pages it wrote; never its own copy of the heap. */
    long per_child = size / (2 * MiB) + size / ((long)PAGE / 32 * (long)PAGE) + 64;
    CHECK(before - during < kids * per_child,
          "%ld children of a %ld KiB process took %ld frames (%ld each): fork copies memory", kids,
          size / KiB, before - during, (before - during) / kids);
    for (int i = 0; i < kids; i++)
        xwrite(gate[1], "g", 1);
    for (int i = 0; i < kids; i++)
        wait_ok(pids[i], "child");
    CHECK(pattern_diff(heap, size, 0, 41) < 0, "a child's write reached the parent's heap");
    CHECK(sbrk(-size) == (char *)heap + size, "shrinking back");
    close(ready[0]);
    close(gate[0]);
    close(gate[1]);
}
#endif

static const struct ut_test cow_tests[] = {
    {"cowpipe", test_cowpipe, UT_QUICK, 0, UT_ANY},
#if QUILL
    {"cowmany", test_cowmany, UT_QUICK, 0, UT_QUILL_ONLY},
#endif
};
UT_REGISTER(cow_tests);
