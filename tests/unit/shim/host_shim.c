/* Host implementations of the shimmed kernel services. */
#include "types.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "sync/spinlock.h"
#include "proc/cpu.h"
#include "mm/layout.h"

struct cpu cpus[NCPU_MAX] = {{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}, {6, 0}, {7, 0}};
int ncpu = 1;
__thread struct cpu *host_cpu = &cpus[0];
uintptr_t host_dmap_offset;

void host_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "panic: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

size_t host_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return n;
}

void host_set_cpu(int id)
{
    host_cpu = &cpus[id];
}

void intr_push(void)
{
    host_cpu->noff++;
}

void intr_pop(void)
{
    if (host_cpu->noff <= 0)
        host_panic("intr_pop: not pushed");
    host_cpu->noff--;
}

void spin_init(struct spinlock *lk, const char *name)
{
    pthread_mutex_init(&lk->m, NULL);
    lk->name = name;
    lk->cpu = NULL;
}

void spin_lock(struct spinlock *lk)
{
    intr_push();
    if (spin_is_held(lk))
        host_panic("spin_lock: recursive acquire of %s", lk->name);
    pthread_mutex_lock(&lk->m);
    __atomic_store_n(&lk->cpu, host_cpu, __ATOMIC_RELAXED);
}

bool spin_trylock(struct spinlock *lk)
{
    intr_push();
    if (pthread_mutex_trylock(&lk->m) != 0) {
        intr_pop();
        return false;
    }
    __atomic_store_n(&lk->cpu, host_cpu, __ATOMIC_RELAXED);
    return true;
}

void spin_unlock(struct spinlock *lk)
{
    if (!spin_is_held(lk))
        host_panic("spin_unlock: %s not held", lk->name);
    __atomic_store_n(&lk->cpu, NULL, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&lk->m);
    intr_pop();
}

bool spin_is_held(const struct spinlock *lk)
{
    return __atomic_load_n(&lk->cpu, __ATOMIC_RELAXED) == host_cpu;
}
