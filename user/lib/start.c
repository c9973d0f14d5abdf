/*
 * C half of program start-up: environ, constructors, main, exit.
 * crt0.S has set gp, tp and computed argc/argv/envp from the initial stack.
 */
#include <stdlib.h>
#include <unistd.h>

#include "ulib.h"

extern char **environ;

int main(int argc, char **argv, char **envp);

void __libc_init_array(void);

void __libc_start(int argc, char **argv, char **envp)
{
    environ = envp;
    __libc_init_array(); /* constructors, incl. stdio's buffering choice */
    exit(main(argc, argv, envp));
}
