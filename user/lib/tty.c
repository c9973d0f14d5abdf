/*
 * Terminals: isatty, tcgetattr/tcsetattr, tcgetpgrp/tcsetpgrp, cfmakeraw,
 * over the console's ioctls (kernel/abi/termios.h), and the process-group
 * calls picolibc declares but the kernel names differently (getpgrp).
 */
#include <errno.h>
#include <termios.h>
#include <unistd.h>

#include "ulib.h"

int isatty(int fd)
{
    struct ktermios t;
    long r = __sys_ioctl(fd, TCGETS, &t);
    if (r < 0) {
        errno = r == -EBADF ? EBADF : ENOTTY;
        return 0;
    }
    return 1;
}

int tcgetattr(int fd, struct termios *t)
{
    return ioctl(fd, TCGETS, t);
}

int tcsetattr(int fd, int when, const struct termios *t)
{
    unsigned long req = when == TCSANOW     ? TCSETS
                        : when == TCSADRAIN ? TCSETSW
                        : when == TCSAFLUSH ? TCSETSF
                                            : 0;
    if (!req) {
        errno = EINVAL;
        return -1;
    }
    return ioctl(fd, req, (void *)t);
}

void cfmakeraw(struct termios *t)
{
    t->c_iflag &= ~ICRNL;
    t->c_oflag &= ~OPOST;
    t->c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

pid_t tcgetpgrp(int fd)
{
    int pgrp;
    if (ioctl(fd, TIOCGPGRP, &pgrp) < 0)
        return -1;
    return pgrp;
}

int tcsetpgrp(int fd, pid_t pgrp)
{
    int v = pgrp;
    return ioctl(fd, TIOCSPGRP, &v);
}

pid_t tcgetsid(int fd)
{
    int sid;
    if (ioctl(fd, TIOCGSID, &sid) < 0)
        return -1;
    return sid;
}

pid_t getpgrp(void)
{
    return getpgid(0);
}
