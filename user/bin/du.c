/*
 * du: disk space used by files and directory trees.
 *
 * Usage: du [-s] [-a] [PATH...]
 *   -s  only a total for each PATH
 *   -a  a line for every file too, not only directories
 *
 * Prints "KiB<TAB>path" for each directory (after its contents), and for
 * each PATH.  The space is what the file system allocated (st_blocks,
 * 512-byte units, shown in KiB, rounded up): a file with holes uses less
 * than its size, and a directory's own blocks count too.  A file with
 * several hard links is counted once for each name.  Symbolic links are
 * not followed.  Default PATH: ".".
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int opt_summary, opt_all, status;

static void print_usage(long blocks, const char *path)
{
    printf("%ld\t%s\n", (blocks + 1) / 2, path);
}

/* Blocks (512 B) used by path and everything below it. */
static long du(const char *path, int top)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        fprintf(stderr, "du: %s: %s\n", path, strerror(errno));
        status = 1;
        return 0;
    }
    long total = st.st_blocks;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) {
            fprintf(stderr, "du: %s: %s\n", path, strerror(errno));
            status = 1;
        }
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            size_t len = strlen(path) + strlen(e->d_name) + 2;
            char *sub = malloc(len);
            if (!sub) {
                fprintf(stderr, "du: out of memory\n");
                status = 1;
                break;
            }
            snprintf(sub, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
            total += du(sub, 0);
            free(sub);
        }
        if (d)
            closedir(d);
    }
    if (top || (!opt_summary && (S_ISDIR(st.st_mode) || opt_all)))
        print_usage(total, path);
    return total;
}

int main(int argc, char *argv[])
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 's')
                opt_summary = 1;
            else if (*o == 'a')
                opt_all = 1;
            else {
                fprintf(stderr, "usage: du [-s] [-a] [PATH...]\n");
                return 2;
            }
        }
    }
    if (i == argc)
        du(".", 1);
    for (; i < argc; i++)
        du(argv[i], 1);
    return status;
}
