/*
 * The benchmark programs' harness (<quill/benchrow.h>): counters, the
 * command line, one output line per row.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <quill/benchrow.h>

static inline uint64_t rd_instret(void)
{
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_start(struct bench_sample *m)
{
    m->start_ns = now_ns();
    m->start_instret = rd_instret();
}

void bench_stop(struct bench_sample *m)
{
    uint64_t i = rd_instret();
    m->ns += now_ns() - m->start_ns;
    m->instret += i - m->start_instret;
}

static const struct bench_row *row_named(const struct bench_row *rows, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

/* Run one row; 0 on success, -1 after reporting the error. */
static int run_row(const char *prog, const struct bench_row *r, long ops)
{
    struct bench_sample m = {0, 0, 0, 0};
    long units = r->run(ops > 0 ? ops : r->ops, &m);
    if (units <= 0) {
        int err = errno;
        printf("%s %s: error: %s%s\n", prog, r->name, strerror(err),
               err == EAGAIN ? " (too many processes? boot with maxproc=128)" : "");
        return -1;
    }
    printf("%-10s %-42s %12llu %10llu %8ld %s\n", r->name, r->what,
           (unsigned long long)(m.instret / units), (unsigned long long)(m.ns / units), units,
           r->unit);
    fflush(stdout);
    return 0;
}

static void usage(const char *prog)
{
    fprintf(stderr, "usage: %s [-l] [-n OPS] [ROW...]\n", prog);
    exit(2);
}

static void list_rows(const struct bench_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%-10s %-42s %6ld %s\n", rows[i].name, rows[i].what, rows[i].ops, rows[i].unit);
}

int bench_main(const char *prog, const struct bench_row *rows, size_t n, int argc, char *argv[])
{
    long ops = 0;
    int opt, status = 0;
    while ((opt = getopt(argc, argv, "ln:")) != -1) {
        switch (opt) {
        case 'l':
            list_rows(rows, n);
            return 0;
        case 'n':
            ops = strtol(optarg, NULL, 10);
            if (ops < 1 || ops > 1000000)
                usage(prog);
            break;
        default:
            usage(prog);
        }
    }
    for (int i = optind; i < argc; i++)
        if (!row_named(rows, n, argv[i])) {
            fprintf(stderr, "%s: no row '%s' (%s -l lists them)\n", prog, argv[i], prog);
            return 2;
        }
    printf("%-10s %-42s %12s %10s %8s\n", "row", "what", "instret/unit", "ns/unit", "count");
    if (optind == argc) {
        for (size_t i = 0; i < n; i++)
            status |= run_row(prog, &rows[i], ops);
    } else {
        for (int i = optind; i < argc; i++)
            status |= run_row(prog, row_named(rows, n, argv[i]), ops);
    }
    printf("%s: done\n", prog);
    return status ? 1 : 0;
}
