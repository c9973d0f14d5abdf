/*
 * init: the first user process (pid 1), started by the kernel.
 *
 * The kernel starts it with the console open as file descriptors 0, 1 and 2
 * (init reopens them, in case it was started some other way).  It starts
 * the shell on the console and restarts the shell whenever it exits, except
 * when the machine is going down: `poweroff` (or `reboot`) makes the kernel
 * stop every process but init, and sysinfo() then says so, so init only
 * goes on reaping until the power goes.  Every orphaned process is
 * re-parented to init by the kernel, so init's wait loop also reaps them
 * (otherwise they would stay zombies forever).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <quill/syscall.h>
#include <quill/sysinfo.h>

static void open_console(void)
{
    close(0);
    close(1);
    close(2);
    if (open("/dev/console", O_RDWR) != 0) {
        /* Nothing to print to: the kernel shows the exit status. */
        _exit(1);
    }
    dup(0); /* stdout */
    dup(0); /* stderr */
}

static int shutting_down(void)
{
    struct ksysinfo si;
    return sysinfo(&si) == 0 && si.shutdown;
}

static pid_t start_shell(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        /* The shell leads a session of its own, as a login shell does: init
         * stays outside it, so a job the shell leaves behind when it exits is
         * an orphaned group (docs/signals.md), and the console is free for
         * the next shell. */
        setsid();
        char *argv[] = {"sh", NULL};
        execv("/bin/sh", argv);
        fprintf(stderr, "init: cannot run /bin/sh\n");
        _exit(127);
    }
    if (pid < 0)
        fprintf(stderr, "init: fork failed\n");
    return pid;
}

int main(void)
{
    open_console();
    printf("init: starting sh\n");
    for (;;) {
        while (shutting_down()) {
            /* Reap what is left; the kernel powers off in a moment. */
            if (wait(NULL) < 0)
                sleep(1);
        }
        pid_t shell = start_shell();
        if (shell < 0) {
            sleep(1);
            continue;
        }
        /* Reap children (the shell and any orphans) until the shell exits. */
        for (;;) {
            int status;
            pid_t pid = wait(&status);
            if (pid == shell) {
                if (!shutting_down())
                    printf("init: sh exited (status %d); starting a new one\n",
                           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
                break;
            }
            if (pid < 0) /* no children at all: should not happen */
                break;
        }
    }
}
