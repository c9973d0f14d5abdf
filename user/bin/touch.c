/*
 * touch: create files, or mark them as modified.
 *
 * Usage: touch FILE...
 *
 * A missing FILE is created, empty.  Quill has no utime()/utimensat() system
 * call yet, so for an existing FILE we do the next best thing: open it for
 * writing (O_WRONLY | O_APPEND) and write nothing.  Its contents never
 * change; whether its modification time changes is up to the file system
 * (a zero-byte write may leave it as it was).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    int status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: touch FILE...\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (fd < 0 || write(fd, "", 0) < 0) {
            fprintf(stderr, "touch: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
        if (fd >= 0)
            close(fd);
    }
    return status;
}
