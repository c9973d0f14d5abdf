/* Symbol lookup and frame-pointer stack walking for panics and traps. */
#include "lib/backtrace.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/layout.h"

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const char ksyms_names[];

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
    uint64_t n = ksyms_count;
    if (n == 0 || addr < ksyms_addrs[0] || addr >= (uintptr_t)_text_end)
        return NULL;
    /* Binary search for the last symbol at or below addr. */
    uint64_t lo = 0, hi = n;
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (ksyms_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    const char *name = ksyms_names;
    for (uint64_t i = 0; i < lo; i++)
        name += strlen(name) + 1;
    *offset = addr - ksyms_addrs[lo];
    return name;
}

void backtrace_print_pc(int depth, uintptr_t pc)
{
    uintptr_t off;
    const char *name = ksym_lookup(pc, &off);
    if (name)
        printf("  #%d %p %s+0x%lx\n", depth, (void *)pc, name, off);
    else
        printf("  #%d %p ?\n", depth, (void *)pc);
}

static bool is_kernel_stack_addr(uintptr_t a)
{
    return (a >= KSTACK_AREA && a < KSTACK_AREA + KSTACK_AREA_SIZE) ||
           (a >= (uintptr_t)_kernel_start && a < (uintptr_t)_kernel_end) || is_dmap_addr(a);
}

void backtrace_print(uintptr_t fp, int depth)
{
    for (int n = 0; n < 32; n++, depth++) {
        if (!fp || (fp & 7) || !is_kernel_stack_addr(fp - 16))
            break;
        uintptr_t ra = ((uintptr_t *)fp)[-1];
        uintptr_t prev = ((uintptr_t *)fp)[-2];
        if (ra < (uintptr_t)_text_start || ra >= (uintptr_t)_text_end)
            break;
        if (prev == 0)
            break; /* the outermost frame: its ra is not a call site */
        /* ra is the instruction after the call: report the call itself. */
        backtrace_print_pc(depth, ra - 4);
        if (prev <= fp)
            break; /* frames must move up the stack */
        fp = prev;
    }
}
