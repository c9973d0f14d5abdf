/*
 * mkdir: make directories.
 *
 * Usage: mkdir [-p] DIR...
 *   -p  make missing parent directories too, and do not complain if DIR
 *       already exists as a directory
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p: create every prefix of path that ends at a '/', then path. */
static int make_parents(char *path)
{
    struct stat st;
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        int rc = mkdir(path, 0755);
        int exists = rc < 0 && errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
        if (rc < 0 && !exists) {
            fprintf(stderr, "mkdir: %s: %s\n", path, strerror(errno == EEXIST ? ENOTDIR : errno));
            *p = saved;
            return 1;
        }
        *p = saved;
        if (saved == '\0')
            return 0;
    }
}

int main(int argc, char *argv[])
{
    int i = 1, parents = 0, status = 0;
    if (i < argc && strcmp(argv[i], "-p") == 0) {
        parents = 1;
        i++;
    }
    if (i == argc) {
        fprintf(stderr, "usage: mkdir [-p] DIR...\n");
        return 1;
    }
    for (; i < argc; i++) {
        if (parents) {
            status |= make_parents(argv[i]);
        } else if (mkdir(argv[i], 0755) < 0) {
            fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
