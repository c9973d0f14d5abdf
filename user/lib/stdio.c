/*
 * stdin, stdout and stderr for picolibc's tiny stdio, as buffered POSIX
 * streams ("bufio") on file descriptors 0, 1 and 2, and the flushing that
 * picolibc 1.8 leaves to the system.
 *
 *   stdout  line-buffered on a terminal, fully buffered otherwise: a printf
 *           of a line is one write().
 *   stderr  line-buffered, and flushed at the end of every fprintf/fputs to
 *           it: a message is one write(), and a prompt without a newline
 *           still appears at once.
 *   stdin   buffered reads; reading it flushes stdout (picolibc does that).
 *
 * picolibc 1.8 keeps no list of open FILEs: fflush(NULL) would crash and
 * exit() flushes nothing.  user.mk links with --wrap for fdopen (which
 * fopen uses), fclose, fflush, vfprintf and fputs, so the __wrap_ functions
 * below see every stream: they keep a list of fdopen'ed ones, flush them
 * all for fflush(NULL) and at exit (a destructor, run by exit()), and keep
 * fclose from freeing the three static streams.
 */
#include <stdio-bufio.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ulib.h"

#define IOBUF_SIZE 1024

static char stdin_buf[IOBUF_SIZE];
static char stdout_buf[IOBUF_SIZE];
static char stderr_buf[256];

static struct __file_bufio stdin_bufio =
    FDEV_SETUP_BUFIO(0, stdin_buf, sizeof stdin_buf, read, write, lseek, close, __SRD, 0);
static struct __file_bufio stdout_bufio =
    FDEV_SETUP_BUFIO(1, stdout_buf, sizeof stdout_buf, read, write, lseek, close, __SWR, __BLBF);
static struct __file_bufio stderr_bufio =
    FDEV_SETUP_BUFIO(2, stderr_buf, sizeof stderr_buf, read, write, lseek, close, __SWR, __BLBF);

FILE *const stdin = (FILE *)&stdin_bufio;
FILE *const stdout = (FILE *)&stdout_bufio;
FILE *const stderr = (FILE *)&stderr_bufio;

/* Streams made by fdopen/fopen, newest first. */
struct stream {
    FILE *f;
    struct stream *next;
};
static struct stream *streams;

FILE *__real_fdopen(int fd, const char *mode);
int __real_fclose(FILE *f);
int __real_fflush(FILE *f);
int __real_vfprintf(FILE *f, const char *fmt, va_list ap);
int __real_fputs(const char *s, FILE *f);

static int is_std(FILE *f)
{
    return f == stdin || f == stdout || f == stderr;
}

__attribute__((constructor)) static void stdio_init(void)
{
    if (!isatty(1))
        stdout_bufio.bflags &= ~__BLBF;
}

static int flush_all(void)
{
    int r = 0;

    if (__real_fflush(stdout) < 0)
        r = EOF;
    if (__real_fflush(stderr) < 0)
        r = EOF;
    for (struct stream *s = streams; s; s = s->next)
        if (__real_fflush(s->f) < 0)
            r = EOF;
    return r;
}

__attribute__((destructor)) static void stdio_exit(void)
{
    flush_all();
}

FILE *__wrap_fdopen(int fd, const char *mode)
{
    struct stream *s = malloc(sizeof *s);
    FILE *f;

    if (s == NULL)
        return NULL;
    f = __real_fdopen(fd, mode);
    if (f == NULL) {
        free(s);
        return NULL;
    }
    s->f = f;
    s->next = streams;
    streams = s;
    return f;
}

int __wrap_fclose(FILE *f)
{
    struct stream **pp;

    if (is_std(f)) { /* static: flush and close the fd, keep the FILE */
        int r = __real_fflush(f);
        return close(fileno(f)) < 0 ? EOF : r;
    }
    for (pp = &streams; *pp; pp = &(*pp)->next) {
        if ((*pp)->f == f) {
            struct stream *s = *pp;
            *pp = s->next;
            free(s);
            break;
        }
    }
    return __real_fclose(f);
}

int __wrap_fflush(FILE *f)
{
    return f ? __real_fflush(f) : flush_all();
}

int __wrap_vfprintf(FILE *f, const char *fmt, va_list ap)
{
    int r = __real_vfprintf(f, fmt, ap);

    if (f == stderr)
        __real_fflush(f);
    return r;
}

int __wrap_fputs(const char *s, FILE *f)
{
    int r = __real_fputs(s, f);

    if (f == stderr)
        __real_fflush(f);
    return r;
}
