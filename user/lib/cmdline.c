/* Command-line helpers for the utilities (<quill/cmdline.h>). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <quill/cmdline.h>

/* A count: a decimal number >= 0 and nothing else; -1 if s is not one. */
static long parse_count(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    return (*s && !*end && n >= 0) ? n : -1;
}

int cmdline_line_count(int argc, char *argv[], long def, long *n)
{
    int i = 1;
    *n = def;
    if (i < argc && strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
        *n = parse_count(argv[i + 1]);
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
        *n = parse_count(argv[i] + 1);
        i++;
    }
    return *n < 0 ? -1 : i;
}

void cmdline_file_header(int argc, char *argv[], int first, int i)
{
    if (argc - first > 1)
        printf("%s==> %s <==\n", i > first ? "\n" : "", argv[i]);
    fflush(stdout);
}

/* One KEY=VALUE argument through t->tune; 0, or -1 after a message. */
static int set_tunable(const struct cmdline_tunables *t, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char key[32], *end;
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(key)) {
        fprintf(stderr, "%s: expected KEY=VALUE, not '%s'\n", t->prog, arg);
        return -1;
    }
    memcpy(key, arg, eq - arg);
    key[eq - arg] = '\0';
    unsigned long v = strtoul(eq + 1, &end, 10);
    if (!eq[1] || *end || eq[1] == '-') {
        fprintf(stderr, "%s: '%s' is not a number\n", t->prog, eq + 1);
        return -1;
    }
    if (t->tune(key, v) < 0) {
        fprintf(stderr, "%s: %s=%lu: %s\n", t->prog, key, v, strerror(errno));
        return -1;
    }
    return 0;
}

int cmdline_tunables_main(int argc, char *argv[], const struct cmdline_tunables *t)
{
    int i = 1;
    if (argc > 1 && !strchr(argv[1], '=')) {
        if (t->policy(argv[1], NULL, 0) < 0) {
            fprintf(stderr, "%s: %s: %s\n", t->prog, argv[1], strerror(errno));
            return 1;
        }
        i = 2;
    }
    for (; i < argc; i++)
        if (set_tunable(t, argv[i]) < 0)
            return 1;
    char *text = malloc(t->max);
    if (!text || t->policy(NULL, text, t->max) < 0) {
        fprintf(stderr, "%s: %s\n", t->prog, strerror(errno));
        free(text);
        return 1;
    }
    printf("%s\n", text);
    free(text);
    return 0;
}
