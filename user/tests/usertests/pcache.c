/*
 * usertests, the page cache: one frame per page of a file, shared by every
 * mapping and by read()/write().
 *
 *   pcache-text      two separately exec'd copies of a program map the same
 *                    frames for its text (their page tables, through vmwalk)
 *   pcache-rw        a MAP_SHARED mapping and read()/write() of the same file
 *                    see each other's changes at once, without msync
 *   pcache-mappers   two processes that map the file on their own (not a
 *                    fork's copy) see each other's stores
 *   pcache-private   a MAP_PRIVATE write stays in that mapping: not in the
 *                    file, not in another mapping, not in another process
 *   pcache-truncate  truncation under a mapping: SIGBUS past the new end, the
 *                    tail of the last page zero, and zero again after growing
 *   pcache-msync     msync's EINVAL and ENOMEM; MS_INVALIDATE: other shared
 *                    mappings show write() and stores, a private copy keeps
 *                    its own write
 *   pcache-fsync     fsync cleans (writes back) the dirty pages of every
 *                    process's shared mapping of the file, and a later store
 *                    dirties the page again
 *   pcache-evict     dirty shared pages pushed out by the swap daemon reach
 *                    the file and come back intact
 *   pcache-free      the cache keeps a file's pages while it is open and gives
 *                    every frame back when it is closed and unlinked
 *   pcache-noslab    caching 256 pages takes no slab object or slab frame (the
 *                    entries are in the frames' struct pages)
 */
#include "ut.h"

#define NPAGES 8

/* A file of n pages holding the pattern `seed`, open read-write. */
static int pattern_file(const char *name, long n, int seed)
{
    unsigned char *buf = malloc(n);
    CHECK(buf != NULL, "malloc");
    pattern(buf, n, 0, seed);
    int fd = xopen(name, O_CREAT | O_TRUNC | O_RDWR);
    xwrite(fd, buf, n);
    free(buf);
    return fd;
}

static void test_pcache_rw(void)
{
    int fd = pattern_file("f", NPAGES * PAGE, 3);
    char *p = xmmap(0, NPAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(pattern_diff((unsigned char *)p, NPAGES * PAGE, 0, 3) < 0, "mapping differs from file");
    /* A store through the mapping: read() sees it, before any msync. */
    memcpy(p + 2 * PAGE + 100, "stored", 6);
    char buf[16] = {0};
    CHECK(pread(fd, buf, 6, 2 * PAGE + 100) == 6 && memcmp(buf, "stored", 6) == 0,
          "read() did not see a store to the shared mapping (got \"%.6s\")", buf);
    /* write(): the mapping sees it, in a page mapped already and in a new one. */
    CHECK(pwrite(fd, "written", 7, 2 * PAGE + 200) == 7, "pwrite");
    CHECK(memcmp(p + 2 * PAGE + 200, "written", 7) == 0, "mapping did not see write()");
    CHECK(pwrite(fd, "later", 5, 5 * PAGE + 1) == 5, "pwrite");
    CHECK(memcmp(p + 5 * PAGE + 1, "later", 5) == 0, "new page did not show write()");
    /* Both kinds of change are in the file after munmap (and nothing else). */
    OK(munmap(p, NPAGES * PAGE));
    close(fd);
    char *back = malloc(NPAGES * PAGE + 1);
    CHECK(back != NULL, "malloc");
    CHECK(read_file("f", back, NPAGES * PAGE + 1) == NPAGES * PAGE, "file size changed");
    CHECK(memcmp(back + 2 * PAGE + 100, "stored", 6) == 0, "store lost at munmap");
    CHECK(memcmp(back + 2 * PAGE + 200, "written", 7) == 0, "write() lost");
    memcpy(back + 2 * PAGE + 100, "\0\0\0\0\0\0", 6);
    long d = pattern_diff((unsigned char *)back + 2 * PAGE + 300, PAGE, 2 * PAGE + 300, 3);
    CHECK(d < 0, "byte %ld of page 2 changed", d);
    free(back);
    OK(unlink("f"));
}

/* One byte through a pipe (a step of the two processes' dance). */
static void step_send(int fd)
{
    char c = 's';
    CHECK(write(fd, &c, 1) == 1, "pipe write");
}

static void step_wait(int fd)
{
    char c;
    CHECK(read(fd, &c, 1) == 1, "pipe read");
}

static void test_pcache_mappers(void)
{
    int fd = pattern_file("f", 2 * PAGE, 5);
    close(fd);
    int to_child[2], to_parent[2];
    OK(pipe(to_child));
    OK(pipe(to_parent));
    int pid = xfork();
    if (pid == 0) { /* maps the file itself: nothing shared through fork */
        int cfd = xopen("f", O_RDWR);
        volatile char *q = xmmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
        step_wait(to_child[0]); /* the parent has mapped it too */
        q[PAGE + 7] = 'C';
        step_send(to_parent[1]);
        step_wait(to_child[0]);
        _exit(q[8] == 'P' ? 0 : 3);
    }
    fd = xopen("f", O_RDWR);
    volatile char *p = xmmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    (void)p[PAGE + 7]; /* both pages in before the child's store */
    step_send(to_child[1]);
    step_wait(to_parent[0]);
    CHECK(p[PAGE + 7] == 'C', "the other process's store is not seen (%d)", p[PAGE + 7]);
    p[8] = 'P';
    step_send(to_child[1]);
    CHECK(wait_exit(pid) == 0, "the other process did not see this one's store");
    OK(munmap((void *)p, 2 * PAGE));
    close(fd);
    for (int i = 0; i < 2; i++)
        close(to_child[i]), close(to_parent[i]);
    OK(unlink("f"));
}

static void test_pcache_private(void)
{
    int fd = pattern_file("f", 2 * PAGE, 7);
    char *shared = xmmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *priv = xmmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    (void)priv[0]; /* mapped from the cache first, then written */
    priv[0] ^= 0x55;
    priv[PAGE + 1] = 'x'; /* written at the first touch */
    unsigned char b;
    CHECK(pread(fd, &b, 1, 0) == 1 && b == (unsigned char)shared[0], "cache and file disagree");
    CHECK(pattern_diff((unsigned char *)shared, 2 * PAGE, 0, 7) < 0,
          "a private write reached the shared mapping");
    CHECK(pattern_diff((unsigned char *)priv + 1, PAGE - 1, 1, 7) < 0,
          "the private copy lost the file's other bytes");
    int pid = xfork();
    if (pid == 0) {
        int cfd = xopen("f", O_RDONLY);
        char *q = xmmap(0, 2 * PAGE, PROT_READ, MAP_PRIVATE, cfd, 0);
        _exit(pattern_diff((unsigned char *)q, 2 * PAGE, 0, 7) < 0 ? 0 : 3);
    }
    CHECK(wait_exit(pid) == 0, "another process saw a private write");
    OK(munmap(priv, 2 * PAGE));
    OK(munmap(shared, 2 * PAGE));
    close(fd);
    static char back[2 * PAGE + 1];
    CHECK(read_file("f", back, sizeof(back)) == 2 * PAGE, "size");
    CHECK(pattern_diff((unsigned char *)back, 2 * PAGE, 0, 7) < 0,
          "a private write reached the file");
    OK(unlink("f"));
}

static void test_pcache_truncate(void)
{
    int fd = pattern_file("f", 3 * PAGE, 9);
    char *p = xmmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    p[2 * PAGE + 5] = 'z'; /* all three pages mapped, the last one dirty */
    long cut = PAGE + PAGE / 2;
    OK(ftruncate(fd, cut));
    CHECK(touch_signal(p + 2 * PAGE, 0) == SIGBUS, "a page past the new end did not SIGBUS");
    CHECK(touch_signal(p + 2 * PAGE, 1) == SIGBUS, "a store past the new end did not SIGBUS");
    CHECK(pattern_diff((unsigned char *)p, cut, 0, 9) < 0, "bytes below the new end changed");
    for (long i = cut; i < 2 * (long)PAGE; i++)
        CHECK(p[i] == 0, "byte %ld past the new end reads %d, not 0", i, p[i]);
    /* A store past the end in the last page is no file data: growing the
     * file again shows zeros there, and the cut page comes back zero. */
    p[cut + 10] = 'g';
    OK(ftruncate(fd, 3 * PAGE));
    CHECK(p[cut + 10] == 0 && p[2 * PAGE + 5] == 0, "grown file shows old bytes (%d, %d)",
          p[cut + 10], p[2 * PAGE + 5]);
    char b = 1;
    CHECK(pread(fd, &b, 1, cut + 10) == 1 && b == 0, "file has a byte stored past its end");
    OK(munmap(p, 3 * PAGE));
    close(fd);
    OK(unlink("f"));
}

static void test_pcache_msync(void)
{
    int fd = pattern_file("f", 2 * PAGE, 19);
    char *a = xmmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *b = xmmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *c = xmmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    /* POSIX's EINVAL: both ASYNC and SYNC, an unknown flag, an unaligned
     * address; ENOMEM for a range with unmapped pages. */
    CHECK(msync(a, PAGE, MS_ASYNC | MS_SYNC) == -1 && errno == EINVAL, "ASYNC|SYNC: %d", errno);
    CHECK(msync(a, PAGE, 0x100) == -1 && errno == EINVAL, "an unknown flag: %d", errno);
    CHECK(msync(a + 1, PAGE, MS_SYNC) == -1 && errno == EINVAL, "unaligned: %d", errno);
    OK(munmap(b + PAGE, PAGE));
    CHECK(msync(b, 2 * PAGE, MS_SYNC) == -1 && errno == ENOMEM, "a hole: %d", errno);
    OK(munmap(b, PAGE));
    b = xmmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    (void)((volatile char *)b)[PAGE];
    c[0] = 'p';                       /* a private copy of page 0 */
    (void)((volatile char *)c)[PAGE]; /* page 1: the file's, read-only */
    /* The file changes through write() and through mapping a. */
    CHECK(pwrite(fd, "new", 3, 1) == 3, "pwrite");
    CHECK(pwrite(fd, "more", 4, PAGE + 1) == 4, "pwrite");
    memcpy(a + PAGE + 10, "viaA", 4);
    /* MS_INVALIDATE: every other mapping sees the file's current contents
     * (over one coherent cache they did already); a private page written
     * before keeps its own bytes. */
    OK(msync(b, 2 * PAGE, MS_INVALIDATE));
    OK(msync(a, 2 * PAGE, MS_SYNC | MS_INVALIDATE));
    OK(msync(c, 2 * PAGE, MS_ASYNC | MS_INVALIDATE));
    CHECK(memcmp(b + 1, "new", 3) == 0 && memcmp(b + PAGE + 1, "more", 4) == 0,
          "another shared mapping misses write()");
    CHECK(memcmp(b + PAGE + 10, "viaA", 4) == 0, "another shared mapping misses a store");
    CHECK(c[0] == 'p' && memcmp(c + 1, "new", 3) != 0, "the private copy lost its write");
    CHECK(memcmp(c + PAGE + 1, "more", 4) == 0 && memcmp(c + PAGE + 10, "viaA", 4) == 0,
          "an unwritten private page does not show the file");
    OK(munmap(a, 2 * PAGE));
    OK(munmap(b, 2 * PAGE));
    OK(munmap(c, 2 * PAGE));
    close(fd);
    OK(unlink("f"));
}

#if QUILL
/* The physical frame of every text page (X, level 0) of process pid, by va. */
#define MAXTEXT 512
static int text_frames(int pid, unsigned long *va, unsigned long *ppn)
{
    static struct vmpte ptes[4096];
    int n = vmwalk(pid, ptes, 4096), k = 0;
    for (int i = 0; i < n && i < 4096 && k < MAXTEXT; i++) {
        if (ptes[i].level != 0 || !(ptes[i].pte & 1) || !(ptes[i].pte & 8))
            continue; /* not a valid leaf, or not executable */
        va[k] = ptes[i].va;
        ppn[k++] = ptes[i].pte >> 10;
    }
    return k;
}

/* Run /bin/cat reading from a pipe that stays empty: it waits in read(). */
static int start_cat(int in)
{
    int pid = xfork();
    if (pid == 0) {
        dup2(in, 0);
        char *argv[] = {"cat", 0};
        execv("/bin/cat", argv);
        _exit(99);
    }
    return pid;
}

static void test_pcache_text(void)
{
    int pp[2];
    OK(pipe(pp));
    int a = start_cat(pp[0]), b = start_cat(pp[0]);
    static unsigned long va_a[MAXTEXT], pn_a[MAXTEXT], va_b[MAXTEXT], pn_b[MAXTEXT];
    int na = 0, nb = 0;
    for (int i = 0; i < 200; i++) { /* until both wait in read() with their text in */
        msleep(20);
        int ka = text_frames(a, va_a, pn_a), kb = text_frames(b, va_b, pn_b);
        if (ka > 0 && ka == na && kb > 0 && kb == nb)
            break;
        na = ka, nb = kb;
    }
    /* The walks and the cache's count are one picture only if no frame was
     * reclaimed in between (the swap daemon may still be at work after an
     * earlier test): measure again until none was. */
    int same = 0, differ = 0;
    struct vmstat vs, v0;
    for (int tries = 0; tries < 20; tries++) {
        OK(vmstat(&v0));
        na = text_frames(a, va_a, pn_a), nb = text_frames(b, va_b, pn_b);
        same = differ = 0;
        for (int i = 0; i < na; i++)
            for (int j = 0; j < nb; j++)
                if (va_a[i] == va_b[j])
                    same += pn_a[i] == pn_b[j], differ += pn_a[i] != pn_b[j];
        OK(vmstat(&vs));
        if (vs.evictions == v0.evictions && vs.kswapd_freed == v0.kswapd_freed &&
            vs.direct_freed == v0.direct_freed)
            break;
        msleep(50);
    }
    kill(a, SIGKILL);
    kill(b, SIGKILL);
    wait_signal(a);
    wait_signal(b);
    close(pp[0]);
    close(pp[1]);
    CHECK(na > 0 && nb > 0, "no text pages in the page tables (%d, %d)", na, nb);
    /* A segment's partial first or last page is a private copy (its bytes
     * beyond the segment are not the program's); every other page is shared. */
    CHECK(same >= 1 && differ <= 2, "text pages at the same address: %d in one frame, %d in two",
          same, differ);
    CHECK(vs.cache_mapped >= (unsigned long)same,
          "vmstat: %lu mapped cache frames, %d shared (evictions %lu..%lu, freed %lu..%lu)",
          vs.cache_mapped, same, v0.evictions, vs.evictions, v0.kswapd_freed + v0.direct_freed,
          vs.kswapd_freed + vs.direct_freed);
}

static void test_pcache_evict(void)
{
    const long n = 64 * PAGE;
    int fd = pattern_file("f", n, 0);
    unsigned char *p = (unsigned char *)xmmap(0, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    pattern(p, n, 0, 11); /* every page dirty in the cache, the file still old */
    struct vmstat v0, v1;
    OK(vmstat(&v0));
    /* Watermarks the daemon cannot reach: it evicts whatever it can. */
    unsigned long high = v0.free + 4096 < v0.frames ? v0.free + 4096 : v0.frames - 1;
    unsigned long low = v0.free + 2048 < high ? v0.free + 2048 : high - 1;
    OK(vm_tune("high", high));
    OK(vm_tune("low", low));
    long t0 = now_ns();
    do {
        msleep(20);
        OK(vmstat(&v1));
    } while (v1.writebacks < v0.writebacks + 64 && now_ns() - t0 < 5000000000L);
    OK(vm_tune("low", v0.low));
    OK(vm_tune("high", v0.high));
    CHECK(v1.writebacks > v0.writebacks, "the daemon wrote no dirty shared page back");
    /* Read back through read() (the cache or the disk) and the mapping. */
    unsigned char *back = malloc(n + 1);
    CHECK(back != NULL, "malloc");
    CHECK(pread(fd, back, n, 0) == n, "pread");
    long d = pattern_diff(back, n, 0, 11);
    CHECK(d < 0, "read() after eviction: byte %ld differs", d);
    d = pattern_diff(p, n, 0, 11);
    CHECK(d < 0, "mapping after eviction: byte %ld differs", d);
    OK(munmap(p, n));
    close(fd);
    CHECK(read_file("f", (char *)back, n + 1) == n, "size");
    d = pattern_diff(back, n, 0, 11);
    CHECK(d < 0, "file after eviction and munmap: byte %ld differs", d);
    free(back);
    OK(unlink("f"));
}

/* The D bit of pid's leaf PTE for va: 1 set, 0 clear, -1 not mapped now. */
static int pte_dirty(int pid, unsigned long va)
{
    static struct vmpte ptes[4096];
    int n = vmwalk(pid, ptes, 4096);
    for (int i = 0; i < n && i < 4096; i++)
        if (ptes[i].level == 0 && ptes[i].va == va && (ptes[i].pte & 1))
            return (ptes[i].pte & 0x80) != 0;
    return -1;
}

/* fsync writes back the pages that every process's shared mapping dirtied:
 * here, one of this process's and one of another's (which opened and
 * mapped the file itself), seen through the PTEs' D bits.  That they reach
 * the disk is checked by a power cut (tests/test_crash.py, /bin/mapsync). */
static void test_pcache_fsync(void)
{
    int fd = pattern_file("f", 4 * PAGE, 23);
    close(fd);
    int to_child[2], to_parent[2];
    OK(pipe(to_child));
    OK(pipe(to_parent));
    int pid = xfork();
    if (pid == 0) {
        int cfd = xopen("f", O_RDWR);
        char *q = xmmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
        q[PAGE + 5] = 'C';
        CHECK(write(to_parent[1], &q, sizeof(q)) == sizeof(q), "write");
        step_wait(to_child[0]);
        _exit(0);
    }
    char *q;
    CHECK(read(to_parent[0], &q, sizeof(q)) == sizeof(q), "read");
    fd = xopen("f", O_RDWR);
    char *p = xmmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    p[2 * PAGE + 6] = 'P';
    unsigned long mine = (unsigned long)p + 2 * PAGE, theirs = (unsigned long)q + PAGE;
    /* (-1: the swap daemon took the page meanwhile, and wrote it back) */
    int d0 = pte_dirty(getpid(), mine), d1 = pte_dirty(pid, theirs);
    CHECK(d0 != 0 && d1 != 0, "a store left D clear (%d, %d)", d0, d1);
    OK(fsync(fd));
    d0 = pte_dirty(getpid(), mine), d1 = pte_dirty(pid, theirs);
    CHECK(d0 != 1 && d1 != 1, "fsync left dirty pages behind (this process %d, the other %d)", d0,
          d1);
    char b[2] = {0};
    CHECK(pread(fd, b, 1, PAGE + 5) == 1 && pread(fd, b + 1, 1, 2 * PAGE + 6) == 1 && b[0] == 'C' &&
              b[1] == 'P',
          "file has \"%.2s\"", b);
    /* A store after fsync dirties the page again (not lost to a stale TLB
     * entry that still says dirty), and the next fsync cleans it. */
    p[2 * PAGE + 7] = 'Q';
    CHECK(pte_dirty(getpid(), mine) != 0, "a store after fsync left D clear");
    OK(fsync(fd));
    CHECK(pte_dirty(getpid(), mine) != 1, "the second fsync left the page dirty");
    step_send(to_child[1]);
    wait_ok(pid, "the mapper");
    OK(munmap(p, 4 * PAGE));
    close(fd);
    for (int i = 0; i < 2; i++)
        close(to_child[i]), close(to_parent[i]);
    OK(unlink("f"));
}

/* Cache frames that no process maps. */
static long unmapped_cache(void)
{
    struct vmstat vs;
    OK(vmstat(&vs));
    return (long)(vs.page_cache - vs.cache_mapped);
}

static void test_pcache_free(void)
{
    long idle0 = unmapped_cache(), free0 = memfree() + (long)vminfo_self().resident;
    int fd = pattern_file("f", 32 * PAGE, 13);
    char *p = xmmap(0, 32 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
    for (long i = 0; i < 32 * (long)PAGE; i += PAGE)
        (void)((volatile char *)p)[i];
    OK(munmap(p, 32 * PAGE));
    long idle1 = unmapped_cache();
    CHECK(idle1 >= 32, "the open file's 32 pages are not kept (%ld unmapped, %ld before)", idle1,
          idle0);
    close(fd);
    OK(unlink("f"));
    long idle2 = unmapped_cache(), free2 = memfree() + (long)vminfo_self().resident;
    for (int i = 0; i < 50 && free2 < free0 - 2; i++) { /* other harts' caches settle */
        msleep(20);
        free2 = memfree() + (long)vminfo_self().resident;
    }
    CHECK(idle2 <= idle1 - 32, "pages of a closed, unlinked file stay cached (%ld, were %ld)",
          idle2, idle1);
    CHECK(free2 >= free0 - 2, "%ld frames not given back", free0 - free2);
}

/* Caching pages allocates nothing but their frames: each page's entry is in
 * its frame's struct page, so faulting 256 pages of a file into the cache
 * leaves the kernel's slab caches as they were (vmstat).  The region, the
 * page tables and the reverse map are set up before the count (a frame that
 * one PTE maps keeps its reverse map in its struct page too); what else the
 * kernel does meanwhile (the swap daemon, another hart) may take or give
 * back a few objects, nowhere near one per page. */
static void test_pcache_noslab(void)
{
    const long n = 256;
    int fd = pattern_file("f", n * PAGE, 29);
    volatile char *p = xmmap(0, n * PAGE, PROT_READ, MAP_SHARED, fd, 0);
    (void)p[0]; /* the page tables' first pages, and the file's first page */
    struct vmstat v0, v1;
    OK(vmstat(&v0));
    for (long i = 1; i < n; i++)
        (void)p[i * PAGE];
    OK(vmstat(&v1));
    long cached = (long)v1.page_cache - (long)v0.page_cache;
    long objects = (long)v1.slab_objects - (long)v0.slab_objects;
    long frames = (long)v1.slab_frames - (long)v0.slab_frames;
    CHECK(cached >= n - 1, "only %ld pages came into the cache", cached);
    CHECK(objects < 16 && frames <= 1,
          "caching %ld pages took %ld slab objects and %ld slab frames", cached, objects, frames);
    printf("pcache-noslab: %ld pages cached: slab objects %+ld, slab frames %+ld\n", cached,
           objects, frames);
    OK(munmap((void *)p, n * PAGE));
    close(fd);
    OK(unlink("f"));
}
#endif

static const struct ut_test pcache_tests[] = {
    {"pcache-rw", test_pcache_rw, UT_QUICK, 0, UT_ANY},
    {"pcache-mappers", test_pcache_mappers, UT_QUICK, 0, UT_ANY},
    {"pcache-private", test_pcache_private, UT_QUICK, 0, UT_ANY},
    {"pcache-truncate", test_pcache_truncate, UT_QUICK, 0, UT_ANY},
    {"pcache-msync", test_pcache_msync, UT_QUICK, 0, UT_ANY},
#if QUILL
    {"pcache-text", test_pcache_text, UT_QUICK, 0, UT_QUILL_ONLY},
    {"pcache-fsync", test_pcache_fsync, UT_QUICK, 0, UT_QUILL_ONLY},
    /* (before pcache-evict: every process refaults what the daemon took) */
    {"pcache-free", test_pcache_free, UT_QUICK, 0, UT_QUILL_ONLY},
    {"pcache-noslab", test_pcache_noslab, UT_QUICK, 0, UT_QUILL_ONLY},
    {"pcache-evict", test_pcache_evict, UT_QUICK, 0, UT_QUILL_ONLY},
#endif
};
UT_REGISTER(pcache_tests);
