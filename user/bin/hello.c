/* hello: the first user program.  Prints a greeting and its arguments. */
#include <stdio.h>

int main(int argc, char *argv[])
{
    printf("hello, world\n");
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    return 0;
}
