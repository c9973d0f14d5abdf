/*
 * fsck: check a QFS image.
 *
 *   fsck [-v] [-r] IMAGE
 *
 * Prints one line per problem and a summary; see usage() and
 * docs/fs-format.md for what is checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "fsck.h"

static void usage(void)
{
    fprintf(stderr, "usage: fsck [-v] [-r] IMAGE\n"
                    "  Check the QFS image IMAGE; print one line per problem and a summary.\n"
                    "  -v  also print a summary of the file system (inodes, blocks in use)\n"
                    "  -r  replay a committed transaction left in the journal (as the kernel\n"
                    "      does at mount) before checking; this writes to IMAGE\n"
                    "Exit status: 0 clean, 1 problems found, 2 usage error or unreadable image.\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct fsck_opts o = {false, false};
    int c;

    while ((c = getopt(argc, argv, "vrh")) != -1) {
        switch (c) {
        case 'v':
            o.verbose = true;
            break;
        case 'r':
            o.replay = true;
            break;
        default:
            usage();
        }
    }
    if (argc - optind != 1)
        usage();
    int n = fsck_run(argv[optind], stdout, &o);
    return n < 0 ? 2 : n > 0 ? 1 : 0;
}
