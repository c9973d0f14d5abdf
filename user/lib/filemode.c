/* A file's mode as ls -l and stat show it (<quill/filemode.h>). */
#include <sys/stat.h>

#include <quill/filemode.h>

void file_mode_string(mode_t mode, char s[11])
{
    const char *rwx = "rwxrwxrwx";
    s[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : S_ISCHR(mode) ? 'c' : '-';
    for (int i = 0; i < 9; i++)
        s[i + 1] = (mode & (0400 >> i)) ? rwx[i] : '-';
    s[10] = '\0';
}
