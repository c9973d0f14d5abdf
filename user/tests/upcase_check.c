/*
 * upcase_check: the grader's checks of the upcase system call (lab syscall,
 * docs/labs/syscall.md).
 *
 * It calls system call 510 with a raw ecall, not through the generated stub,
 * so it builds and runs whether or not the tree has the call yet: before the
 * lab every check fails with ENOSYS, and the message says so.  One line per
 * check ("ok: ..." or "FAIL: ... why"), then "upcase_check: N/M passed";
 * the exit status is 0 only if all passed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define NR_UPCASE 510

static int passed, total;

static long raw_upcase(const void *in, void *out, unsigned long size)
{
    register long a0 __asm__("a0") = (long)in;
    register long a1 __asm__("a1") = (long)out;
    register long a2 __asm__("a2") = (long)size;
    register long a7 __asm__("a7") = NR_UPCASE;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

static const char *errname(long r)
{
    switch (-r) {
    case EFAULT:
        return "EFAULT";
    case ERANGE:
        return "ERANGE";
    case ENAMETOOLONG:
        return "ENAMETOOLONG";
    case ENOSYS:
        return "ENOSYS (the kernel has no system call 510 yet: kernel/abi/syscalls.def)";
    default:
        return "another error";
    }
}

static void check(int ok, const char *what, long r)
{
    total++;
    if (ok) {
        passed++;
        printf("ok: %s\n", what);
    } else if (r < 0) {
        printf("FAIL: %s: got -%ld, %s\n", what, -r, errname(r));
    } else {
        printf("FAIL: %s: got %ld\n", what, r);
    }
}

static void check_converts(const char *in, const char *want, const char *what)
{
    char out[160];
    memset(out, '#', sizeof(out));
    long r = raw_upcase(in, out, sizeof(out));
    int ok = r == (long)strlen(want) && memcmp(out, want, strlen(want) + 1) == 0;
    if (!ok && r >= 0)
        printf("    out = \"%.*s\"\n", (int)strnlen(out, sizeof(out) - 1), out);
    check(ok, what, r);
}

int main(void)
{
    char small[4], out[64];

    check_converts("hello", "HELLO", "\"hello\" becomes \"HELLO\", returns 5");
    check_converts("Quill 1.0 mixed-Case!", "QUILL 1.0 MIXED-CASE!",
                   "only a-z change; the length is returned");
    check_converts("", "", "the empty string gives 0 and a NUL");
    check_converts("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
                   "abcdefghijklmnopqrstuv",
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ"
                   "ABCDEFGHIJKLMNOPQRSTUV",
                   "a 100-byte string");

    long r = raw_upcase("toolong", small, sizeof(small));
    check(r == -ERANGE, "out too small: -ERANGE", r);
    r = raw_upcase("abc", small, sizeof(small));
    check(r == 3 && strcmp(small, "ABC") == 0, "out exactly big enough (len + 1)", r);

    r = raw_upcase((const void *)0x10, out, sizeof(out));
    check(r == -EFAULT, "bad in pointer (0x10): -EFAULT", r);
    r = raw_upcase("hello", (void *)0x10, 64);
    check(r == -EFAULT, "bad out pointer (0x10): -EFAULT", r);
    r = raw_upcase((const void *)0xffffffc080200000UL, out, sizeof(out));
    check(r == -EFAULT, "in pointer into the kernel: -EFAULT", r);
    r = raw_upcase("hello", (void *)0xffffffc080200000UL, 64);
    check(r == -EFAULT, "out pointer into the kernel: -EFAULT", r);

    printf("upcase_check: %d/%d passed\n", passed, total);
    return passed == total ? 0 : 1;
}
