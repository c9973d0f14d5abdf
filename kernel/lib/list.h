/*
 * Intrusive circular doubly-linked lists.  A struct list_head is embedded in
 * each element; an empty list's head points at itself.  Host-compilable.
 */
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include "types.h"

struct list_head {
    struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)                                                                       \
    {                                                                                              \
        &(name), &(name)                                                                           \
    }

static inline void list_init(struct list_head *h)
{
    h->next = h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
    return h->next == h;
}

static inline void list_insert_between(struct list_head *e, struct list_head *prev,
                                       struct list_head *next)
{
    e->prev = prev;
    e->next = next;
    prev->next = e;
    next->prev = e;
}

/* Insert e at the front of h. */
static inline void list_push_front(struct list_head *h, struct list_head *e)
{
    list_insert_between(e, h, h->next);
}

/* Insert e at the back of h. */
static inline void list_push_back(struct list_head *h, struct list_head *e)
{
    list_insert_between(e, h->prev, h);
}

static inline void list_remove(struct list_head *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->next = e->prev = e;
}

/* Remove and return the first element, or NULL if the list is empty. */
static inline struct list_head *list_pop_front(struct list_head *h)
{
    struct list_head *e = h->next;
    if (e == h)
        return NULL;
    list_remove(e);
    return e;
}

#define list_entry(p, type, member) container_of(p, type, member)
#define list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define list_for_each_safe(pos, tmp, head)                                                         \
    for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head);                               \
         (pos) = (tmp), (tmp) = (pos)->next)

#endif
