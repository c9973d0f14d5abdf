/*
 * bttest: a known call chain for the traps lab (docs/labs/traps.md).
 *
 * Usage: bttest [DEPTH]       (default 3)
 *
 * main calls level(DEPTH), which calls itself down to level(1), which calls
 * leaf(), which prints the backtrace.  The grader turns each address into a
 * function name with addr2line on the unstripped build/user/bin/bttest and
 * expects leaf, then level DEPTH times, then main, __libc_start and _start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <quill/backtrace.h>

/* noinline, and a side effect after each call (so that the compiler cannot
 * turn the recursion into a loop): every call keeps its own frame. */
static volatile int sink;

__attribute__((noinline)) static int leaf(int x)
{
    backtrace_print();
    return x + 1;
}

__attribute__((noinline)) static int level(int depth)
{
    int r = depth <= 1 ? leaf(depth) : level(depth - 1);
    sink = r;
    return r + 1;
}

int main(int argc, char *argv[])
{
    int depth = argc > 1 ? atoi(argv[1]) : 3;
    if (depth < 1 || depth > 20) {
        fprintf(stderr, "usage: bttest [DEPTH]   (1..20)\n");
        return 2;
    }
    printf("bttest: result %d\n", level(depth));
    return 0;
}
