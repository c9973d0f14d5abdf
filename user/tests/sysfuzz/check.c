/*
 * After the run: the kernel is alive (fork and exec work, a file can be
 * written and read back) and every frame is back (memfree as before the
 * run, the fuzzer's own heap growth excepted; frames held by partly used
 * slab pages pass by the verdict usertests uses too, <quill/memcheck.h>);
 * then the summary.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <quill/memcheck.h>
#include <quill/syscall.h>
#include "abi/procinfo.h"
#include "abi/vminfo.h"
#include "fuzz.h"

void check_alive(void)
{
    int pid = fork();
    if (pid == 0) {
        char *argv[] = {"true", NULL};
        execv("/bin/true", argv);
        _exit(127);
    }
    int st = -1;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        parent_failure("fork and exec of /bin/true failed afterwards (status %#x)", st);
    char path[64], buf[8];
    snprintf(path, sizeof(path), "%s.alive", parent_root_dir);
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "alive", 5) != 5 || pread(fd, buf, 5, 0) != 5 ||
        memcmp(buf, "alive", 5) != 0)
        parent_failure("cannot write and read back a file afterwards");
    if (fd >= 0)
        close(fd);
    unlink(path);
}

/* Bytes of user memory this process has mapped (its heap grows as stdio and
 * opendir need it: those frames are the fuzzer's, not a leak). */
long check_own_size(void)
{
    static struct procinfo ps[128];
    int n = getprocs(ps, 128);
    for (int i = 0; i < n; i++)
        if (ps[i].pid == getpid())
            return (long)ps[i].size;
    return 0;
}

long check_memfree(void)
{
    struct vmstat vs;
    long cached = vmstat(&vs) == 0 ? (long)(vs.page_cache - vs.cache_mapped) : 0;
    return memfree() + cached;
}

/* Free frames plus the frames the fuzzer's own growth took since `base_size`. */
static long frames_free(long base_size)
{
    return check_memfree() + (check_own_size() - base_size) / 4096;
}

/* Free frames once every process the run made is gone (init reaps orphans). */
long check_settled_memfree(long want, long base_size)
{
    long m = frames_free(base_size);
    for (int i = 0; i < 100 && m < want; i++) {
        parent_msleep(50);
        m = frames_free(base_size);
    }
    return m;
}

static struct vmstat kmem[2];
static struct memcheck held[2];

void check_kernel_mem(int when, long frames)
{
    vmstat(&kmem[when]);
    if (memcheck_take(&held[when], frames) != 0)
        held[when] = (struct memcheck){frames, 0, 0};
}

bool check_mem_held(void)
{
    char why[256];
    if (!memcheck_held(&held[0], &held[1]))
        return false;
    memcheck_explain(why, sizeof(why), &held[0], &held[1]);
    printf("sysfuzz: memfree: %s: no leak\n", why);
    return true;
}

/* Touch what the run will use once, so that caches the kernel fills on first use
 * (the process table's frame, stdio's buffers) are not counted as leaks. */
void check_warm_up(void)
{
    struct options o = {12345, 50, 0, 1, 50, -1, 0};
    bool t = child_tracing;
    child_tracing = false;
    parent_run(&o);
    child_tracing = t;
    check_alive();
    parent_tot = (struct totals){0};
}

void check_report(const struct options *o, long secs, long before, long after, long base_size)
{
    int skipped = 0;
    printf("sysfuzz: seed %llu: %ld calls in %ld children, %ld s (%ld ended by their own calls, "
           "%ld by a signal they caused, %ld killed while blocked, %ld overran)\n",
           (unsigned long long)o->seed, parent_tot.calls, parent_tot.children, secs,
           parent_tot.exits, parent_tot.by_signal, parent_tot.blocked, parent_tot.overran);
    printf("sysfuzz: signals that ended children:");
    for (int i = 1; i < 64; i++)
        if (parent_tot.signals[i])
            printf(" %d (%ld)", i, parent_tot.signals[i]);
    printf("\nsysfuzz: calls (made/succeeded):");
    for (int i = 0; i <= table_ncalls; i++) {
        if (i < table_ncalls && (table_calls[i].flags & H_SKIP)) {
            skipped++;
            continue;
        }
        printf("%s %s %ld/%ld", i % 6 ? "" : "\n ",
               i < table_ncalls ? table_calls[i].name : "(unknown nr)", parent_tot.made[i],
               parent_tot.ok[i]);
    }
    printf("\nsysfuzz: %d calls in the table, %d skipped:", table_ncalls, skipped);
    for (int i = 0; i < table_ncalls; i++)
        if (table_calls[i].flags & H_SKIP)
            printf(" %s (%s)", table_calls[i].name, table_calls[i].why);
    printf("\nsysfuzz: free frames: %ld before, %ld after (the fuzzer's own growth: %ld KiB)\n",
           before, after, (check_own_size() - base_size) / 1024);
    printf("sysfuzz: slab frames: %lu before, %lu after (the reverse map's: %lu, %lu; its chained "
           "items: %lu, %lu)\n",
           kmem[0].slab_frames, kmem[1].slab_frames, kmem[0].rmap_frames, kmem[1].rmap_frames,
           kmem[0].rmap_chained, kmem[1].rmap_chained);
}
