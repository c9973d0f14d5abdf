/*
 * execve: replace the calling process's program.
 *
 * Everything that can fail happens before the old program is touched: the
 * arguments are copied into the kernel, the ELF header and program headers
 * are checked (a bad file gives ENOEXEC), the new address space is built,
 * and only then is it swapped in and the old one freed.  So a failed exec
 * returns an error to a process that is still intact.
 *
 * Nothing of the program is read here: each PT_LOAD segment becomes a
 * file-backed region (mm/uvm.h) whose pages are read in on their first
 * touch, the part of a page past p_filesz zero (bss).  The stack region
 * starts at STACK_INITIAL and grows on faults; only the pages holding the
 * arguments are made now.  So exec costs the same for a huge image.
 *
 * The new stack (top of user space), as the C runtime (user/lib/crt0.S)
 * expects it:
 *
 *   sp ->  argc
 *          argv[0] .. argv[argc-1], NULL
 *          envp[0] .. envp[n-1], NULL
 *          AT_NULL, 0                    (an empty auxiliary vector)
 *          ... the strings ...
 *   USER_STACK_TOP
 *
 * and a0 = argc, a1 = argv, a2 = envp as well.
 */
#include "proc/proc.h"
#include "proc/elf.h"
#include "proc/thread.h"
#include "abi/errno.h"
#include "fs/fs.h"
#include "fs/fsops.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "mm/uvm.h"

#define ARG_MAX (64 * 1024) /* bytes of argument and environment strings */
#define ARGC_MAX 4096
#define PHNUM_MAX 32

/* Arguments gathered in the kernel: strings back to back, then the vectors. */
struct args {
    char *buf; /* ARG_MAX bytes */
    size_t used;
    int argc, envc;
};

static int add_string(struct args *a, const char *s, size_t len)
{
    if (a->used + len + 1 > ARG_MAX || a->argc + a->envc >= ARGC_MAX)
        return -E2BIG;
    memcpy(a->buf + a->used, s, len);
    a->buf[a->used + len] = '\0';
    a->used += len + 1;
    return 0;
}

/* Copy a NULL-terminated user vector of strings (argv or envp); 0 or -errno. */
static int copy_vector(struct args *a, uintptr_t uvec, int *count)
{
    for (int i = 0; uvec; i++) {
        uintptr_t ustr;
        if (copy_from_user(&ustr, uvec + i * sizeof(uintptr_t), sizeof(ustr)))
            return -EFAULT;
        if (!ustr)
            return 0;
        if (a->used >= ARG_MAX || a->argc + a->envc >= ARGC_MAX)
            return -E2BIG;
        long n = strncpy_from_user(a->buf + a->used, ustr, ARG_MAX - a->used);
        if (n == -ENAMETOOLONG)
            return -E2BIG;
        if (n < 0)
            return (int)n;
        a->used += n + 1;
        (*count)++;
    }
    return 0;
}

static int read_exact(struct inode *ip, void *dst, uint64_t off, size_t n)
{
    ssize_t r = inode_read(ip, false, (uintptr_t)dst, off, n);
    return r == (ssize_t)n ? 0 : (r < 0 ? (int)r : -ENOEXEC);
}

static int check_header(const struct elf64_ehdr *eh)
{
    if (eh->magic != ELF_MAGIC || eh->class != ELFCLASS64 || eh->data != ELFDATA2LSB ||
        eh->type != ET_EXEC || eh->machine != EM_RISCV ||
        eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 || eh->phnum > PHNUM_MAX ||
        eh->entry < USER_BASE || eh->entry >= USER_TOP)
        return -ENOEXEC;
    return 0;
}

/* Map one PT_LOAD segment as a file-backed region (read in on first touch);
 * updates *brk to the end of the highest one.  ip is locked. */
static int load_segment(struct mm *mm, struct inode *ip, const struct elf64_phdr *ph,
                        uintptr_t *brk)
{
    uintptr_t start = ALIGN_DOWN(ph->vaddr, PAGE_SIZE);
    uintptr_t end = ph->vaddr + ph->memsz;
    if (ph->memsz < ph->filesz || end < ph->vaddr || end > USER_STACK_TOP - USER_STACK_MAX ||
        ph->vaddr < USER_BASE || ph->offset + ph->filesz < ph->offset ||
        ph->offset + ph->filesz > ip->d.size)
        return -ENOEXEC;
    uint64_t prot = (ph->flags & PF_R ? PTE_R : 0) | (ph->flags & PF_W ? PTE_W : 0) |
                    (ph->flags & PF_X ? PTE_X : 0);
    if (!prot)
        return -ENOEXEC;
    struct vma seg = {
        .start = start,
        .end = ALIGN_UP(end, PAGE_SIZE),
        .prot = prot | PTE_R,
        .kind = VMA_FILE,
        .ip = ip,
        .file_off = ph->offset,
        .file_va = ph->vaddr,
        .file_len = ph->filesz,
    };
    int err = mm_add_vma(mm, &seg);
    if (err)
        return err == -EINVAL ? -ENOEXEC : err;
    *brk = MAX(*brk, ALIGN_UP(end, PAGE_SIZE));
    return 0;
}

static int load_elf(struct mm *mm, struct inode *ip, uintptr_t *entry, uintptr_t *brk)
{
    struct elf64_ehdr eh;
    struct elf64_phdr ph;
    if (ip->d.type != QFS_T_FILE)
        return -EACCES;
    int err = read_exact(ip, &eh, 0, sizeof(eh));
    if (err || (err = check_header(&eh)) != 0)
        return -ENOEXEC;
    *brk = 0;
    for (int i = 0; i < eh.phnum; i++) {
        if ((err = read_exact(ip, &ph, eh.phoff + i * sizeof(ph), sizeof(ph))) != 0)
            return -ENOEXEC;
        if (ph.type == PT_LOAD && (err = load_segment(mm, ip, &ph, brk)) != 0)
            return err;
    }
    if (*brk == 0)
        return -ENOEXEC;
    *entry = eh.entry;
    return 0;
}

/* Lay out argc/argv/envp/strings at the top of the new stack; returns sp. */
static int build_stack(struct mm *mm, const struct args *a, uintptr_t *sp_out)
{
    int nptr = 1 + a->argc + 1 + a->envc + 1 + 2;
    uintptr_t strings = USER_STACK_TOP - ALIGN_UP(a->used, 16);
    uintptr_t sp = ALIGN_DOWN(strings - nptr * sizeof(uintptr_t), 16);
    if (USER_STACK_TOP - sp > STACK_INITIAL)
        return -E2BIG;
    uintptr_t *vec = kzalloc(nptr * sizeof(uintptr_t));
    if (!vec)
        return -ENOMEM;
    int k = 0;
    size_t off = 0;
    vec[k++] = a->argc;
    for (int i = 0; i < a->argc; i++, off += strlen(a->buf + off) + 1)
        vec[k++] = strings + off;
    k++; /* NULL ends argv (vec is zeroed) */
    for (int i = 0; i < a->envc; i++, off += strlen(a->buf + off) + 1)
        vec[k++] = strings + off;
    /* What follows stays zero: the NULL ending envp, then AT_NULL. */
    int err = mm_write(mm, strings, a->buf, a->used);
    if (!err)
        err = mm_write(mm, sp, vec, nptr * sizeof(uintptr_t));
    kfree(vec);
    *sp_out = sp;
    return err;
}

static const char *basename(const char *path)
{
    const char *name = path;
    for (const char *s = path; *s; s++)
        if (*s == '/' && s[1])
            name = s + 1;
    return name;
}

/* Build the new image for path with args a; on success swap it in. */
static int exec_args(const char *path, struct args *a)
{
    struct proc *p = proc_current();
    struct inode *ip;
    uintptr_t entry = 0, brk = 0, sp = 0;
    struct mm *mm = mm_create();
    if (!mm)
        return -ENOMEM;
    struct fs *fs = path_fs(p->cwd, path);
    fs_op_begin(fs);
    int err = path_lookup(p->cwd, path, true, &ip);
    if (!err) {
        if ((err = inode_lock(ip)) == 0) {
            err = load_elf(mm, ip, &entry, &brk);
            inode_unlock(ip);
        }
        inode_put(ip);
    }
    fs_op_end(fs, 0);
    struct vma stack = {.start = USER_STACK_TOP - STACK_INITIAL,
                        .end = USER_STACK_TOP,
                        .prot = PTE_R | PTE_W,
                        .kind = VMA_STACK};
    if (!err)
        err = mm_add_vma(mm, &stack);
    if (!err)
        err = mm_copy_limit(p->mm, mm); /* memlimit N cmd: the limit outlives exec */
    if (!err)
        err = build_stack(mm, a, &sp);
    if (err) {
        mm_put(mm);
        return err;
    }
    mm->brk_base = mm->brk = brk;

    /* Point of no return: the old program is gone from here on. */
    struct mm *old = proc_set_mm(p, mm);
    mm_activate(mm);
    if (old)
        mm_put(old);
    fd_close_on_exec(p);
    sig_exec(p);
    proc_set_name(p, basename(path));
    struct trapframe *tf = proc_trapframe(p);
    memset(tf, 0, sizeof(*tf));
    memset(&p->fp, 0, sizeof(p->fp));
    proc_fp_changed(p);
    tf->sepc = entry;
    tf->x[2] = sp;
    tf->x[10] = a->argc;
    tf->x[11] = sp + sizeof(uintptr_t);
    tf->x[12] = sp + (2 + a->argc) * sizeof(uintptr_t);
    return 0;
}

static struct args *args_alloc(void)
{
    struct args *a = kzalloc(sizeof(*a));
    if (a && !(a->buf = kmalloc(ARG_MAX))) {
        kfree(a);
        a = NULL;
    }
    return a;
}

static void args_free(struct args *a)
{
    kfree(a->buf);
    kfree(a);
}

int proc_exec(const char *path, uintptr_t uargv, uintptr_t uenvp)
{
    struct args *a = args_alloc();
    if (!a)
        return -ENOMEM;
    int err = copy_vector(a, uargv, &a->argc);
    if (!err)
        err = copy_vector(a, uenvp, &a->envc);
    if (!err)
        err = exec_args(path, a);
    int argc = a->argc;
    args_free(a);
    return err ? err : argc; /* the value of a0 the new program starts with */
}

int proc_exec_kernel(const char *path, const char *const argv[])
{
    struct args *a = args_alloc();
    if (!a)
        return -ENOMEM;
    int err = 0;
    for (int i = 0; argv[i] && !err; i++) {
        err = add_string(a, argv[i], strlen(argv[i]));
        a->argc += !err;
    }
    static const char env0[] = "PATH=/bin";
    if (!err && (err = add_string(a, env0, sizeof(env0) - 1)) == 0)
        a->envc = 1;
    if (!err)
        err = exec_args(path, a);
    args_free(a);
    return err;
}
