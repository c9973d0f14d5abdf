/*
 * Tab completion for the line editor (lineedit.c).  The word that ends at
 * the cursor is completed as a command when it is the first word of a
 * command (at the start of the line or after | ; & && ||) and has no '/':
 * from the programs in the directories of $PATH.  Otherwise it is a path:
 * the names in its directory (the part up to its last '/', or the current
 * directory) that start with the rest; a directory's name gets a '/'.
 * Names starting with '.' are offered only when the typed part starts with
 * '.'.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sh.h"

static bool word_char(char c)
{
    return c && !strchr(" \t|;&<>", c);
}

/* Is the word starting at line[start] in a command's first position? */
static bool command_position(const char *line, int start)
{
    int i = start;
    while (i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t'))
        i--;
    return i == 0 || strchr("|;&", line[i - 1]);
}

static void add_match(struct completion *c, const char *name, bool dir)
{
    if (c->n >= COMPLETE_MAX)
        return;
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->name[i], name) == 0)
            return; /* the same program in two PATH directories */
    size_t len = strlen(name);
    if (len + 2 > sizeof(c->name[0]))
        return;
    memcpy(c->name[c->n], name, len);
    if (dir)
        c->name[c->n][len++] = '/';
    c->name[c->n][len] = '\0';
    c->n++;
}

/* Entries of dir that start with prefix (dir "" is the current directory). */
static void scan_dir(struct completion *c, const char *dir, const char *prefix, bool programs)
{
    DIR *d = opendir(*dir ? dir : ".");
    if (!d)
        return;
    size_t plen = strlen(prefix);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (strncmp(name, prefix, plen) != 0 || (name[0] == '.' && prefix[0] != '.'))
            continue;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        char path[MAXLINE];
        snprintf(path, sizeof path, "%s%s%s", dir, *dir && dir[strlen(dir) - 1] != '/' ? "/" : "",
                 name);
        struct stat st;
        bool is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
        if (programs && is_dir)
            continue;
        add_match(c, name, is_dir && !programs);
    }
    closedir(d);
}

static void complete_command(struct completion *c, const char *prefix)
{
    const char *path = getenv("PATH");
    char dirs[MAXLINE];
    snprintf(dirs, sizeof dirs, "%s", path && *path ? path : "/bin");
    for (char *dir = strtok(dirs, ":"); dir; dir = strtok(NULL, ":"))
        scan_dir(c, dir, prefix, true);
}

void complete_at(const char *line, int cursor, struct completion *c)
{
    int start = cursor;
    while (start > 0 && word_char(line[start - 1]))
        start--;
    char word[MAXLINE];
    int wlen = cursor - start;
    memcpy(word, line + start, wlen);
    word[wlen] = '\0';
    c->n = 0;
    char *slash = strrchr(word, '/');
    if (!slash && command_position(line, start)) {
        c->prefix_len = wlen;
        complete_command(c, word);
        return;
    }
    const char *base = slash ? slash + 1 : word;
    c->prefix_len = (int)strlen(base);
    char dir[MAXLINE] = "";
    if (slash) {
        int dlen = (int)(slash - word) + 1;
        memcpy(dir, word, dlen); /* "/": the root; "a/b/": a/b/ */
        dir[dlen] = '\0';
    }
    scan_dir(c, dir, base, false);
}
