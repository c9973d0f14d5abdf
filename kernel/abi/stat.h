/*
 * struct stat as the kernel fills it in, and the file-type bits of st_mode
 * (values as in picolibc's <sys/stat.h>).  The user library converts this
 * fixed-layout structure into its own struct stat.
 */
#ifndef ABI_STAT_H
#define ABI_STAT_H

#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFREG 0100000
#define S_IFLNK 0120000

struct kstat {
    unsigned long st_dev;
    unsigned long st_ino;
    unsigned int st_mode;
    unsigned int st_nlink;
    unsigned int st_uid;
    unsigned int st_gid;
    unsigned long st_rdev;
    long st_size;
    long st_blksize;
    long st_blocks; /* 512-byte units actually allocated */
    long st_atime_sec, st_atime_nsec;
    long st_mtime_sec, st_mtime_nsec;
    long st_ctime_sec, st_ctime_nsec;
};

/* A directory entry as getdents returns it: records of d_reclen bytes. */
struct kdirent {
    unsigned long d_ino;
    unsigned short d_reclen;
    unsigned char d_type; /* DT_* */
    char d_name[];        /* NUL-terminated */
};

#define DT_UNKNOWN 0
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

#endif
