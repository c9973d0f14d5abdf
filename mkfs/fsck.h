/*
 * fsck as a library: check a QFS image and report each problem as one
 * line.  The `fsck` program (fsck.c) is a command line around fsck_run();
 * the unit tests call fsck_check() directly.
 */
#ifndef MKFS_FSCK_H
#define MKFS_FSCK_H

#include <stdbool.h>
#include <stdio.h>

struct fsck_opts {
    bool verbose; /* also print a summary of the file system */
    bool replay;  /* install a committed journal transaction first (opens read-write) */
};

/*
 * Check `image`, writing one line per problem (and warnings, e.g. a
 * committed transaction still in the journal) to `report`.  Returns the
 * number of problems: 0 when the file system is clean; -1 when the image
 * cannot be opened at all.
 */
int fsck_run(const char *image, FILE *report, const struct fsck_opts *o);

/* fsck_run with no options. */
int fsck_check(const char *image, FILE *report);

#endif
