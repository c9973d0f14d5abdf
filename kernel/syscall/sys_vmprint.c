/*
 * vmprint(buf, size): the calling process's page table as text, for the
 * page-table lab (docs/labs/pgtbl.md) and the vmprint tool.
 *
 * One line per valid entry of the user half (the kernel half is the same
 * in every process: its root entries are not shown), indented by level,
 * then a summary:
 *
 *     page table 0x87f6b000
 *      ..0: pte 0x21fd9c01 pa 0x87f67000
 *      .. ..0: pte 0x21fd9801 pa 0x87f66000
 *      .. .. ..16: pte 0x21fd94db pa 0x87f65000 va 0x10000 r-xu ad
 *     ...
 *     5 page-table pages, 23 pages mapped
 *
 * Returns the length of the text (a NUL follows it), -ERANGE if size is
 * too small for all of it, -EFAULT for a bad buffer.  The walk holds the
 * address space's lock, so no mapping changes under it.
 */
#include "syscall/syscall.h"
#include "abi/errno.h"
#include "lib/printf.h"
#include "mm/layout.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "mm/uvm.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "sync/sleeplock.h"

#define VMPRINT_MAX (64 * 1024) /* longest text: 64 KiB */

struct vmprint_out {
    char *buf;
    size_t size, len; /* len may pass size: then the text did not fit */
    unsigned long tables, pages;
};

/* Append to the text (the walk's one way to print).  `unused`: the lab's
 * starting tree has no walk yet. */
static void out_printf(struct vmprint_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), unused));

static void out_printf(struct vmprint_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->len < o->size ? o->size - o->len : 0;
    int n = vsnprintf(o->buf + (o->len < o->size ? o->len : o->size), room, fmt, ap);
    va_end(ap);
    o->len += n > 0 ? (size_t)n : 0;
}

/* LAB pgtbl BEGIN */
static void out_flags(struct vmprint_out *o, pte_t pte)
{
    out_printf(o, " %c%c%c%c %c%c", pte & PTE_R ? 'r' : '-', pte & PTE_W ? 'w' : '-',
               pte & PTE_X ? 'x' : '-', pte & PTE_U ? 'u' : '-', pte & PTE_A ? 'a' : '-',
               pte & PTE_D ? 'd' : '-');
}

/*
 * Print the table at `table` (level 2 is the root) and, below each entry
 * that points to another table, that table.  va is the first address the
 * table covers.  The user half only: root entries 0..255.
 */
static void walk_level(struct vmprint_out *o, pagetable_t table, int level, uintptr_t va)
{
    o->tables++;
    int n = level == 2 ? 256 : 512;
    for (int i = 0; i < n; i++) {
        pte_t pte = table[i];
        if (!(pte & PTE_V))
            continue;
        uintptr_t entry_va = va + ((uintptr_t)i << (PAGE_SHIFT + 9 * level));
        for (int k = level; k <= 2; k++)
            out_printf(o, " ..");
        out_printf(o, "%d: pte 0x%lx pa 0x%lx", i, (unsigned long)pte,
                   (unsigned long)PTE_TO_PA(pte));
        if (PTE_IS_LEAF(pte)) {
            out_printf(o, " va 0x%lx", (unsigned long)entry_va);
            out_flags(o, pte);
            out_printf(o, "\n");
            o->pages += 1UL << (9 * level);
        } else {
            out_printf(o, "\n");
            if (level > 0)
                walk_level(o, pa_to_kva(PTE_TO_PA(pte)), level - 1, entry_va);
        }
    }
}
/* LAB pgtbl END */

long sys_vmprint(const struct sysargs *args)
{
    struct proc *p = proc_current();
    struct vmprint_out o = {0};
    uintptr_t ubuf = arg_ptr(args, 0);
    size_t size = arg_long(args, 1);
    long err;
    o.size = size < VMPRINT_MAX ? size : VMPRINT_MAX;
    o.buf = kmalloc(o.size ? o.size : 1);
    if (!o.buf)
        return -ENOMEM;
    /* LAB pgtbl BEGIN */
    sleeplock_acquire(&p->mm->lock);
    out_printf(&o, "page table 0x%lx\n", (unsigned long)kva_to_pa(p->mm->root));
    walk_level(&o, p->mm->root, 2, 0);
    sleeplock_release(&p->mm->lock);
    out_printf(&o, "%lu page-table pages, %lu pages mapped\n", o.tables, o.pages);
    /* LAB pgtbl SKELETON
    (void)p;
    err = -ENOSYS; // your code here: docs/labs/pgtbl.md
    goto out_free;
       LAB pgtbl END */
    if (o.len + 1 > o.size) {
        err = -ERANGE;
        goto out_free;
    }
    err = copy_to_user(ubuf, o.buf, o.len + 1);
    if (!err)
        err = (long)o.len;
out_free:
    kfree(o.buf);
    return err;
}
