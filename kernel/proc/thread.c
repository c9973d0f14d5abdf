/*
 * Kernel thread creation, exit and join.  A new thread's context starts at
 * thread_start() on its own stack: the hart that picks it still holds its
 * run-queue lock, which thread_start releases (sched_finish_switch) before
 * calling fn(arg).
 */
#include "proc/thread.h"
#include "proc/sched.h"
#include "sched/runq.h"
#include "proc/cpu.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "arch/riscv/timer.h"
#include "arch/riscv/trap.h"
#include "proc/proc.h"

static struct kmem_cache *thread_cache;
static int next_tid = 1;

void thread_init(void)
{
    thread_cache = kmem_cache_create("thread", sizeof(struct thread), 16);
    if (!thread_cache)
        panic("thread_init: no memory for the thread cache");
}

const char *thread_state_name(enum thread_state s)
{
    static const char *const names[] = {"embryo",   "runnable", "running",
                                        "sleeping", "zombie",   "waking"};
    return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

/* First code a new thread runs (see swtch: its ra). */
static void thread_start(void)
{
    struct thread *t = thread_current();
    sched_finish_switch();
    t->fn(t->arg);
    thread_exit(0);
}

static struct thread *create(const char *name, void (*fn)(void *), void *arg, bool detached,
                             struct proc *p, const struct trapframe *tf)
{
    struct thread *t = kmem_cache_alloc(thread_cache);
    if (!t)
        return NULL;
    memset(t, 0, sizeof(*t));
    t->kstack_top = kstack_alloc();
    if (!t->kstack_top) {
        kmem_cache_free(thread_cache, t);
        return NULL;
    }
    t->tid = __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED);
    strlcpy(t->name, name, sizeof(t->name));
    t->fn = fn;
    t->arg = arg;
    t->detached = detached;
    t->state = T_EMBRYO;
    t->created_tick = ticks;
    struct thread *parent = thread_current();
    t->tickets = parent ? READ_ONCE(parent->tickets) : SCHED_TICKETS_DEFAULT; /* inherited */
    t->nice = parent ? READ_ONCE(parent->nice) : 0;
    t->currency = parent ? READ_ONCE(parent->currency) : 0;
    list_init(&t->rq_link);
    list_init(&t->wq_link);
    waitq_init(&t->exit_wq, "thread exit");
    t->ctx.ra = (uintptr_t)thread_start;
    t->ctx.sp = t->kstack_top;
    if (p) {
        /* A user thread: its trapframe sits at the top of its kernel stack. */
        struct trapframe *frame = (struct trapframe *)(t->kstack_top - sizeof(*frame));
        if (tf)
            *frame = *tf;
        else
            memset(frame, 0, sizeof(*frame));
        t->ctx.sp = (uintptr_t)frame;
        t->proc = p;
        p->thread = t;
    }
    sched_register_thread(t);
    sched_start(t, thread_current());
    return t;
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
    return create(name, fn, arg, false, NULL, NULL);
}

struct thread *thread_spawn_detached(const char *name, void (*fn)(void *), void *arg)
{
    return create(name, fn, arg, true, NULL, NULL);
}

struct thread *thread_create_user(struct proc *p, const char *name, void (*fn)(void *), void *arg,
                                  const struct trapframe *tf)
{
    return create(name, fn, arg, false, p, tf);
}

char thread_state_letter(struct thread *t)
{
    static const char letters[] = {'E', 'r', 'R', 'S', 'Z', 'r'};
    return t && (unsigned)t->state < sizeof(letters) ? letters[t->state] : '?';
}

void thread_exit(int code)
{
    sched_exit_current(code);
}

void thread_free(struct thread *t)
{
    kstack_free(t->kstack_top);
    kmem_cache_free(thread_cache, t);
}

int thread_join(struct thread *t)
{
    if (t->detached)
        panic("thread_join: thread '%s' is detached", t->name);
    sched_wait_zombie(t);
    int code = t->exit_code;
    thread_free(t);
    return code;
}
