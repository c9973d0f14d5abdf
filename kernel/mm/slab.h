/*
 * Slab allocator: named caches of equal-sized objects, and kmalloc() on top.
 *
 * A slab is a block of 2^order frames from the buddy allocator cut into
 * objects; its head struct page keeps the slab's free list and use count, and
 * every frame of it has PG_SLAB with owner = its cache, so kfree() finds the
 * cache from any object address.  Each cache keeps slabs on three lists
 * (full, partial, empty) and at most SLAB_EMPTY_KEEP empty slabs.
 *
 * Per-cpu magazines: each cache has a small per-hart array of free objects
 * (SLAB_MAG_SIZE), used with interrupts off by its own hart only, refilled
 * from and flushed to the slabs SLAB_MAG_SIZE/2 at a time under the cache
 * lock.  Objects in magazines are not "in use" but still occupy their slab.
 *
 * Lock order: slab_caches_lock -> kmem_cache.lock -> buddy zone lock.
 * Nothing here sleeps; out of memory returns NULL.
 *
 * kmalloc: power-of-two classes 16 .. 4096 bytes from caches "kmalloc-N"
 * (objects aligned to their class size); bigger requests are whole buddy
 * blocks (page aligned, PG_LARGE, order kept in struct page), up to 4 MiB.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include "types.h"

#define SLAB_MAG_SIZE 16
#define SLAB_EMPTY_KEEP 1
#define KMALLOC_MIN 16
#define KMALLOC_MAX_CACHE 4096

struct kmem_cache;

struct kmem_cache_stats {
    size_t objsize; /* bytes per object, padding included */
    size_t inuse;   /* objects handed out (not in slabs or magazines) */
    size_t total;   /* object slots in all slabs */
    size_t slabs;
    size_t cached;  /* free objects in per-cpu magazines */
    unsigned order; /* frames per slab = 2^order */
};

/* After page_init: bootstrap and create the kmalloc caches. */
void slab_init(void);

/* align 0 means 8; align must be a power of two <= PAGE_SIZE.  NULL on failure. */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);
void *kmem_cache_alloc(struct kmem_cache *c);
void kmem_cache_free(struct kmem_cache *c, void *obj);
/* No object may be in use and nobody may use c concurrently.  Panics if
 * objects are still allocated. */
void kmem_cache_destroy(struct kmem_cache *c);

/* Free the empty slabs of c (safe at any time). */
void kmem_cache_shrink(struct kmem_cache *c);
/* Flush this hart's magazines of every cache, then shrink every cache: after
 * every hart did this, the caches hold frames only for objects in use. */
void kmem_drain_local(void);

void kmem_cache_get_stats(struct kmem_cache *c, struct kmem_cache_stats *st);
/* Frames held by every cache's slabs. */
size_t kmem_frames(void);
/* Objects handed out by every cache (not those in the harts' magazines). */
size_t kmem_objects(void);
/* One line per cache: name, objsize, in use, total, slabs. */
void kmem_cache_stats_print(void);

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);

#endif
