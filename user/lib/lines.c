/* Reading a line of any length (<quill/lines.h>). */
#include <stdlib.h>

#include <quill/lines.h>

/* Room for one more byte and the terminator in *buf: 0, or -1 (no memory). */
static int make_room(char **buf, size_t *cap, size_t len)
{
    if (len + 1 < *cap)
        return 0;
    size_t ncap = *cap ? 2 * *cap : 128;
    char *bigger = realloc(*buf, ncap);
    if (!bigger)
        return -1;
    *buf = bigger, *cap = ncap;
    return 0;
}

int line_read(FILE *f, char **buf, size_t *cap, size_t *len)
{
    size_t n = 0;
    int c;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (make_room(buf, cap, n) < 0)
            return -1;
        (*buf)[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return 0;
    if (make_room(buf, cap, n) < 0)
        return -1;
    (*buf)[n] = '\0';
    if (len)
        *len = n;
    return 1;
}
