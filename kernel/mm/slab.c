/*
 * Slab caches and kmalloc (see slab.h for the design and lock order).
 *
 * A slab of a cache with objsize S and 2^order frames:
 *
 *   base (aligned to 2^order frames)
 *   | obj 0 | obj 1 | ... | obj n-1 | waste |
 *
 * A free object's first word links it into its slab's free list, whose head
 * is in the slab's head struct page (freelist, inuse).  The head of a slab is
 * found from any object by rounding its physical address down to the slab
 * size, which works because buddy blocks are naturally aligned.
 */
#include "mm/slab.h"
#include "mm/page.h"
#include "mm/layout.h"
#include "lib/list.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "sync/spinlock.h"
#include "proc/cpu.h"

#define SLAB_MAX_ORDER 3   /* prefer slabs of at most 32 KiB */
#define SLAB_MIN_OBJS 8    /* ... holding at least this many objects */
#define KMALLOC_NCLASSES 9 /* 16, 32, ..., 4096 */

struct kmem_magazine {
    uint32_t count;
    void *objs[SLAB_MAG_SIZE];
} __attribute__((aligned(64)));

/* l = c->lock, g = slab_caches_lock, c = const after creation */
struct kmem_cache {
    struct spinlock lock;
    char name[24];                         /* c */
    size_t objsize;                        /* c: size rounded up to align */
    size_t align;                          /* c */
    unsigned order;                        /* c: slab = 2^order frames */
    unsigned objs_per_slab;                /* c */
    struct list_head full, partial, empty; /* l: slab head pages */
    size_t nr_slabs, nr_empty;             /* l */
    size_t nr_out;                         /* l: objects out of slabs (in use + magazines) */
    struct list_head link;                 /* g: on slab_caches */
    struct kmem_magazine mag[NCPU_MAX];    /* own hart, interrupts off */
};

static struct kmem_cache cache_cache; /* the cache of struct kmem_cache */
static struct list_head slab_caches = LIST_HEAD_INIT(slab_caches);
static struct spinlock slab_caches_lock = SPINLOCK_INIT("slab_caches");
static struct kmem_cache *kmalloc_caches[KMALLOC_NCLASSES];

/* ---- slabs (cache lock held) ---------------------------------------------- */

static struct page *slab_head(struct kmem_cache *c, const void *obj)
{
    return pa_to_page(ALIGN_DOWN(kva_to_pa(obj), PAGE_SIZE << c->order));
}

static void slab_mark(struct kmem_cache *c, struct page *head, struct kmem_cache *owner)
{
    paddr_t pa = page_to_pa(head);
    for (size_t i = 0; i < (1UL << c->order); i++) {
        struct page *pg = pa_to_page(pa + i * PAGE_SIZE);
        pg->flags = owner ? pg->flags | PG_SLAB : pg->flags & ~PG_SLAB;
        pg->owner = owner;
    }
}

static struct page *slab_grow_locked(struct kmem_cache *c)
{
    ASSERT_HELD(&c->lock);
    char *base = page_alloc(c->order);
    if (!base)
        return NULL;
    struct page *head = kva_to_page(base);
    slab_mark(c, head, c);
    void **link = &head->freelist;
    for (unsigned i = 0; i < c->objs_per_slab; i++) {
        *link = base + i * c->objsize;
        link = (void **)*link;
    }
    *link = NULL;
    head->inuse = 0;
    list_push_front(&c->empty, &head->list);
    c->nr_slabs++;
    c->nr_empty++;
    return head;
}

static void slab_release_locked(struct kmem_cache *c, struct page *head)
{
    ASSERT_HELD(&c->lock);
    ASSERT(head->inuse == 0);
    list_remove(&head->list);
    c->nr_slabs--;
    c->nr_empty--;
    slab_mark(c, head, NULL);
    head->freelist = NULL;
    page_free(page_to_kva(head), c->order);
}

static void *slab_obj_alloc_locked(struct kmem_cache *c)
{
    ASSERT_HELD(&c->lock);
    struct page *head;
    if (!list_empty(&c->partial)) {
        head = list_entry(c->partial.next, struct page, list);
    } else {
        if (list_empty(&c->empty) && !slab_grow_locked(c))
            return NULL;
        head = list_entry(c->empty.next, struct page, list);
        list_remove(&head->list);
        list_push_front(&c->partial, &head->list);
        c->nr_empty--;
    }
    void *obj = head->freelist;
    head->freelist = *(void **)obj;
    head->inuse++;
    c->nr_out++;
    if (head->inuse == c->objs_per_slab) {
        list_remove(&head->list);
        list_push_front(&c->full, &head->list);
    }
    return obj;
}

static void slab_obj_free_locked(struct kmem_cache *c, void *obj)
{
    ASSERT_HELD(&c->lock);
    struct page *head = slab_head(c, obj);
    if (head->inuse == 0 || head->freelist == obj)
        panic("kmem_cache_free: double free of %p in %s", obj, c->name);
    if (head->inuse == c->objs_per_slab) {
        list_remove(&head->list);
        list_push_front(&c->partial, &head->list);
    }
    *(void **)obj = head->freelist;
    head->freelist = obj;
    head->inuse--;
    c->nr_out--;
    if (head->inuse == 0) {
        list_remove(&head->list);
        list_push_front(&c->empty, &head->list);
        if (++c->nr_empty > SLAB_EMPTY_KEEP)
            slab_release_locked(c, head);
    }
}

/* ---- per-cpu magazines (interrupts off, own hart) --------------------------- */

static void mag_refill(struct kmem_cache *c, struct kmem_magazine *m)
{
    spin_lock(&c->lock);
    while (m->count < SLAB_MAG_SIZE / 2) {
        void *obj = slab_obj_alloc_locked(c);
        if (!obj)
            break;
        m->objs[m->count++] = obj;
    }
    spin_unlock(&c->lock);
}

/* Return the n oldest (coldest) objects of m to their slabs. */
static void mag_flush(struct kmem_cache *c, struct kmem_magazine *m, uint32_t n)
{
    n = MIN(n, m->count);
    spin_lock(&c->lock);
    for (uint32_t i = 0; i < n; i++)
        slab_obj_free_locked(c, m->objs[i]);
    spin_unlock(&c->lock);
    m->count -= n;
    memmove(&m->objs[0], &m->objs[n], m->count * sizeof(void *));
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
    void *obj = NULL;
    intr_push();
    struct kmem_magazine *m = &c->mag[this_cpu()->id];
    if (m->count == 0)
        mag_refill(c, m);
    if (m->count > 0)
        obj = m->objs[--m->count];
    intr_pop();
    return obj;
}

/* Panic unless obj is the start of an object of c. */
static void slab_check_obj(struct kmem_cache *c, const void *obj)
{
    struct page *pg = kva_to_page(obj);
    if (!pg || !(READ_ONCE(pg->flags) & PG_SLAB) || READ_ONCE(pg->owner) != c)
        panic("kmem_cache_free: %p is not an object of cache %s", obj, c->name);
    size_t off = (const char *)obj - (const char *)page_to_kva(slab_head(c, obj));
    if (off % c->objsize != 0 || off / c->objsize >= c->objs_per_slab)
        panic("kmem_cache_free: %p is inside an object of %s", obj, c->name);
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
    slab_check_obj(c, obj);
    intr_push();
    struct kmem_magazine *m = &c->mag[this_cpu()->id];
    for (uint32_t i = 0; i < m->count; i++)
        if (m->objs[i] == obj)
            panic("kmem_cache_free: double free of %p in %s", obj, c->name);
    if (m->count == SLAB_MAG_SIZE)
        mag_flush(c, m, SLAB_MAG_SIZE / 2);
    m->objs[m->count++] = obj;
    intr_pop();
}

/* ---- caches --------------------------------------------------------------- */

static unsigned slab_order_for(size_t objsize)
{
    unsigned order = 0;
    while (order < SLAB_MAX_ORDER && (PAGE_SIZE << order) < objsize * SLAB_MIN_OBJS)
        order++;
    while ((PAGE_SIZE << order) < objsize)
        order++;
    return order;
}

/* Fill in c (zeroed by the caller) and publish it.  -1 for bad parameters. */
static int cache_setup(struct kmem_cache *c, const char *name, size_t size, size_t align)
{
    if (align == 0)
        align = sizeof(void *);
    if (size == 0 || (align & (align - 1)) || align > PAGE_SIZE ||
        size > (PAGE_SIZE << BUDDY_MAX_ORDER))
        return -1;
    spin_init(&c->lock, "kmem_cache");
    strlcpy(c->name, name, sizeof(c->name));
    c->align = MAX(align, sizeof(void *));
    c->objsize = ALIGN_UP(MAX(size, sizeof(void *)), c->align);
    c->order = slab_order_for(c->objsize);
    c->objs_per_slab = (PAGE_SIZE << c->order) / c->objsize;
    list_init(&c->full);
    list_init(&c->partial);
    list_init(&c->empty);
    spin_lock(&slab_caches_lock);
    list_push_back(&slab_caches, &c->link);
    spin_unlock(&slab_caches_lock);
    return 0;
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
    ASSERT(cache_cache.objsize != 0); /* slab_init() ran */
    struct kmem_cache *c = kmem_cache_alloc(&cache_cache);
    if (!c)
        return NULL;
    memset(c, 0, sizeof(*c));
    if (cache_setup(c, name, size, align) < 0) {
        kmem_cache_free(&cache_cache, c);
        return NULL;
    }
    return c;
}

void kmem_cache_shrink(struct kmem_cache *c)
{
    spin_lock(&c->lock);
    while (!list_empty(&c->empty))
        slab_release_locked(c, list_entry(c->empty.next, struct page, list));
    spin_unlock(&c->lock);
}

void kmem_cache_destroy(struct kmem_cache *c)
{
    ASSERT(c != &cache_cache);
    spin_lock(&slab_caches_lock);
    list_remove(&c->link);
    spin_unlock(&slab_caches_lock);
    /* Nobody uses c any more, so every hart's magazine may be flushed here. */
    for (int i = 0; i < NCPU_MAX; i++)
        mag_flush(c, &c->mag[i], SLAB_MAG_SIZE);
    spin_lock(&c->lock);
    if (c->nr_out != 0)
        panic("kmem_cache_destroy: %s has %zu objects in use", c->name, c->nr_out);
    ASSERT(list_empty(&c->full) && list_empty(&c->partial));
    spin_unlock(&c->lock);
    kmem_cache_shrink(c);
    kmem_cache_free(&cache_cache, c);
}

void kmem_drain_local(void)
{
    struct list_head *pos;
    spin_lock(&slab_caches_lock);
    list_for_each (pos, &slab_caches) {
        struct kmem_cache *c = list_entry(pos, struct kmem_cache, link);
        mag_flush(c, &c->mag[this_cpu()->id], SLAB_MAG_SIZE);
        kmem_cache_shrink(c);
    }
    spin_unlock(&slab_caches_lock);
}

void kmem_cache_get_stats(struct kmem_cache *c, struct kmem_cache_stats *st)
{
    size_t cached = 0;
    for (int i = 0; i < NCPU_MAX; i++)
        cached += READ_ONCE(c->mag[i].count);
    spin_lock(&c->lock);
    st->objsize = c->objsize;
    st->order = c->order;
    st->slabs = c->nr_slabs;
    st->total = c->nr_slabs * c->objs_per_slab;
    st->cached = MIN(cached, c->nr_out);
    st->inuse = c->nr_out - st->cached;
    spin_unlock(&c->lock);
}

size_t kmem_frames(void)
{
    struct list_head *pos;
    size_t n = 0;
    spin_lock(&slab_caches_lock);
    list_for_each (pos, &slab_caches) {
        struct kmem_cache *c = list_entry(pos, struct kmem_cache, link);
        n += READ_ONCE(c->nr_slabs) << c->order;
    }
    spin_unlock(&slab_caches_lock);
    return n;
}

size_t kmem_objects(void)
{
    struct list_head *pos;
    struct kmem_cache_stats st;
    size_t n = 0;
    spin_lock(&slab_caches_lock);
    list_for_each (pos, &slab_caches) {
        kmem_cache_get_stats(list_entry(pos, struct kmem_cache, link), &st);
        n += st.inuse;
    }
    spin_unlock(&slab_caches_lock);
    return n;
}

void kmem_cache_stats_print(void)
{
    struct list_head *pos;
    struct kmem_cache_stats st;
    spin_lock(&slab_caches_lock);
    list_for_each (pos, &slab_caches) {
        struct kmem_cache *c = list_entry(pos, struct kmem_cache, link);
        kmem_cache_get_stats(c, &st);
        printf("%-16s objsize %5zu  inuse %6zu  total %6zu  slabs %4zu\n", c->name, st.objsize,
               st.inuse, st.total, st.slabs);
    }
    spin_unlock(&slab_caches_lock);
}

void slab_init(void)
{
    char name[24];
    list_init(&slab_caches); /* boot: empty anyway; lets host tests re-run it */
    if (cache_setup(&cache_cache, "kmem_cache", sizeof(struct kmem_cache),
                    _Alignof(struct kmem_cache)) < 0)
        panic("slab_init: cannot set up the cache of caches");
    for (int i = 0; i < KMALLOC_NCLASSES; i++) {
        size_t size = (size_t)KMALLOC_MIN << i;
        snprintf(name, sizeof(name), "kmalloc-%zu", size);
        kmalloc_caches[i] = kmem_cache_create(name, size, size < PAGE_SIZE ? size : PAGE_SIZE);
        if (!kmalloc_caches[i])
            panic("slab_init: out of memory");
    }
}

/* ---- kmalloc -------------------------------------------------------------- */

static void *kmalloc_large(size_t size)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < size)
        if (++order > BUDDY_MAX_ORDER)
            return NULL;
    void *p = page_alloc(order);
    if (p)
        kva_to_page(p)->flags |= PG_LARGE;
    return p;
}

void *kmalloc(size_t size)
{
    if (size == 0)
        return NULL;
    if (size > KMALLOC_MAX_CACHE)
        return kmalloc_large(size);
    int i = 0;
    while (((size_t)KMALLOC_MIN << i) < size)
        i++;
    return kmem_cache_alloc(kmalloc_caches[i]);
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *p)
{
    if (!p)
        return;
    struct page *pg = kva_to_page(p);
    if (!pg)
        panic("kfree: %p is not a heap pointer", p);
    uint32_t f = READ_ONCE(pg->flags);
    if (f & PG_SLAB) {
        kmem_cache_free(READ_ONCE(pg->owner), p);
    } else if ((f & PG_LARGE) && ((uintptr_t)p & (PAGE_SIZE - 1)) == 0) {
        pg->flags &= ~PG_LARGE;
        page_free(p, pg->order);
    } else {
        panic("kfree: %p was not allocated by kmalloc (double free?)", p);
    }
}
