/*
 * <sys/dirent.h>: DIR and struct dirent for picolibc's <dirent.h> (which
 * includes this file and declares opendir, readdir, ...; picolibc's own
 * sys/dirent.h is an #error).  Implemented in user/lib/dir.c over getdents.
 */
#ifndef _SYS_DIRENT_H
#define _SYS_DIRENT_H

#include <sys/types.h>

#define NAME_MAX 255

/* d_type values (as in kernel/abi/stat.h, Linux's numbering). */
#define DT_UNKNOWN 0
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

struct dirent {
    ino_t d_ino;
    unsigned char d_type;
    char d_name[NAME_MAX + 1];
};

typedef struct __dirstream DIR;

#endif
