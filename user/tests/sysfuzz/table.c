/*
 * The call table: kernel/abi/syscalls.def itself (an X-macro).  Each line's
 * parameter list, as text, says what to pass: a parameter's type and name
 * give its kind (a path, a pointer, a descriptor, a size, flags, a pid, a
 * signal...), so a call added to syscalls.def is fuzzed with no edit here.
 * A few calls get a hint (`hints` below), each with its reason, shown by
 * `sysfuzz -l`.
 */
#include <stdio.h>
#include <string.h>
#include "fuzz.h"

static const char *const kind_names[] = {"int", "fd",  "dirfd", "size", "offset", "flags", "mode",
                                         "pid", "sig", "addr",  "ptr",  "path",   "strvec"};

struct hint {
    const char *name;
    int flags;
    const char *why;
};
static const struct hint hints[] = {
    {"poweroff", H_SKIP, "powers the machine off: the test would end"},
    {"reboot", H_SKIP, "restarts the machine: the test would end"},
    {"_exit", H_LAST, "ends the child: made once, as its last call"},
    {"fork", H_FORK, "the new process exits at once (no fork bombs)"},
    {"brk", H_BRK, "the break is put back after each call (the fuzzer's buffers are in the heap)"},
    {"execve", H_EXEC, "sometimes given /bin/true: success ends the child"},
    {"wait4", H_WAITPID, "pid -1 and 0 allowed (they mean the caller's children)"},
    {"rt_sigreturn", H_LAST,
     "restores registers from whatever the stack holds: the child ends there"},
    {"rt_sigaction", H_SIGACT,
     "the handler is mostly SIG_DFL, SIG_IGN or a function that returns "
     "(a random one only gets the child killed by the first SIGCHLD)"},
    {"pause", H_RARE, "waits for a signal that does not come: made a tenth as often"},
    {"rt_sigsuspend", H_RARE, "waits for a signal that does not come: made a tenth as often"},
    {"nanosleep", H_NAP,
     "the time is mostly under 10 ms (a long sleep only gets the child killed)"},
    {"mmap", H_MAP,
     "often a well-formed mapping (anonymous or of the file at fd 3, private or shared, "
     "fixed or not) in a window of 64 pages, then touched: random flags are refused"},
    {"mprotect", H_MAP, "often a range of the mapping window, then touched as the new prot allows"},
    {"munmap", H_MAP, "often a range of the mapping window (whole, part or none of a mapping)"},
    {"msync", H_MAP, "often a range of the mapping window, with MS_* flags"},
};

#define SYSCALL(nr, name, ret, params) {nr, #name, #params, 0, {0}, 0, NULL},
struct call table_calls[] = {
#include "abi/syscalls.def"
};
#undef SYSCALL
const int table_ncalls = (int)(sizeof(table_calls) / sizeof(table_calls[0]));

static bool has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = s; (p = strstr(p, w)) != NULL; p++) {
        bool left = p == s || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z'));
        char r = p[n];
        if (left && !(r == '_' || (r >= 'a' && r <= 'z')))
            return true;
    }
    return false;
}

/* One parameter's kind, from its declaration ("const char *path", "int fds[2]"). */
static enum kind classify(const char *decl)
{
    const char *name = decl + strlen(decl);
    while (name > decl && name[-1] != ' ' && name[-1] != '*')
        name--;
    bool ptr = strchr(decl, '*') || strchr(decl, '[');
    if (ptr) {
        if (strstr(decl, "*const") && strchr(decl, '['))
            return K_STRVEC;
        if (strstr(decl, "const char *"))
            return K_PATH; /* every const char * of the table is a path */
        return K_PTR;
    }
    static const struct {
        const char *word;
        enum kind k;
    } words[] = {
        {"fd", K_FD},       {"dirfd", K_DIRFD},   {"olddirfd", K_DIRFD}, {"newdirfd", K_DIRFD},
        {"oldfd", K_FD},    {"newfd", K_FD},      {"size", K_SIZE},      {"count", K_SIZE},
        {"length", K_SIZE}, {"len", K_SIZE},      {"max", K_SIZE},       {"offset", K_OFFSET},
        {"flags", K_FLAGS}, {"options", K_FLAGS}, {"mode", K_MODE},      {"pid", K_PID},
        {"sig", K_SIG},     {"addr", K_ADDR},
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(name, words[i].word) == 0 || has_word(name, words[i].word))
            return words[i].k;
    return K_INT;
}

void table_init(void)
{
    for (int i = 0; i < table_ncalls; i++) {
        struct call *c = &table_calls[i];
        char buf[256], *save = NULL;
        strncpy(buf, c->params + 1, sizeof(buf) - 1); /* drop "(" */
        buf[sizeof(buf) - 1] = 0;
        char *close = strrchr(buf, ')');
        if (close)
            *close = 0;
        for (char *tok = strtok_r(buf, ",", &save); tok && c->nargs < MAX_ARGS;
             tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            char *end = tok + strlen(tok);
            while (end > tok && end[-1] == ' ')
                *--end = 0;
            char *br = strchr(tok, '['); /* "fds[2]" -> pointer */
            if (strcmp(tok, "void") == 0)
                continue;
            c->kinds[c->nargs] = classify(tok);
            if (br && c->kinds[c->nargs] != K_STRVEC)
                c->kinds[c->nargs] = K_PTR;
            c->nargs++;
        }
        for (size_t h = 0; h < sizeof(hints) / sizeof(hints[0]); h++)
            if (strcmp(hints[h].name, c->name) == 0) {
                c->flags = hints[h].flags;
                c->why = hints[h].why;
            }
    }
}

void table_list(void)
{
    for (int i = 0; i < table_ncalls; i++) {
        printf("%4d %-16s", table_calls[i].nr, table_calls[i].name);
        for (int a = 0; a < table_calls[i].nargs; a++)
            printf(" %s", kind_names[table_calls[i].kinds[a]]);
        if (table_calls[i].why)
            printf("   [%s]", table_calls[i].why);
        printf("\n");
    }
}
