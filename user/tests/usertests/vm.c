/*
 * usertests, virtual memory: fork copies no page (copy-on-write, counted with
 * vminfo), sbrk only reserves (1 GiB on a 128 MiB machine), a refused brk
 * changes nothing, exec reads the program in as it runs, and a program whose
 * file is truncated under it gets SIGBUS.  Quill only (vminfo).
 */
#include "ut.h"

#if QUILL
/* fork copies no page: the child costs page tables, not the parent's memory. */
static void test_cowcount(void)
{
    const long size = 8 * MiB;
    unsigned char *heap = sbrk(size);
    CHECK(heap != (void *)-1, "sbrk(8 MiB)");
    pattern(heap, size, 0, 21);
    int a[2], b[2];
    OK(pipe(a));
    OK(pipe(b));
    long before = memfree();
    int pid = xfork();
    if (pid == 0) {
        long during = memfree();
        close(b[0]); /* a failing side's exit ends the other's read */
        close(a[1]);
        struct vminfo v0 = vminfo_self();
        heap[PAGE * 3] = 1; /* one write: one copy */
        struct vminfo v1 = vminfo_self();
        CHECK(v1.cow_copies == v0.cow_copies + 1, "child: %lu copies after one write",
              v1.cow_copies - v0.cow_copies);
        CHECK(v0.resident * PAGE >= (unsigned long)size, "child maps %lu pages", v0.resident);
        xwrite(b[1], &during, sizeof(during));
        char c;
        xread(a[0], &c, 1);
        CHECK(pattern_diff(heap + PAGE * 4, size - PAGE * 4, PAGE * 4, 21) < 0,
              "child: parent's write reached it");
        _exit(0);
    }
    close(b[1]);
    close(a[0]);
    long during;
    xread(b[0], &during, sizeof(during));
    /* 2048 pages of heap are shared: the child costs its page tables and kernel stack. */
    CHECK(before - during < 128, "fork of an 8 MiB process took %ld frames", before - during);
    struct vminfo p0 = vminfo_self();
    heap[PAGE * 5] = 2;
    struct vminfo p1 = vminfo_self();
    CHECK(p1.cow_copies == p0.cow_copies + 1, "parent: one write made %lu copies",
          p1.cow_copies - p0.cow_copies);
    xwrite(a[1], "p", 1);
    wait_ok(pid, "child");
    /* The child is gone: the parent's pages have one reference, no copy needed. */
    heap[PAGE * 7] = 3;
    struct vminfo p2 = vminfo_self();
    CHECK(p2.cow_copies == p1.cow_copies && p2.cow_reuse > p1.cow_reuse,
          "write after the child exited: copies %lu, reuses %lu", p2.cow_copies - p1.cow_copies,
          p2.cow_reuse - p1.cow_reuse);
    CHECK(pattern_diff(heap + PAGE * 3, 1, PAGE * 3, 21) < 0, "child's write reached the parent");
    CHECK(sbrk(-size) == (char *)heap + size, "shrinking back");
}

/* sbrk only reserves: 1 GiB on a 128 MiB machine, touched sparsely, then given back. */
static void test_sbrklazy(void)
{
    const long size = 1024 * MiB;
    long free0 = memfree();
    struct vminfo v0 = vminfo_self();
    char *p = sbrk(size);
    CHECK(p != (char *)-1, "sbrk(1 GiB): %s", errname(errno));
    CHECK(free0 - memfree() < 16, "sbrk(1 GiB) allocated %ld frames", free0 - memfree());
    for (long off = 0; off < size; off += MiB) {
        CHECK(p[off] == 0, "byte at +%ld MiB is %d, not 0", off / MiB, p[off]);
        p[off] = (char)(off / MiB + 1);
    }
    for (long off = 0; off < size; off += MiB)
        CHECK(p[off] == (char)(off / MiB + 1), "byte at +%ld MiB lost", off / MiB);
    struct vminfo v1 = vminfo_self();
    /* (the first byte may share an already mapped page with the old break) */
    CHECK(v1.resident - v0.resident >= 1023 && v1.resident - v0.resident < 1100,
          "1024 touched pages made %lu resident", v1.resident - v0.resident);
    CHECK(v1.minflt - v0.minflt >= 1023, "only %lu minor faults", v1.minflt - v0.minflt);
    CHECK(sbrk(-size) == p + size, "shrinking back");
    struct vminfo v2 = vminfo_self();
    CHECK(v2.resident <= v0.resident + 2, "after shrinking %lu pages still resident",
          v2.resident - v0.resident);
}

/* A refused brk changes nothing: the break, and fork still works. */
static void test_brkrefused(void)
{
    char *b0 = sbrk(0);
    EXPECT_ERR(sbrk((256L << 30) - 4 * MiB - (long)b0), ENOMEM); /* into the stack's reserve */
    CHECK(sbrk(0) == b0, "refused brk moved the break");
    int pid = xfork();
    if (pid == 0)
        _exit(5);
    CHECK(wait_exit(pid) == 5, "fork after a refused brk");
    char *p = sbrk(PAGE);
    CHECK(p == b0, "sbrk after a refused one");
    p[0] = 1;
    CHECK(sbrk(-(long)PAGE) == b0 + PAGE, "shrink");
}

/* exec reads the program in as it runs: some pages from the file, not all. */
static void test_execlazy(void)
{
    int pid = xfork();
    if (pid == 0) {
        char *argv[] = {self_path, "--exec-faults", 0};
        execv(self_path, argv);
        fail("execv: %s", errname(errno));
    }
    int s = wait_exit(pid);
    CHECK(s == 42, "exec'd program: %s",
          s == 4   ? "no major fault"
          : s == 5 ? "whole file resident"
                   : "vminfo/stat failed");
}

static void copy_file(const char *from, const char *to)
{
    static char buf[8192];
    int in = xopen(from, O_RDONLY), out = xopen(to, O_WRONLY | O_CREAT | O_TRUNC);
    long n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        xwrite(out, buf, n);
    CHECK(n == 0, "reading %s: %s", from, errname(errno));
    close(in);
    close(out);
}

/* A program whose file is truncated under it dies of SIGBUS at the missing pages. */
static void test_execbus(void)
{
    copy_file(self_path, "prog");
    int up[2], down[2];
    OK(pipe(up));
    OK(pipe(down));
    int pid = xfork();
    if (pid == 0) {
        char s1[16], s2[16];
        snprintf(s1, sizeof(s1), "%d", up[1]);
        snprintf(s2, sizeof(s2), "%d", down[0]);
        char *argv[] = {"prog", "--exec-bus", s1, s2, 0};
        execv("prog", argv);
        fail("execv: %s", errname(errno));
    }
    char c;
    xread(up[0], &c, 1);
    int fd = xopen("prog", O_WRONLY);
    OK(ftruncate(fd, PAGE));
    close(fd);
    xwrite(down[1], "t", 1);
    int sig = wait_signal(pid);
    CHECK(sig == SIGBUS, "killed by signal %d, not SIGBUS", sig);
}

static const struct ut_test vm_tests[] = {
    {"cowcount", test_cowcount, UT_QUICK, 0, UT_QUILL_ONLY},
    {"sbrklazy", test_sbrklazy, UT_QUICK, 0, UT_QUILL_ONLY},
    {"brkrefused", test_brkrefused, UT_QUICK, 0, UT_QUILL_ONLY},
    {"execlazy", test_execlazy, UT_QUICK, 0, UT_QUILL_ONLY},
    {"execbus", test_execbus, UT_QUICK, 0, UT_QUILL_ONLY},
};
UT_REGISTER(vm_tests);
#endif
