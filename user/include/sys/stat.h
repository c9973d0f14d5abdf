/*
 * <sys/stat.h>: picolibc's, plus lstat, which picolibc declares only for a
 * few targets.  Implemented in user/lib/stat.c.
 */
#ifndef QUILL_SYS_STAT_H
#define QUILL_SYS_STAT_H
#include_next <sys/stat.h>

int lstat(const char *__restrict path, struct stat *__restrict st);

#endif
