/*
 * <quill/lines.h>: reading text a line at a time, lines of any length, for
 * the utilities that work on lines (grep, sort, uniq; user/lib/lines.c).
 */
#ifndef QUILL_LINES_H
#define QUILL_LINES_H

#include <stddef.h>
#include <stdio.h>

/*
 * Read the next line of f into *buf, which grows with realloc as needed
 * (*cap is its size; both may start as NULL and 0).  The line is stored
 * without its newline and NUL-terminated, its length in *len (if len is not
 * NULL).  A last line without a newline counts as a line.  Returns 1 for a
 * line, 0 at end of file, -1 when out of memory.
 */
int line_read(FILE *f, char **buf, size_t *cap, size_t *len);

#endif
