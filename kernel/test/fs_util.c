/* Helpers for the file-system self-tests. */
#include "test/fs_util.h"
#include "mm/slab.h"

#define CHUNK 16384

static uint8_t pattern_byte(uint32_t seed, uint64_t i)
{
    uint64_t x = (i / 8) * 0x9E3779B97F4A7C15UL + seed * 0xBF58476D1CE4E5B9UL;
    x ^= x >> 29;
    return (uint8_t)(x >> (8 * (i % 8)));
}

void fill_pattern(void *buf, size_t n, uint32_t seed, uint64_t off)
{
    uint8_t *b = buf;
    for (size_t i = 0; i < n; i++)
        b[i] = pattern_byte(seed, off + i);
}

bool check_pattern(const void *buf, size_t n, uint32_t seed, uint64_t off)
{
    const uint8_t *b = buf;
    for (size_t i = 0; i < n; i++)
        if (b[i] != pattern_byte(seed, off + i))
            return false;
    return true;
}

int put_file(const char *path, const void *buf, size_t n)
{
    struct file *f;
    int err = file_open(NULL, path, O_CREAT | O_TRUNC | O_WRONLY, 0644, &f);
    if (err)
        return err;
    ssize_t w = n ? file_write(f, false, (uintptr_t)buf, n) : 0;
    file_close(f);
    return w < 0 ? (int)w : (w == (ssize_t)n ? 0 : -ENOSPC);
}

ssize_t get_file(const char *path, void *buf, size_t n)
{
    struct file *f;
    int err = file_open(NULL, path, O_RDONLY, 0, &f);
    if (err)
        return err;
    ssize_t r = file_read(f, false, (uintptr_t)buf, n);
    file_close(f);
    return r;
}

int put_pattern_file(const char *path, size_t n, uint32_t seed)
{
    struct file *f = NULL;
    uint8_t *buf = kmalloc(CHUNK);
    if (!buf)
        return -ENOMEM;
    int err = file_open(NULL, path, O_CREAT | O_TRUNC | O_WRONLY, 0644, &f);
    for (size_t off = 0; !err && off < n; off += CHUNK) {
        size_t m = MIN((size_t)CHUNK, n - off);
        fill_pattern(buf, m, seed, off);
        ssize_t w = file_write(f, false, (uintptr_t)buf, m);
        if (w != (ssize_t)m)
            err = w < 0 ? (int)w : -ENOSPC;
    }
    if (f)
        file_close(f);
    kfree(buf);
    return err;
}

int check_pattern_file(const char *path, size_t n, uint32_t seed)
{
    struct file *f = NULL;
    struct kstat st;
    uint8_t *buf = kmalloc(CHUNK);
    if (!buf)
        return -1;
    int bad = file_open(NULL, path, O_RDONLY, 0, &f) ? -1 : 0;
    if (!bad && (file_stat(f, &st) || (size_t)st.st_size != n))
        bad = -1;
    for (size_t off = 0; !bad && off < n; off += CHUNK) {
        size_t m = MIN((size_t)CHUNK, n - off);
        if (file_read(f, false, (uintptr_t)buf, m) != (ssize_t)m ||
            !check_pattern(buf, m, seed, off))
            bad = -1;
    }
    if (f)
        file_close(f);
    kfree(buf);
    return bad;
}

void counts_mark(struct free_counts *c)
{
    fs_counts(root_fs, &c->blocks, &c->inodes);
}

int counts_check(const char *test, const struct free_counts *c)
{
    struct free_counts now;
    counts_mark(&now);
    CHECK(test, now.blocks == c->blocks && now.inodes == c->inodes,
          "leak: free blocks %lu -> %lu, free inodes %lu -> %lu", c->blocks, now.blocks, c->inodes,
          now.inodes);
    return 0;
}

void remove_tree(const char *path)
{
    struct kstat st;
    if (fs_stat(NULL, path, false, &st))
        return;
    if ((st.st_mode & S_IFMT) != S_IFDIR) {
        fs_unlink(NULL, path);
        return;
    }
    struct file *f;
    char *buf = kmalloc(2048), *child = kmalloc(PATH_MAX + 1);
    if (buf && child && file_open(NULL, path, O_RDONLY | O_DIRECTORY, 0, &f) == 0) {
        ssize_t n;
        while ((n = file_getdents(f, false, (uintptr_t)buf, 2048)) > 0) {
            for (ssize_t off = 0; off < n;) {
                struct kdirent *d = (struct kdirent *)(buf + off);
                off += d->d_reclen;
                if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
                    snprintf(child, PATH_MAX + 1, "%s/%s", path, d->d_name);
                    remove_tree(child);
                }
            }
        }
        file_close(f);
    }
    kfree(buf);
    kfree(child);
    fs_rmdir(NULL, path);
}
