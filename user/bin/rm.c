/*
 * rm: remove files.
 *
 * Usage: rm [-r] [-f] FILE...     (-rf, -fr also accepted)
 *   -r  remove directories and everything in them
 *   -f  no message and no error for files that do not exist
 *
 * Removing a name is unlink(2); the file itself goes away when its last
 * link and its last open descriptor are gone.  A directory must be emptied
 * first (bottom-up) and is then removed with rmdir(2).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int opt_recursive, opt_force;

static int remove_path(const char *path);

/*
 * Remove everything inside dir, then dir itself.  The names are read first
 * and removed after closedir(), so that we never change a directory while
 * reading it.
 */
static int remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "rm: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char **names = NULL;
    int n = 0, cap = 0, status = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **bigger = realloc(names, cap * sizeof *names);
            if (!bigger)
                break;
            names = bigger;
        }
        if ((names[n] = strdup(de->d_name)) != NULL)
            n++;
    }
    closedir(d);
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        status |= remove_path(path);
        free(names[i]);
    }
    free(names);
    if (rmdir(dir) < 0) {
        fprintf(stderr, "rm: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    return status;
}

static int remove_path(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (opt_force && errno == ENOENT)
            return 0;
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (S_ISDIR(st.st_mode)) {
        if (opt_recursive)
            return remove_tree(path);
        fprintf(stderr, "rm: %s: is a directory\n", path);
        return 1;
    }
    if (unlink(path) < 0) {
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    int i = 1, status = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'r' || *o == 'R')
                opt_recursive = 1;
            else if (*o == 'f')
                opt_force = 1;
            else {
                fprintf(stderr, "usage: rm [-rf] FILE...\n");
                return 1;
            }
        }
    }
    if (i == argc && !opt_force) {
        fprintf(stderr, "usage: rm [-rf] FILE...\n");
        return 1;
    }
    for (; i < argc; i++)
        status |= remove_path(argv[i]);
    return status;
}
