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

/*
 * The kernel tunables behind a "prog [POLICY] [KEY=VALUE...]" command (sched,
 * vmctl): policy(name, buf, size) switches to a policy (name NULL: keeps it)
 * and describes the active one into buf; tune(key, value) sets a tunable.
 * Both are system calls: -1 with errno on failure.
 */
struct cmdline_tunables {
    const char *prog; /* for messages: "prog: ..." */
    long (*policy)(const char *name, char *buf, unsigned long size);
    int (*tune)(const char *key, unsigned long value);
    unsigned long max; /* bytes policy() may write, with the NUL */
};

/*
 * Run such a command: switch to argv[1] if it has no '=', set each KEY=VALUE
 * (VALUE a decimal number) in order, then print the description.  Stops at
 * the first error with a message on stderr.  Returns the exit status (0, 1).
 */
int cmdline_tunables_main(int argc, char *argv[], const struct cmdline_tunables *t);

#endif
