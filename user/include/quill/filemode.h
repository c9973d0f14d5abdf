/*
 * <quill/filemode.h>: a file's mode the way ls -l and stat show it
 * (user/lib/filemode.c).
 */
#ifndef QUILL_FILEMODE_H
#define QUILL_FILEMODE_H

#include <sys/types.h>

/* "drwxr-xr-x" into s (11 bytes): the file type, then read/write/execute
 * for user, group and other. */
void file_mode_string(mode_t mode, char s[11]);

#endif
