/*
 * The generator and the arguments drawn from it.  Each child has its own
 * xorshift64* stream seeded from (seed, child), and the number of draws a
 * call takes never depends on what the kernel returned, so a seed always
 * makes the same calls with the same arguments.
 *
 * Arguments lean on boundaries: words next to powers of two and sign bits;
 * pointers into the child's arena (filled with such words), just before its
 * unmapped end, or bad (NULL, program text, the kernel half, past the user
 * half); paths inside the child's scratch directory (never "..") with odd
 * components, over-long, or unterminated before an unmapped page.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include "fuzz.h"

static uint64_t rng_state;

void gen_seed(uint64_t seed, uint64_t child)
{
    uint64_t z = seed * 0x9e3779b97f4a7c15ULL + child * 0xbf58476d1ce4e5b9ULL + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    rng_state = (z ^ (z >> 31)) | 1;
}

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

uint64_t gen_below(uint64_t n)
{
    return n ? rng() % n : 0;
}
bool gen_chance(int percent)
{
    return gen_below(100) < (uint64_t)percent;
}

/* A word that tends to sit on a boundary. */
long gen_interesting(void)
{
    static const long words[] = {
        0,
        1,
        2,
        3,
        7,
        8,
        15,
        16,
        63,
        64,
        255,
        256,
        511,
        512,
        4095,
        4096,
        4097,
        65535,
        65536,
        999999999,
        1000000000,
        0x7fffffff,
        -0x80000000L,
        0xffffffff,
        0x100000000L,
        -1,
        -2,
        -4096,
        0x7fffffffffffffffL,
        (long)0x8000000000000000UL,
    };
    return gen_chance(75) ? PICK(words) : (long)rng();
}

static void fill(char *p, size_t n)
{
    for (size_t i = 0; i + 8 <= n; i += 8) {
        long w = gen_chance(50) ? (long)gen_below(4) : gen_interesting();
        memcpy(p + i, &w, 8);
    }
}

/* A pointer: into the arena (filled with words), near its end, or bad. */
static long gen_ptr(void)
{
    long sp = (long)__builtin_frame_address(0);
    const long bad[] = {
        0,
        1,
        8,
        0x1000,
        0x10000 /* program text: read-only */,
        0xfff,
        (long)KERNEL_HALF,
        (long)0xffffffc080000000UL,
        (long)0xffffffc080200000UL,
        -1,
        -4096,
        (long)0x8000000000000000UL,
        0x4000000000L /* past Sv39 user */,
        0x3fff000000L /* stack area, far below sp */,
        0x2400000000L /* nothing mapped */,
        (long)MAP_WINDOW /* the mapping window: mapped or not */,
        (long)MAP_WINDOW + 5 * 4096 + 100,
        sp - 65536 /* unused stack */,
        (long)(child_arena + ARENA_SIZE),
        (long)(child_arena + ARENA_SIZE - 1),
    };
    uint64_t r = gen_below(100);
    if (r < 60) {
        size_t off = gen_below(ARENA_SIZE / 2) & (gen_chance(80) ? ~7UL : ~0UL);
        size_t n = ARENA_SIZE - off < 512 ? ARENA_SIZE - off : 512;
        fill(child_arena + off, n);
        return (long)(child_arena + off);
    }
    if (r < 70) {
        size_t back = gen_below(64);
        return (long)(child_arena + ARENA_SIZE - back);
    }
    return PICK(bad);
}

/* A path, written into the arena (or a bad pointer, or a string running off its end). */
static long gen_path(int flags)
{
    static const char *const names[] = {"a", "b", "c", "d", "f", "l", "dir"};
    static const char *const parts[] = {
        ".",
        "",
        "a.b",
        " ",
        "\xff\xfe",
        "\n",
        "-",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",  /* 59 */
        "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", /* 60 */
    };
    static const char *const fixed[] = {"", "/", "/.", "//", "/nonexistent/x", "/bin/sh/x"};
    char *p = child_arena + ARENA_SIZE / 2 + gen_below(8) * 2048;
    uint64_t r = gen_below(100);
    if (r < 8)
        return gen_ptr();
    if (r < 11) { /* unterminated up to an unmapped page */
        char *s = child_arena + ARENA_SIZE - 1 - gen_below(32);
        memset(s, 'a', child_arena + ARENA_SIZE - s);
        return (long)s;
    }
    if (r < 14) { /* longer than PATH_MAX */
        size_t n = 4000 + gen_below(4000);
        n = n > 8190 ? 8190 : n;
        char *s = child_arena + ARENA_SIZE - 8192;
        for (size_t i = 0; i < n; i++)
            s[i] = (i % 8 == 7) ? '/' : 'a';
        s[n] = 0;
        return (long)s;
    }
    if (r < 18) {
        if ((flags & H_EXEC) && gen_chance(50))
            return (long)strcpy(p, "/bin/true");
        return (long)strcpy(p, PICK(fixed));
    }
    size_t len = 0;
    if (r < 40)
        len = (size_t)snprintf(p, 2048, "%s/", child_scratch);
    int n = gen_chance(50) ? 1 : gen_chance(60) ? 2 : 3 + (int)gen_below(2);
    for (int i = 0; i < n && len < 1900; i++) {
        const char *part = gen_chance(75) ? PICK(names) : PICK(parts);
        size_t k = strlen(part);
        memcpy(p + len, part, k);
        len += k;
        if (i + 1 < n || gen_chance(10))
            p[len++] = '/';
    }
    p[len] = 0;
    return (long)p;
}

/* An argv or envp array: strings, bad pointers, maybe no NULL before the end. */
static long gen_strvec(void)
{
    if (gen_chance(15))
        return gen_ptr();
    long *v = (long *)(child_arena + ARENA_SIZE / 4 + gen_below(4) * 1024);
    int n = (int)gen_below(6);
    for (int i = 0; i < n; i++)
        v[i] = gen_chance(80) ? gen_path(0) : gen_ptr();
    if (gen_chance(10)) { /* runs to the arena's end: no terminator */
        long *end = (long *)(child_arena + ARENA_SIZE) - 1;
        *end = (long)"x";
        return (long)end;
    }
    v[n] = 0;
    return (long)v;
}

static long gen_fd(void)
{
    static const long odd[] = {-1,    -2 /* AT_FDCWD */, -100,         1023,        1024,
                               65536, 0x7fffffff,        -0x80000000L, 0x100000003L};
    uint64_t r = gen_below(100);
    long fd = r < 60 ? (long)gen_below(8) : r < 85 ? (long)gen_below(FD_RANGE) : PICK(odd);
    if (fd == REPORT_FD || fd == TRACE_FD)
        fd = 3;
    return fd;
}

static long gen_pid(int flags)
{
    static const long none[] = {32768, 99999, 0x7fffffff, -0x80000000L, 0x100000001L};
    uint64_t r = gen_below(100);
    if (r < 10)
        return getpid();
    if (r < 45 && child_last_fork > 0)
        return child_last_fork;
    if ((flags & H_WAITPID) && r < 70)
        return gen_chance(50) ? -1 : 0;
    return PICK(none);
}

long gen_arg(enum kind k, int flags)
{
    static const long sizes[] = {0,
                                 1,
                                 2,
                                 7,
                                 8,
                                 16,
                                 59,
                                 60,
                                 64,
                                 512,
                                 4095,
                                 4096,
                                 4097,
                                 65536,
                                 0x7fffffff,
                                 0x80000000L,
                                 0x100000000L,
                                 -1,
                                 -4096,
                                 (long)0x8000000000000000UL};
    static const long offsets[] = {0,        1,        511,      512, 4096,  49152,
                                   1L << 22, 1L << 31, 1L << 40, -1,  -4096, 0x7fffffffffffffffL};
    static const long flagbits[] = {0,     1,      2,       3,        0x40,     0x200, 0x400,
                                    0x800, 0x4000, 0x40000, 0x100000, 0x200000, 2,     8};
    switch (k) {
    case K_FD:
        return gen_fd();
    case K_DIRFD:
        return gen_chance(50) ? AT_FDCWD : gen_fd();
    case K_SIZE:
        return gen_chance(70) ? PICK(sizes) : (long)gen_below(9000);
    case K_OFFSET:
        return gen_chance(70) ? PICK(offsets) : (long)gen_below(70000);
    case K_FLAGS: {
        long f = 0;
        for (int i = (int)gen_below(4); i > 0; i--)
            f |= PICK(flagbits);
        return gen_chance(10) ? gen_interesting() : f;
    }
    case K_MODE:
        return gen_chance(80) ? (long)gen_below(010000) : gen_interesting();
    case K_PID:
        return gen_pid(flags);
    case K_SIG:
        return gen_chance(85) ? (long)gen_below(66) : gen_interesting();
    case K_ADDR: {
        long cur = (long)sbrk(0);
        long delta = (long)gen_below(64) * 4096 - 32 * 4096;
        return gen_chance(70) ? cur + delta : gen_interesting();
    }
    case K_PTR:
        return gen_ptr();
    case K_PATH:
        return gen_path(flags);
    case K_STRVEC:
        return gen_strvec();
    default:
        return gen_chance(50) ? (long)gen_below(8) - 2 : gen_interesting();
    }
}
