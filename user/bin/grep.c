/*
 * grep: print lines that match a pattern.
 *
 * Usage: grep [-v] [-c] [-n] [-i] PATTERN [FILE...]
 *        grep [-v] [-c] [-n] [-i] -e PATTERN [-e PATTERN...] [FILE...]
 *   -e  a pattern (may be given several times: a line matching any of them
 *       is selected; useful too for a pattern that starts with '-')
 *   -v  print lines that do NOT match
 *   -c  print only the number of selected lines
 *   -n  prefix each line with its line number
 *   -i  ignore upper/lower case
 *
 * PATTERN is a small subset of regular expressions:
 *   c    any ordinary character matches itself
 *   .    matches any one character
 *   x*   zero or more of the preceding x (a character or '.')
 *   ^    at the start: the match must begin at the start of the line
 *   $    at the end: the match must end at the end of the line
 *   \c   the character c itself (e.g. \. or \*)
 * There are no [classes], + ? | or groups.
 *
 * With several FILEs each line is prefixed with "FILE:".  Exit status: 0 if
 * a line was selected, 1 if none, 2 on an error (as POSIX grep).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <quill/lines.h>

static int opt_invert, opt_count, opt_number, opt_nocase;

#define GREP_MAX_PATTERNS 32
static const char *patterns[GREP_MAX_PATTERNS];
static int npatterns;

/* Do characters c (from the line) and p (from the pattern) match? */
static int char_match(int p, int c)
{
    if (opt_nocase) {
        p = tolower((unsigned char)p);
        c = tolower((unsigned char)c);
    }
    return p == c;
}

/* Length of one pattern atom at re: "\c" is 2, anything else 1. */
static int atom_len(const char *re)
{
    return (re[0] == '\\' && re[1]) ? 2 : 1;
}

/* Does the atom at re match the single character c? */
static int atom_match(const char *re, int c)
{
    if (c == '\0')
        return 0;
    if (re[0] == '\\' && re[1])
        return char_match(re[1], c);
    return re[0] == '.' || char_match(re[0], c);
}

/* Does re match a prefix of text? (the regular expression, one atom at a time) */
static int match_here(const char *re, const char *text)
{
    for (;;) {
        if (re[0] == '\0')
            return 1;
        if (re[0] == '$' && re[1] == '\0')
            return *text == '\0';
        int len = atom_len(re);
        if (re[len] == '*') {
            /* x*: try the rest after every possible number of x's. */
            const char *t = text;
            do {
                if (match_here(re + len + 1, t))
                    return 1;
            } while (atom_match(re, *t++));
            return 0;
        }
        if (!atom_match(re, *text))
            return 0;
        re += len;
        text++;
    }
}

/* Does re match anywhere in text? */
static int match(const char *re, const char *text)
{
    if (re[0] == '^')
        return match_here(re + 1, text);
    do {
        if (match_here(re, text))
            return 1;
    } while (*text++ != '\0');
    return 0;
}

/* Does any of the patterns match the line? */
static int match_any(const char *text)
{
    for (int i = 0; i < npatterns; i++)
        if (match(patterns[i], text))
            return 1;
    return 0;
}

/* grep one open file; returns the number of selected lines. */
static long grep_file(FILE *f, const char *name)
{
    static char *line;
    static size_t cap;
    long lineno = 0, selected = 0;
    while (line_read(f, &line, &cap, NULL) > 0) {
        lineno++;
        if (match_any(line) == opt_invert)
            continue;
        selected++;
        if (opt_count)
            continue;
        if (name)
            printf("%s:", name);
        if (opt_number)
            printf("%ld:", lineno);
        printf("%s\n", line);
    }
    if (opt_count) {
        if (name)
            printf("%s:", name);
        printf("%ld\n", selected);
    }
    return selected;
}

static int usage(void)
{
    fprintf(stderr, "usage: grep [-vcni] [-e PATTERN]... [PATTERN] [FILE...]\n");
    return 2;
}

int main(int argc, char *argv[])
{
    int c, error = 0;
    long selected = 0;
    while ((c = getopt(argc, argv, "vcnie:")) != -1) {
        switch (c) {
        case 'v':
            opt_invert = 1;
            break;
        case 'c':
            opt_count = 1;
            break;
        case 'n':
            opt_number = 1;
            break;
        case 'i':
            opt_nocase = 1;
            break;
        case 'e':
            if (npatterns == GREP_MAX_PATTERNS) {
                fprintf(stderr, "grep: at most %d patterns\n", GREP_MAX_PATTERNS);
                return 2;
            }
            patterns[npatterns++] = optarg;
            break;
        default:
            return usage();
        }
    }
    if (npatterns == 0) {
        if (optind >= argc)
            return usage();
        patterns[npatterns++] = argv[optind++];
    }
    if (optind == argc)
        selected = grep_file(stdin, NULL);
    for (int i = optind; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            fprintf(stderr, "grep: %s: %s\n", argv[i], strerror(errno));
            error = 1;
            continue;
        }
        selected += grep_file(f, argc - optind > 1 ? argv[i] : NULL);
        fclose(f);
    }
    return error ? 2 : selected > 0 ? 0 : 1;
}
