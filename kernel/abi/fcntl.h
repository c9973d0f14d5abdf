/*
 * open() flags and *at() constants, shared by the kernel and user space.
 * Values are picolibc's (sys/_default_fcntl.h), so user programs agree.
 */
#ifndef ABI_FCNTL_H
#define ABI_FCNTL_H

#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_ACCMODE 3
#define O_CREAT 0x0040
#define O_TRUNC 0x0200
#define O_APPEND 0x0400
#define O_EXCL 0x0800
#define O_SYNC 0x2000 /* a write returns once it is committed */
#define O_NONBLOCK 0x4000
#define O_CLOEXEC 0x40000
#define O_NOFOLLOW 0x100000
#define O_DIRECTORY 0x200000

#define AT_FDCWD (-2)
#define AT_SYMLINK_NOFOLLOW 2
#define AT_REMOVEDIR 8

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#endif
