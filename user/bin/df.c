/*
 * df: size and free space of the file system.
 *
 * Usage: df [-i] [PATH...]
 *   -i  inodes instead of blocks
 *
 * For the file system holding each PATH (default "/"), from the statfs()
 * system call:
 *
 *     Filesystem  1K-blocks   Used  Available  Use%  Mounted on
 *     vda             65536   2312      63224    4%  /
 *
 * Quill mounts one file system, the root, so every PATH shows the same one.
 * The blocks include the file system's own metadata (superblock, journal,
 * bitmaps, inode table), which count as used.
 */
#include <stdio.h>
#include <string.h>
#include <quill/syscall.h>
#include <quill/sysinfo.h>

static int show(const char *path, int inodes)
{
    struct kstatfs sf;
    if (statfs(path, &sf) < 0) {
        perror(path);
        return 1;
    }
    unsigned long total = inodes ? sf.inodes : sf.blocks * sf.block_size / 1024;
    unsigned long avail = inodes ? sf.inodes_free : sf.blocks_free * sf.block_size / 1024;
    unsigned long used = total - avail;
    unsigned pct = total ? (unsigned)((used * 100 + total - 1) / total) : 0;
    printf("%-10s %10lu %10lu %10lu %4u%%  /\n", sf.device, total, used, avail, pct);
    return 0;
}

int main(int argc, char *argv[])
{
    int i = 1, inodes = 0, status = 0;
    if (i < argc && !strcmp(argv[i], "-i"))
        inodes = 1, i++;
    printf("%-10s %10s %10s %10s %5s  %s\n", "Filesystem", inodes ? "Inodes" : "1K-blocks",
           inodes ? "IUsed" : "Used", inodes ? "IFree" : "Available", inodes ? "IUse%" : "Use%",
           "Mounted on");
    if (i == argc)
        return show("/", inodes);
    for (; i < argc; i++)
        status |= show(argv[i], inodes);
    return status;
}
