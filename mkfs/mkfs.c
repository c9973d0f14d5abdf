/*
 * mkfs: make a QFS image and copy host directory trees into it.
 *
 *   mkfs [-v] [-i NINODES] [-j LOGBLOCKS] IMAGE SIZE [DIR...]
 *
 * See usage() and docs/fs-format.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "mkfs.h"

static void usage(void)
{
    fprintf(stderr,
            "usage: mkfs [-v] [-i NINODES] [-j LOGBLOCKS] IMAGE SIZE [DIR...]\n"
            "  Create the QFS image IMAGE of SIZE bytes (a number of MiB, or with a suffix:\n"
            "  512K, 64M, 1G) and copy the contents of each DIR into its root (trees are\n"
            "  merged; the same file name in two trees is an error).  Regular files,\n"
            "  directories and symbolic links are copied; /dev/console is always made.\n"
            "  -i NINODES    number of inodes (default: one per 4 blocks, i.e. per 16 KiB)\n"
            "  -j LOGBLOCKS  journal blocks, header included (default 257; less below 8 MiB)\n"
            "  -v            print the layout and what was copied\n"
            "Exit status: 0 success; 1 error (the image is removed); 2 usage error.\n");
    exit(2);
}

static uint32_t parse_count(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    if (end == s || *end != '\0' || v == 0 || v > UINT32_MAX)
        usage();
    return (uint32_t)v;
}

int main(int argc, char **argv)
{
    struct mkfs_opts o = {0};
    int c;

    while ((c = getopt(argc, argv, "vi:j:h")) != -1) {
        switch (c) {
        case 'v':
            o.verbose = 1;
            break;
        case 'i':
            o.ninodes = parse_count(optarg);
            break;
        case 'j':
            o.log_blocks = parse_count(optarg);
            break;
        default:
            usage();
        }
    }
    if (argc - optind < 2)
        usage();
    o.image = argv[optind];
    o.size_bytes = mkfs_parse_size(argv[optind + 1]);
    if (o.size_bytes == 0) {
        fprintf(stderr, "mkfs: bad size '%s'\n", argv[optind + 1]);
        usage();
    }
    o.trees = (const char *const *)&argv[optind + 2];
    o.ntrees = argc - optind - 2;
    return mkfs_build(&o, stderr) == 0 ? 0 : 1;
}
