/*
 * History: the last HISTORY_MAX lines typed at the prompt, oldest first,
 * for the line editor's up and down arrows (lineedit.c) and the `history`
 * builtin.  An empty line, or one equal to the line before it, is not
 * kept.  The lines live only as long as the shell.
 *
 * Invariant: ring[(first + i) % HISTORY_MAX] for i < count are the kept
 * lines, oldest first; each is malloc'd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

#define HISTORY_MAX 100

static char *ring[HISTORY_MAX];
static int first, count;
static int total; /* lines kept since the start: the number `history` shows */

static bool blank(const char *s)
{
    return s[strspn(s, " \t")] == '\0';
}

void history_add(const char *line)
{
    if (blank(line) || (count && strcmp(history_get(1), line) == 0))
        return;
    char *copy = strdup(line);
    if (!copy)
        return; /* out of memory: the line is just not remembered */
    if (count == HISTORY_MAX) {
        free(ring[first]);
        first = (first + 1) % HISTORY_MAX;
        count--;
    }
    ring[(first + count) % HISTORY_MAX] = copy;
    count++;
    total++;
}

const char *history_get(int back)
{
    if (back < 1 || back > count)
        return NULL;
    return ring[(first + count - back) % HISTORY_MAX];
}

void history_list(void)
{
    for (int i = 0; i < count; i++)
        printf("%5d  %s\n", total - count + i + 1, ring[(first + i) % HISTORY_MAX]);
}
