/*
 * Self-test of the block layer and the virtio-blk driver on the LAST block
 * device (the test harness attaches a scratch disk last).  The test area
 * (the first TEST_SECTORS sectors) is saved first and written back at the
 * end, so running it on a disk that holds a file system is harmless.
 *
 *   1. NTHREADS threads start together; each owns every NTHREADS-th unit of
 *      UNIT_SECTORS sectors and writes a pattern unique to (sector, run) into
 *      it, as one multi-sector write or as single-sector writes.  There are
 *      more threads than request slots in a queue, so requests pile up on
 *      the device and some callers must wait for free descriptors.
 *   2. Each thread reads its units back in the other shape and verifies.
 *   3. The test thread reads the whole area in one call (the driver splits
 *      it into several requests) and verifies every sector.
 *   4. Bad requests fail with -EINVAL: past the end, straddling the end, not
 *      a sector multiple, an overflowing sector number, a stack buffer.
 *   5. A flush succeeds.
 *
 * The device's in-flight peak (blockdev stats) must be at least 2, or the
 * driver serializes requests.
 */
#include "test/selftest.h"
#include "dev/blockdev.h"
#include "fs/fs.h"
#include "abi/errno.h"
#include "arch/riscv/timer.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/page.h"
#include "proc/sched.h"
#include "proc/thread.h"

#define NTHREADS 32
#define UNIT_SECTORS 8 /* one 4 KiB page */
#define TEST_SECTORS 1024
#define TEST_ORDER 7 /* 2^7 pages = TEST_SECTORS sectors */
#define NUNITS (TEST_SECTORS / UNIT_SECTORS)

STATIC_ASSERT(PAGE_SIZE == UNIT_SECTORS * SECTOR_SIZE);
STATIC_ASSERT((PAGE_SIZE << TEST_ORDER) == TEST_SECTORS * SECTOR_SIZE);

struct disk_worker {
    struct blockdev *bd;
    int index;
    uint64_t gen;
    const char *error; /* NULL if all went well */
};

static volatile bool go;

static uint64_t pattern_word(uint64_t sector, unsigned word, uint64_t gen)
{
    return (sector * 0x9E3779B97F4A7C15UL) ^ ((uint64_t)word << 48) ^ gen;
}

static void pattern_fill(void *buf, uint64_t sector, unsigned nsect, uint64_t gen)
{
    uint64_t *w = buf;
    for (unsigned s = 0; s < nsect; s++)
        for (unsigned i = 0; i < SECTOR_SIZE / 8; i++)
            *w++ = pattern_word(sector + s, i, gen);
}

/* Index of the first sector that differs, or -1. */
static int pattern_check(const void *buf, uint64_t sector, unsigned nsect, uint64_t gen)
{
    const uint64_t *w = buf;
    for (unsigned s = 0; s < nsect; s++)
        for (unsigned i = 0; i < SECTOR_SIZE / 8; i++)
            if (*w++ != pattern_word(sector + s, i, gen))
                return (int)s;
    return -1;
}

/* Unit u as one request if whole, else sector by sector. */
static int unit_io(struct disk_worker *w, char *page, uint64_t sector, bool whole, bool write)
{
    if (whole)
        return write ? blockdev_write(w->bd, sector, page, PAGE_SIZE)
                     : blockdev_read(w->bd, sector, page, PAGE_SIZE);
    for (int s = 0; s < UNIT_SECTORS; s++) {
        char *p = page + s * SECTOR_SIZE;
        int r = write ? blockdev_write(w->bd, sector + s, p, SECTOR_SIZE)
                      : blockdev_read(w->bd, sector + s, p, SECTOR_SIZE);
        if (r != 0)
            return r;
    }
    return 0;
}

static void disk_worker_run(void *arg)
{
    struct disk_worker *w = arg;
    char *page = page_alloc(0);
    if (!page) {
        w->error = "out of memory";
        return;
    }
    while (!READ_ONCE(go))
        sched_yield();
    for (int u = w->index; u < NUNITS && !w->error; u += NTHREADS) {
        uint64_t sector = (uint64_t)u * UNIT_SECTORS;
        pattern_fill(page, sector, UNIT_SECTORS, w->gen);
        if (unit_io(w, page, sector, u % 2 == 0, true) != 0)
            w->error = "write failed";
    }
    for (int u = w->index; u < NUNITS && !w->error; u += NTHREADS) {
        uint64_t sector = (uint64_t)u * UNIT_SECTORS;
        memset(page, 0xa5, PAGE_SIZE);
        if (unit_io(w, page, sector, u % 2 != 0, false) != 0)
            w->error = "read failed";
        else if (pattern_check(page, sector, UNIT_SECTORS, w->gen) >= 0)
            w->error = "read back wrong data";
    }
    page_free(page, 0);
}

/* Phase 1 and 2: the concurrent writers/readers.  NULL or the first error. */
static const char *run_workers(struct blockdev *bd, uint64_t gen)
{
    static struct disk_worker workers[NTHREADS];
    struct thread *t[NTHREADS];
    const char *error = NULL;
    go = false;
    for (int i = 0; i < NTHREADS; i++)
        workers[i] = (struct disk_worker){.bd = bd, .index = i, .gen = gen};
    int n = selftest_spawn(t, NTHREADS, "disktest", disk_worker_run, workers, sizeof(workers[0]));
    if (n < NTHREADS)
        error = "cannot create threads";
    __atomic_store_n(&go, true, __ATOMIC_SEQ_CST);
    for (int i = 0; i < n; i++) {
        thread_join(t[i]);
        if (workers[i].error && !error)
            error = workers[i].error;
    }
    return error;
}

/* Phase 4: requests the block layer must refuse.  NULL or what went wrong. */
static const char *check_bad_requests(struct blockdev *bd, char *buf)
{
    char stack_buf[SECTOR_SIZE];
    if (blockdev_read(bd, bd->nsectors, buf, SECTOR_SIZE) != -EINVAL)
        return "read past the end not refused";
    if (blockdev_write(bd, bd->nsectors - 1, buf, 2 * SECTOR_SIZE) != -EINVAL)
        return "write straddling the end not refused";
    if (blockdev_read(bd, 0, buf, 100) != -EINVAL)
        return "read of 100 bytes not refused";
    if (blockdev_read(bd, ~0UL - 1, buf, 4 * SECTOR_SIZE) != -EINVAL)
        return "overflowing sector number not refused";
    printf("selftest disk: (a 'not direct-map' complaint follows, on purpose)\n");
    if (blockdev_read(bd, 0, stack_buf, SECTOR_SIZE) != -EINVAL)
        return "stack buffer not refused";
    return NULL;
}

/* Phases 1-5 on the test area; backup holds its original contents. */
static const char *disk_exercise(struct blockdev *bd, char *big, uint64_t gen)
{
    const char *error = run_workers(bd, gen);
    if (error)
        return error;
    memset(big, 0, TEST_SECTORS * SECTOR_SIZE);
    if (blockdev_read(bd, 0, big, TEST_SECTORS * SECTOR_SIZE) != 0)
        return "whole-area read failed";
    int bad = pattern_check(big, 0, TEST_SECTORS, gen);
    if (bad >= 0) {
        printf("selftest disk: sector %d is wrong\n", bad);
        return "whole-area read back wrong data";
    }
    if ((error = check_bad_requests(bd, big)) != NULL)
        return error;
    if (blockdev_flush(bd) != 0)
        return "flush failed";
    return NULL;
}

int disk_selftest(void)
{
    int n = blockdev_count();
    struct blockdev *bd = n > 0 ? blockdev_get(n - 1) : NULL;
    if (!bd) {
        printf("selftest disk: SKIP (no disk)\n");
        return 0;
    }
    if (root_fs && root_fs->dev == bd) {
        printf("selftest disk: SKIP (%s holds the mounted file system; attach a scratch disk)\n",
               bd->name);
        return 0;
    }
    if (bd->read_only || bd->nsectors < TEST_SECTORS) {
        printf("selftest disk: SKIP (%s is read-only or smaller than %d sectors)\n", bd->name,
               TEST_SECTORS);
        return 0;
    }
    char *backup = page_alloc(TEST_ORDER), *big = page_alloc(TEST_ORDER);
    const char *error = NULL;
    if (!backup || !big) {
        error = "out of memory";
        goto out_free;
    }
    if (blockdev_read(bd, 0, backup, TEST_SECTORS * SECTOR_SIZE) != 0) {
        error = "cannot save the test area";
        goto out_free;
    }
    uint64_t t0 = timer_now_ns();
    bd->stats.max_inflight = 0;
    uint64_t waits0 = bd->stats.slot_waits;
    error = disk_exercise(bd, big, t0 | 1);
    uint64_t ms = (timer_now_ns() - t0) / 1000000;
    unsigned peak = bd->stats.max_inflight;
    if (blockdev_write(bd, 0, backup, TEST_SECTORS * SECTOR_SIZE) != 0 && !error)
        error = "cannot restore the test area";
    if (!error && peak < 2)
        error = "never more than one request in flight";
    if (!error)
        printf("selftest disk: PASS (%s, %d threads, %d sectors, max %u in flight, %lu waits "
               "for a slot, %lu ms)\n",
               bd->name, NTHREADS, TEST_SECTORS, peak, bd->stats.slot_waits - waits0, ms);
out_free:
    if (backup)
        page_free(backup, TEST_ORDER);
    if (big)
        page_free(big, TEST_ORDER);
    if (error)
        printf("selftest disk: FAIL: %s (%s)\n", error, bd->name);
    return error ? -1 : 0;
}
