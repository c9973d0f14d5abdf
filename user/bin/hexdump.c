/*
 * hexdump: show the bytes of files in hexadecimal and as text.
 *
 * Usage: hexdump [-C] [-n LENGTH] [-s OFFSET] [FILE...]
 *   -C         the canonical format (the only one; accepted for habit's sake)
 *   -n LENGTH  show at most LENGTH bytes
 *   -s OFFSET  skip OFFSET bytes of the input first
 *
 * Sixteen bytes a line: the offset, the bytes in hex (a gap after eight),
 * and the printable ones between bars (others as '.').  A run of lines
 * equal to the one before is shown as a single "*".  The last line is the
 * total length.  The FILEs (or standard input) are one stream, as cat
 * would make them.
 *
 *     00000000  7f 45 4c 46 02 01 01 00  00 00 00 00 00 00 00 00  |.ELF............|
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long offset, limit = (unsigned long)-1, skip;
static unsigned char line[16], prev[16];
static int fill, have_prev, starred;

static void print_line(void)
{
    if (have_prev && fill == 16 && !memcmp(line, prev, 16)) {
        if (!starred)
            printf("*\n");
        starred = 1;
        offset += 16;
        fill = 0;
        return;
    }
    starred = 0;
    printf("%08lx ", offset);
    for (int i = 0; i < 16; i++) {
        if (i == 8)
            printf(" ");
        if (i < fill)
            printf(" %02x", line[i]);
        else
            printf("   ");
    }
    printf("  |");
    for (int i = 0; i < fill; i++)
        putchar(line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '.');
    printf("|\n");
    memcpy(prev, line, 16);
    have_prev = fill == 16;
    offset += fill;
    fill = 0;
}

/* Dump what fd holds; -1 on a read error. */
static int dump_fd(int fd)
{
    unsigned char buf[512];
    ssize_t n = 0;
    while (limit > 0 && (n = read(fd, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n && limit > 0; i++) {
            if (skip > 0) {
                skip--;
                offset++;
                continue;
            }
            line[fill++] = buf[i];
            limit--;
            if (fill == 16)
                print_line();
        }
    }
    return n < 0 ? -1 : 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: hexdump [-C] [-n LENGTH] [-s OFFSET] [FILE...]\n");
    return 2;
}

int main(int argc, char *argv[])
{
    int i = 1, status = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-C"))
            continue;
        if (i + 1 >= argc || (strcmp(argv[i], "-n") && strcmp(argv[i], "-s")))
            return usage();
        char *end;
        unsigned long v = strtoul(argv[i + 1], &end, 0);
        if (*end)
            return usage();
        if (argv[i][1] == 'n')
            limit = v;
        else
            skip = v;
        i++;
    }
    if (i == argc && dump_fd(0) < 0) {
        perror("hexdump: stdin");
        status = 1;
    }
    for (; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0 || dump_fd(fd) < 0) {
            fprintf(stderr, "hexdump: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
        if (fd >= 0)
            close(fd);
    }
    if (fill > 0)
        print_line();
    printf("%08lx\n", offset);
    return status;
}
