/*
 * <termios.h> (picolibc's includes this file, which it does not ship):
 * struct termios and the calls over the console's ioctls.  Flags, c_cc
 * indexes and the layout are the kernel's (kernel/abi/termios.h).
 */
#ifndef QUILL_SYS_TERMIOS_H
#define QUILL_SYS_TERMIOS_H

#include <sys/types.h>
#include "abi/termios.h"

#define NCCS KNCCS
typedef unsigned int tcflag_t;
typedef unsigned char cc_t;
typedef unsigned int speed_t;

struct termios {
    tcflag_t c_iflag;
    tcflag_t c_oflag;
    tcflag_t c_cflag;
    tcflag_t c_lflag;
    cc_t c_line;
    cc_t c_cc[NCCS];
};

#define TCSANOW 0
#define TCSADRAIN 1
#define TCSAFLUSH 2

int tcgetattr(int fd, struct termios *t);
int tcsetattr(int fd, int when, const struct termios *t);
void cfmakeraw(struct termios *t);
pid_t tcgetpgrp(int fd);
int tcsetpgrp(int fd, pid_t pgrp);
pid_t tcgetsid(int fd);

#endif
