/*
 * stat: everything the kernel tells about a file.
 *
 * Usage: stat [-L] FILE...
 *   -L  follow a symbolic link (default: describe the link itself)
 *
 *       File: /bin/sh  (regular file)
 *       Size: 61472        Blocks: 128        IO Block: 4096
 *     Device: 0   Inode: 17   Links: 1   Mode: 0755 (-rwxr-xr-x)
 *     Access: 2026-12-01 12:00:03.000000000 UTC
 *     Modify: ...   Change: ...
 *
 * Blocks are 512-byte units actually allocated (a file with holes has
 * fewer than its size suggests).  Times are UTC.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <quill/filemode.h>

static const char *type_name(mode_t m)
{
    return S_ISREG(m)   ? "regular file"
           : S_ISDIR(m) ? "directory"
           : S_ISLNK(m) ? "symbolic link"
           : S_ISCHR(m) ? "character device"
                        : "unknown type";
}

static void print_time(const char *what, const struct timespec *ts)
{
    time_t t = ts->tv_sec;
    struct tm tm;
    char buf[32];
    if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
        printf("%s: %s.%09ld UTC\n", what, buf, (long)ts->tv_nsec);
    else
        printf("%s: %lld s\n", what, (long long)t);
}

static int show(const char *path, int follow)
{
    struct stat st;
    if ((follow ? stat(path, &st) : lstat(path, &st)) < 0) {
        fprintf(stderr, "stat: %s: %s\n", path, strerror(errno));
        return 1;
    }
    char mode[11];
    file_mode_string(st.st_mode, mode);
    printf("  File: %s", path);
    if (S_ISLNK(st.st_mode)) {
        char target[256];
        ssize_t n = readlink(path, target, sizeof(target) - 1);
        if (n >= 0)
            printf(" -> %.*s", (int)n, target);
    }
    printf("  (%s)\n", type_name(st.st_mode));
    printf("  Size: %-12ld Blocks: %-10ld IO Block: %ld\n", (long)st.st_size, (long)st.st_blocks,
           (long)st.st_blksize);
    printf("Device: %lu   Inode: %lu   Links: %lu   Mode: %04o (%s)\n", (unsigned long)st.st_dev,
           (unsigned long)st.st_ino, (unsigned long)st.st_nlink, (unsigned)(st.st_mode & 07777),
           mode);
    print_time("Access", &st.st_atim);
    print_time("Modify", &st.st_mtim);
    print_time("Change", &st.st_ctim);
    return 0;
}

int main(int argc, char *argv[])
{
    int i = 1, follow = 0, status = 0;
    if (i < argc && !strcmp(argv[i], "-L"))
        follow = 1, i++;
    if (i == argc) {
        fprintf(stderr, "usage: stat [-L] FILE...\n");
        return 2;
    }
    for (; i < argc; i++)
        status |= show(argv[i], follow);
    return status;
}
