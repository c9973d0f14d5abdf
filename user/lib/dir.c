/*
 * opendir/readdir/closedir over getdents.  getdents fills a buffer with
 * variable-length struct kdirent records (kernel/abi/stat.h), each d_reclen
 * bytes long; readdir hands them out one at a time as picolibc-style
 * struct dirent, refilling the buffer when it runs dry.
 */
#include <quill/kabi.h> /* the kernel's records, before libc's headers */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ulib.h"

#define DIRBUF_SIZE 2048

struct __dirstream {
    int fd;
    size_t len; /* bytes of records in buf */
    size_t off; /* offset of the next record */
    struct dirent ent;
    long buf[DIRBUF_SIZE / sizeof(long)]; /* aligned for kdirent */
};

DIR *fdopendir(int fd)
{
    DIR *d = malloc(sizeof *d);

    if (d == NULL)
        return NULL;
    d->fd = fd;
    d->len = d->off = 0;
    return d;
}

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d;

    if (fd < 0)
        return NULL;
    d = fdopendir(fd);
    if (d == NULL)
        close(fd);
    return d;
}

/*
 * Converts the record at buf+off (len valid bytes) into *ent.  Returns its
 * length, or 0 if it is malformed (too short, or overruns the buffer).
 */
size_t __dirent_from_kdirent(struct dirent *ent, const void *buf, size_t off, size_t len)
{
    const struct kdirent *k = (const struct kdirent *)((const char *)buf + off);
    size_t hdr = offsetof(struct kdirent, d_name);
    size_t reclen, namelen;

    if (len - off < hdr)
        return 0;
    reclen = k->d_reclen;
    if (reclen <= hdr || reclen > len - off)
        return 0;
    namelen = strnlen(k->d_name, reclen - hdr);
    if (namelen > NAME_MAX)
        namelen = NAME_MAX;
    ent->d_ino = k->d_ino;
    ent->d_type = k->d_type;
    memcpy(ent->d_name, k->d_name, namelen);
    ent->d_name[namelen] = '\0';
    return reclen;
}

struct dirent *readdir(DIR *d)
{
    size_t reclen;

    if (d->off >= d->len) {
        long n = getdents(d->fd, d->buf, sizeof d->buf);
        if (n <= 0)
            return NULL; /* end (errno untouched) or error (errno set) */
        d->len = n;
        d->off = 0;
    }
    reclen = __dirent_from_kdirent(&d->ent, d->buf, d->off, d->len);
    if (reclen == 0) {
        d->off = d->len = 0;
        errno = EIO;
        return NULL;
    }
    d->off += reclen;
    return &d->ent;
}

void rewinddir(DIR *d)
{
    lseek(d->fd, 0, SEEK_SET);
    d->len = d->off = 0;
}

int dirfd(DIR *d)
{
    return d->fd;
}

int closedir(DIR *d)
{
    int r = close(d->fd);

    free(d);
    return r;
}
