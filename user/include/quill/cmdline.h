/*
 * <quill/cmdline.h>: command-line helpers shared by the utilities in
 * user/bin (user/lib/cmdline.c).
 */
#ifndef QUILL_CMDLINE_H
#define QUILL_CMDLINE_H

/*
 * The line count of head and tail: "-n N" or the old form "-N" in argv[1],
 * else def.  Stores it in *n and returns the index of the first operand, or
 * returns -1 if the count is not a number >= 0.
 */
int cmdline_line_count(int argc, char *argv[], long def, long *n);

/*
 * With more than one operand (argv[first..argc-1]), print the "==> NAME <=="
 * header before operand i, with a blank line between files, and flush it.
 */
void cmdline_file_header(int argc, char *argv[], int first, int i);

#endif
