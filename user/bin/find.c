/*
 * find: walk directory trees and print the names that match.
 * LAB util FILE: the reference solution of docs/labs/util.md (find).
 *
 * Usage: find [PATH...] [-name PATTERN] [-type f|d|l] [-maxdepth N]
 *
 * Every PATH (default ".") is visited, then everything below it, depth
 * first, each directory's entries in the order the directory holds them.
 * A name is printed (as PATH/sub/name) when it passes every test given:
 *   -name PATTERN  the last component matches PATTERN: `*` any run of
 *                  characters, `?` one character, `[abc]` `[a-z]` one of a
 *                  set, `\c` c itself (quote the pattern from the shell)
 *   -type T        f regular file, d directory, l symbolic link
 *   -maxdepth N    go at most N levels below each PATH (0: PATH itself)
 * Symbolic links are not followed.  Exit status 1 if some name could not be
 * read (the walk goes on), 2 for bad arguments.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *opt_name;
static int opt_type; /* 0, or 'f' 'd' 'l' */
static int opt_maxdepth = -1;
static int status;

/* Does the set at p ("[...]") contain c?  *end is set past the ']'. */
static int set_match(const char *p, int c, const char **end)
{
    int found = 0, negate = 0;
    p++;
    if (*p == '!' || *p == '^')
        negate = 1, p++;
    do {
        if (p[1] == '-' && p[2] && p[2] != ']') {
            found |= c >= p[0] && c <= p[2];
            p += 3;
        } else {
            found |= c == *p++;
        }
    } while (*p && *p != ']');
    *end = *p ? p + 1 : p;
    return found != negate;
}

/* Shell-style pattern matching of a whole name. */
static int glob_match(const char *p, const char *s)
{
    for (; *p; p++, s++) {
        if (*p == '*') {
            for (const char *t = s;; t++) {
                if (glob_match(p + 1, t))
                    return 1;
                if (!*t)
                    return 0;
            }
        }
        if (!*s)
            return 0;
        if (*p == '[' && strchr(p, ']')) {
            const char *end;
            if (!set_match(p, *s, &end))
                return 0;
            p = end - 1;
        } else if (*p == '\\' && p[1]) {
            if (*++p != *s)
                return 0;
        } else if (*p != '?' && *p != *s) {
            return 0;
        }
    }
    return *s == '\0';
}

static int type_letter(mode_t mode)
{
    return S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : S_ISREG(mode) ? 'f' : '?';
}

static const char *last_component(const char *path)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    const char *slash = memrchr(path, '/', len - 1 > 0 ? len - 1 : 0);
    return slash ? slash + 1 : path;
}

static void report(const char *path, const struct stat *st)
{
    if (opt_type && type_letter(st->st_mode) != opt_type)
        return;
    if (opt_name && !glob_match(opt_name, last_component(path)))
        return;
    printf("%s\n", path);
}

static void walk(const char *path, int depth);

static void walk_dir(const char *path, int depth)
{
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "find: %s: %s\n", path, strerror(errno));
        status = 1;
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        char *sub = malloc(len);
        if (!sub) {
            fprintf(stderr, "find: out of memory\n");
            status = 1;
            break;
        }
        int slash = path[strlen(path) - 1] != '/';
        snprintf(sub, len, "%s%s%s", path, slash ? "/" : "", e->d_name);
        walk(sub, depth + 1);
        free(sub);
    }
    closedir(d);
}

static void walk(const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        fprintf(stderr, "find: %s: %s\n", path, strerror(errno));
        status = 1;
        return;
    }
    report(path, &st);
    if (S_ISDIR(st.st_mode) && (opt_maxdepth < 0 || depth < opt_maxdepth))
        walk_dir(path, depth);
}

static int usage(void)
{
    fprintf(stderr, "usage: find [PATH...] [-name PATTERN] [-type f|d|l] [-maxdepth N]\n");
    return 2;
}

int main(int argc, char *argv[])
{
    int npaths = 1;
    while (npaths < argc && argv[npaths][0] != '-')
        npaths++;
    for (int i = npaths; i < argc; i++) {
        if (i + 1 >= argc)
            return usage();
        if (!strcmp(argv[i], "-name")) {
            opt_name = argv[++i];
        } else if (!strcmp(argv[i], "-type") && strchr("fdl", argv[i + 1][0]) && argv[i + 1][0] &&
                   !argv[i + 1][1]) {
            opt_type = argv[++i][0];
        } else if (!strcmp(argv[i], "-maxdepth")) {
            char *end;
            opt_maxdepth = (int)strtol(argv[++i], &end, 10);
            if (*end || opt_maxdepth < 0)
                return usage();
        } else {
            return usage();
        }
    }
    if (npaths == 1)
        walk(".", 0);
    for (int i = 1; i < npaths; i++)
        walk(argv[i], 0);
    return status;
}
