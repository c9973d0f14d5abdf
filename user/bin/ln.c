/*
 * ln: make links.
 *
 * Usage: ln [-s] TARGET LINKNAME
 *   (no option)  a hard link: LINKNAME becomes a second name of the same
 *                inode (link count + 1); TARGET must exist
 *   -s           a symbolic link: LINKNAME is a small file that holds the
 *                path TARGET, followed when LINKNAME is opened; TARGET need
 *                not exist
 * If LINKNAME is an existing directory, the link is made inside it under
 * TARGET's last path component.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    int symbolic = 0, i = 1;
    if (i < argc && strcmp(argv[i], "-s") == 0) {
        symbolic = 1;
        i++;
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: ln [-s] TARGET LINKNAME\n");
        return 1;
    }
    const char *target = argv[i], *name = argv[i + 1];
    char path[512];
    struct stat st;
    if (stat(name, &st) == 0 && S_ISDIR(st.st_mode)) {
        const char *base = strrchr(target, '/');
        snprintf(path, sizeof path, "%s/%s", name, base ? base + 1 : target);
        name = path;
    }
    int rc = symbolic ? symlink(target, name) : link(target, name);
    if (rc < 0) {
        /* For a hard link the missing file may be either one; name both. */
        fprintf(stderr, "ln: %s: %s\n", name, strerror(errno));
        return 1;
    }
    return 0;
}
