/*
 * stty: show or change the terminal's modes (of standard input).
 *
 * Usage: stty                 show the modes and the control characters
 *        stty SETTING...      change them; a SETTING is one of
 *          [-]icanon [-]echo [-]isig [-]icrnl [-]opost [-]onlcr
 *                             set (or, with '-', clear) that flag
 *          raw                every byte at once, no echo, no signals
 *                             (-icanon -echo -isig -icrnl -opost)
 *          sane, cooked, -raw the modes the console starts in
 *
 * The shell keeps the modes a program leaves when it exits normally (so
 * `stty -echo` lasts), and puts its own back after a job that a signal
 * ended or stopped (docs/signals.md).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>

struct flag {
    const char *name;
    int word; /* 0 iflag, 1 oflag, 2 lflag */
    unsigned bit;
};

static const struct flag flags[] = {
    {"icanon", 2, ICANON}, {"echo", 2, ECHO},   {"isig", 2, ISIG},
    {"icrnl", 0, ICRNL},   {"opost", 1, OPOST}, {"onlcr", 1, ONLCR},
};
#define NFLAGS (sizeof(flags) / sizeof(flags[0]))

static tcflag_t *flag_word(struct termios *t, int word)
{
    return word == 0 ? &t->c_iflag : word == 1 ? &t->c_oflag : &t->c_lflag;
}

/* "^C" for 3, "^?" for DEL, "undef" for 0 */
static const char *cc_name(cc_t c, char *buf)
{
    if (c == 0)
        return "undef";
    if (c == 0x7f)
        return "^?";
    if (c < ' ')
        snprintf(buf, 4, "^%c", c + '@');
    else
        snprintf(buf, 4, "%c", c);
    return buf;
}

static void show(const struct termios *t)
{
    struct termios c = *t;
    for (size_t i = 0; i < NFLAGS; i++)
        printf("%s%s%s", i ? " " : "", (*flag_word(&c, flags[i].word) & flags[i].bit) ? "" : "-",
               flags[i].name);
    static const struct {
        const char *name;
        int index;
    } ccs[] = {{"intr", VINTR}, {"quit", VQUIT},   {"susp", VSUSP},
               {"eof", VEOF},   {"erase", VERASE}, {"kill", VKILL}};
    char buf[4];
    for (size_t i = 0; i < sizeof(ccs) / sizeof(ccs[0]); i++)
        printf("%s%s = %s", i ? "; " : "\n", ccs[i].name, cc_name(t->c_cc[ccs[i].index], buf));
    printf("\n");
}

/* The console's modes at boot (kernel/dev/console.c). */
static void sane(struct termios *t)
{
    t->c_iflag = ICRNL;
    t->c_oflag = OPOST | ONLCR;
    t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | IEXTEN;
    t->c_cc[VINTR] = 'C' - '@';
    t->c_cc[VQUIT] = '\\' - '@';
    t->c_cc[VSUSP] = 'Z' - '@';
    t->c_cc[VEOF] = 'D' - '@';
    t->c_cc[VERASE] = 0x7f;
    t->c_cc[VKILL] = 'U' - '@';
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

/* Apply one SETTING to t; -1 if it is not one. */
static int apply(struct termios *t, const char *arg)
{
    if (!strcmp(arg, "raw")) {
        cfmakeraw(t);
        return 0;
    }
    if (!strcmp(arg, "sane") || !strcmp(arg, "cooked") || !strcmp(arg, "-raw")) {
        sane(t);
        return 0;
    }
    int off = arg[0] == '-';
    for (size_t i = 0; i < NFLAGS; i++) {
        if (strcmp(arg + off, flags[i].name))
            continue;
        tcflag_t *w = flag_word(t, flags[i].word);
        *w = off ? *w & ~flags[i].bit : *w | flags[i].bit;
        return 0;
    }
    return -1;
}

int main(int argc, char *argv[])
{
    struct termios t;
    if (tcgetattr(0, &t) < 0) {
        fprintf(stderr, "stty: standard input: %s\n", strerror(errno));
        return 1;
    }
    if (argc == 1) {
        show(&t);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (apply(&t, argv[i]) < 0) {
            fprintf(stderr, "stty: unknown setting '%s'\n", argv[i]);
            return 1;
        }
    }
    if (tcsetattr(0, TCSADRAIN, &t) < 0) {
        fprintf(stderr, "stty: standard input: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
