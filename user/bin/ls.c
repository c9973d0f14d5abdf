/*
 * ls: list directory contents.
 *
 * Usage: ls [-a] [-l] [FILE...]
 *   -a  also show names starting with '.'
 *   -l  long format: mode, link count, size, name (and "-> target" for links)
 *
 * With no FILE, lists ".".  A directory argument lists its entries (sorted
 * by name); any other argument lists itself.  With several arguments, each
 * directory's listing is headed by "NAME:".  Exit status 1 if any FILE could
 * not be listed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <quill/filemode.h>

static int opt_all, opt_long;

/* Print one entry; path is how to reach it, name is what to show. */
static int print_entry(const char *path, const char *name)
{
    struct stat st;
    if (!opt_long) {
        printf("%s\n", name);
        return 0;
    }
    if (lstat(path, &st) < 0) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        return 1;
    }
    char mode[11];
    file_mode_string(st.st_mode, mode);
    printf("%s %3ld %8ld %s", mode, (long)st.st_nlink, (long)st.st_size, name);
    if (S_ISLNK(st.st_mode)) {
        char target[256];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n >= 0) {
            target[n] = '\0';
            printf(" -> %s", target);
        }
    }
    printf("\n");
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the names in a directory into a sorted, malloc'd array. */
static char **read_names(DIR *d, int *count)
{
    char **names = NULL;
    int n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' && !opt_all)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **bigger = realloc(names, cap * sizeof *names);
            if (!bigger)
                break;
            names = bigger;
        }
        names[n] = strdup(de->d_name);
        if (names[n])
            n++;
    }
    qsort(names, n, sizeof *names, compare_names);
    *count = n;
    return names;
}

static int list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "ls: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    int n, status = 0;
    char **names = read_names(d, &n);
    closedir(d);
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        status |= print_entry(path, names[i]);
        free(names[i]);
    }
    free(names);
    return status;
}

/*
 * List the command-line arguments the way ls does: first every argument
 * that is not a directory (as itself), then each directory's contents,
 * headed by "NAME:" when there is more than one argument.
 */
static int list_args(int argc, char *argv[])
{
    struct stat st;
    int status = 0, printed = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < argc; i++) {
            /* ls -l LINK shows the link itself; ls LINK follows it. */
            int rc = opt_long ? lstat(argv[i], &st) : stat(argv[i], &st);
            if (rc < 0 && lstat(argv[i], &st) < 0) {
                if (pass == 0) {
                    fprintf(stderr, "ls: %s: %s\n", argv[i], strerror(errno));
                    status = 1;
                }
                continue;
            }
            if (pass == 0 && !S_ISDIR(st.st_mode)) {
                status |= print_entry(argv[i], argv[i]);
                printed = 1;
            } else if (pass == 1 && S_ISDIR(st.st_mode)) {
                if (argc > 1)
                    printf("%s%s:\n", printed ? "\n" : "", argv[i]);
                status |= list_dir(argv[i]);
                printed = 1;
            }
        }
    }
    return status;
}

int main(int argc, char *argv[])
{
    int c;
    while ((c = getopt(argc, argv, "al")) != -1) {
        if (c == 'a')
            opt_all = 1;
        else if (c == 'l')
            opt_long = 1;
        else {
            fprintf(stderr, "usage: ls [-al] [FILE...]\n");
            return 1;
        }
    }
    if (optind == argc) {
        char *dot[] = {"."};
        return list_args(1, dot);
    }
    return list_args(argc - optind, argv + optind);
}
