/*
 * mv: move (rename) files.
 *
 * Usage: mv SOURCE DEST
 *        mv SOURCE... DIR
 *
 * A move within one file system is one rename(2): the directory entry moves,
 * the data stays where it is (Quill has one file system, so that is all).
 * If DEST is an existing directory, SOURCE goes inside it under its own name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "dir" + "a/b/c" -> "dir/c" */
static void path_in_dir(char *out, size_t size, const char *dir, const char *src)
{
    size_t len = strlen(src);
    while (len > 1 && src[len - 1] == '/')
        len--; /* ignore trailing slashes in "a/" */
    const char *base = src + len;
    while (base > src && base[-1] != '/')
        base--;
    snprintf(out, size, "%s/%.*s", dir, (int)(src + len - base), base);
}

static int move(const char *src, const char *dst)
{
    if (rename(src, dst) < 0) {
        fprintf(stderr, "mv: %s: %s\n", src, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    struct stat st;
    int status = 0;
    if (argc < 3) {
        fprintf(stderr, "usage: mv SOURCE DEST | mv SOURCE... DIR\n");
        return 1;
    }
    const char *dest = argv[argc - 1];
    int dest_is_dir = stat(dest, &st) == 0 && S_ISDIR(st.st_mode);
    if (argc > 3 && !dest_is_dir) {
        fprintf(stderr, "mv: %s: %s\n", dest, strerror(ENOTDIR));
        return 1;
    }
    for (int i = 1; i < argc - 1; i++) {
        char path[512];
        if (dest_is_dir) {
            path_in_dir(path, sizeof path, dest, argv[i]);
            status |= move(argv[i], path);
        } else {
            status |= move(argv[i], dest);
        }
    }
    return status;
}
