/*
 * Odds and ends: getcwd, uname, and getentropy (which picolibc itself needs
 * and Quill cannot provide yet).
 */
#include <quill/kabi.h> /* the kernel's records, before libc's headers */

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ulib.h"

#define GETCWD_DEFAULT 256

/* getcwd(NULL, 0) allocates the buffer (a common extension). */
char *getcwd(char *buf, size_t size)
{
    char *mine = NULL;
    long r;

    if (buf == NULL) {
        if (size == 0)
            size = GETCWD_DEFAULT;
        buf = mine = malloc(size);
        if (buf == NULL)
            return NULL;
    } else if (size == 0) {
        errno = EINVAL;
        return NULL;
    }
    r = __sys_getcwd(buf, size);
    if (r < 0) {
        free(mine);
        errno = (int)-r;
        return NULL;
    }
    return buf;
}

static void uts_copy(char *dst, const char *src)
{
    memcpy(dst, src, _UTSNAME_LENGTH);
    dst[_UTSNAME_LENGTH - 1] = '\0';
}

int uname(struct utsname *u)
{
    struct kutsname k;

    if (__syscall_ret(__sys_uname(&k)) < 0)
        return -1;
    uts_copy(u->sysname, k.sysname);
    uts_copy(u->nodename, k.nodename);
    uts_copy(u->release, k.release);
    uts_copy(u->version, k.version);
    uts_copy(u->machine, k.machine);
    return 0;
}

/* For picolibc's arc4random: no entropy source yet. */
int getentropy(void *buf, size_t len)
{
    (void)buf;
    (void)len;
    errno = ENOSYS;
    return -1;
}

_Static_assert(KUTS_LEN == _UTSNAME_LENGTH, "struct utsname and struct kutsname differ");
