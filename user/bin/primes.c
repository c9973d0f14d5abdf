/*
 * primes: the primes up to N, by a pipeline of processes (the sieve of
 * Eratosthenes after Doug McIlroy, as in "Bell Labs and CSP threads").
 * LAB util FILE: the reference solution of docs/labs/util.md (primes).
 *
 * Usage: primes [N]        (default 35, at most PRIMES_MAX)
 *
 * The first process writes 2..N into a pipe.  Each stage reads its first
 * number p (a prime: nothing smaller divided it), prints "prime p", starts
 * the next stage on a new pipe, and passes on every number not divisible by
 * p.  Each stage waits for the one after it, so the last line is printed
 * before the first process exits; no process keeps a pipe end it does not
 * use (or the stages after it would never see end of file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define PRIMES_MAX 10000

/* Read one int from fd; 0 at end of file. */
static int read_int(int fd, int *v)
{
    return read(fd, v, sizeof(*v)) == (ssize_t)sizeof(*v);
}

static void stage(int in) __attribute__((noreturn));

static void stage(int in)
{
    int p, n;
    if (!read_int(in, &p))
        exit(0);
    printf("prime %d\n", p);
    fflush(stdout);
    int fds[2];
    if (pipe(fds) < 0) {
        perror("primes: pipe");
        exit(1);
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("primes: fork");
        exit(1);
    }
    if (pid == 0) {
        close(in);
        close(fds[1]);
        stage(fds[0]);
    }
    close(fds[0]);
    while (read_int(in, &n))
        if (n % p != 0 && write(fds[1], &n, sizeof(n)) != (ssize_t)sizeof(n))
            exit(1);
    close(in);
    close(fds[1]);
    int st;
    waitpid(pid, &st, 0);
    exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
}

int main(int argc, char *argv[])
{
    int limit = argc > 1 ? atoi(argv[1]) : 35;
    if (limit < 2 || limit > PRIMES_MAX) {
        fprintf(stderr, "usage: primes [N]   (2 <= N <= %d)\n", PRIMES_MAX);
        return 2;
    }
    int fds[2];
    if (pipe(fds) < 0) {
        perror("primes: pipe");
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("primes: fork");
        return 1;
    }
    if (pid == 0) {
        close(fds[1]);
        stage(fds[0]);
    }
    close(fds[0]);
    for (int n = 2; n <= limit; n++)
        if (write(fds[1], &n, sizeof(n)) != (ssize_t)sizeof(n))
            return 1;
    close(fds[1]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
