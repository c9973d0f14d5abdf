/*
 * Namespace operations: what the system calls do with paths.
 * Each runs as one journal operation, so it is atomic on disk: after a crash
 * a rename has happened or not, a new file exists with its directory entry
 * or not at all.  `cwd` may be NULL (the root).  All return 0 or -errno.
 */
#ifndef FS_FSOPS_H
#define FS_FSOPS_H

#include "types.h"

struct inode;
struct kstat;

/* Create path as type (QFS_T_*); returns it referenced and locked, inside the caller's op.
 * An existing entry gives -EEXIST unless `may_exist` and it is a regular file, or
 * (with `follow`) a symlink, whose target is then opened or created (-ELOOP for a loop;
 * without `follow`, an existing symlink is -ELOOP). */
int fs_create_and_lock(struct inode *cwd, const char *path, uint16_t type, uint16_t mode,
                       uint16_t major, uint16_t minor, bool may_exist, bool follow,
                       struct inode **out);

int fs_mkdir(struct inode *cwd, const char *path, unsigned mode);
int fs_mknod(struct inode *cwd, const char *path, unsigned major, unsigned minor);
int fs_unlink(struct inode *cwd, const char *path);
int fs_rmdir(struct inode *cwd, const char *path);
int fs_link(struct inode *olddir, const char *oldpath, struct inode *newdir, const char *newpath);
int fs_symlink(struct inode *cwd, const char *target, const char *linkpath);
ssize_t fs_readlink(struct inode *cwd, const char *path, char *buf, size_t size);
int fs_rename(struct inode *olddir, const char *oldpath, struct inode *newdir, const char *newpath);
/* The absolute path of directory dir in buf; its length or -ERANGE/-ENOENT. */
long fs_getcwd(struct inode *dir, char *buf, size_t size);
int fs_stat(struct inode *cwd, const char *path, bool follow, struct kstat *st);
int fs_chdir_lookup(struct inode *cwd, const char *path, struct inode **dir);
int fs_sync(void);

bool dir_is_dot_or_dotdot(const char *name);

#endif
