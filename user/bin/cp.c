/*
 * cp: copy files.
 *
 * Usage: cp [-r] SOURCE DEST
 *        cp [-r] SOURCE... DIR
 *   -r  copy directories and everything in them
 *
 * Unlike mv, a copy makes a new inode and moves every byte through a buffer
 * in user memory: read from one descriptor, write to the other.  If DEST is
 * an existing directory, each SOURCE is copied inside it under its own name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int opt_recursive;

static int copy_path(const char *src, const char *dst);

/* Copy the bytes of src into dst (created or truncated). */
static int copy_file(const char *src, const char *dst, mode_t mode)
{
    char buf[4096];
    ssize_t n = 0;
    int in = open(src, O_RDONLY);
    if (in < 0) {
        fprintf(stderr, "cp: %s: %s\n", src, strerror(errno));
        return 1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 0777);
    if (out < 0) {
        fprintf(stderr, "cp: %s: %s\n", dst, strerror(errno));
        close(in);
        return 1;
    }
    int status = 0;
    while (status == 0 && (n = read(in, buf, sizeof buf)) > 0) {
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, n - done);
            if (w < 0) {
                fprintf(stderr, "cp: %s: %s\n", dst, strerror(errno));
                status = 1;
                break;
            }
            done += w;
        }
    }
    if (n < 0) {
        fprintf(stderr, "cp: %s: %s\n", src, strerror(errno));
        status = 1;
    }
    close(in);
    if (close(out) < 0 && status == 0) {
        fprintf(stderr, "cp: %s: %s\n", dst, strerror(errno));
        status = 1;
    }
    return status;
}

/* cp -r: make dst, then copy each entry of src into it. */
static int copy_dir(const char *src, const char *dst)
{
    if (mkdir(dst, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "cp: %s: %s\n", dst, strerror(errno));
        return 1;
    }
    DIR *d = opendir(src);
    if (!d) {
        fprintf(stderr, "cp: %s: %s\n", src, strerror(errno));
        return 1;
    }
    int status = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char from[512], to[512];
        snprintf(from, sizeof from, "%s/%s", src, de->d_name);
        snprintf(to, sizeof to, "%s/%s", dst, de->d_name);
        status |= copy_path(from, to);
    }
    closedir(d);
    return status;
}

static int copy_path(const char *src, const char *dst)
{
    struct stat st;
    if (stat(src, &st) < 0) {
        fprintf(stderr, "cp: %s: %s\n", src, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return copy_file(src, dst, st.st_mode);
    if (opt_recursive)
        return copy_dir(src, dst);
    fprintf(stderr, "cp: %s: is a directory (use -r)\n", src);
    return 1;
}

/* "dir" + "a/b/c" -> "dir/c" */
static void path_in_dir(char *out, size_t size, const char *dir, const char *src)
{
    size_t len = strlen(src);
    while (len > 1 && src[len - 1] == '/')
        len--;
    const char *base = src + len;
    while (base > src && base[-1] != '/')
        base--;
    snprintf(out, size, "%s/%.*s", dir, (int)(src + len - base), base);
}

int main(int argc, char *argv[])
{
    struct stat st;
    int i = 1, status = 0;
    if (i < argc && (strcmp(argv[i], "-r") == 0 || strcmp(argv[i], "-R") == 0)) {
        opt_recursive = 1;
        i++;
    }
    if (argc - i < 2) {
        fprintf(stderr, "usage: cp [-r] SOURCE DEST | cp [-r] SOURCE... DIR\n");
        return 1;
    }
    const char *dest = argv[argc - 1];
    int dest_is_dir = stat(dest, &st) == 0 && S_ISDIR(st.st_mode);
    if (argc - i > 2 && !dest_is_dir) {
        fprintf(stderr, "cp: %s: %s\n", dest, strerror(ENOTDIR));
        return 1;
    }
    for (; i < argc - 1; i++) {
        char path[512];
        if (dest_is_dir) {
            path_in_dir(path, sizeof path, dest, argv[i]);
            status |= copy_path(argv[i], path);
        } else {
            status |= copy_path(argv[i], dest);
        }
    }
    return status;
}
