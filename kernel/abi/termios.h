/*
 * The terminal interface of the console (ioctl requests and struct
 * ktermios), with Linux's numbers.  user/include/sys/termios.h builds
 * <termios.h> (struct termios, tcgetattr, ...) on this header.
 *
 * The console honours ICANON (line editing, lines handed to readers only
 * when complete), ECHO, ISIG (^C ^\ ^Z send SIGINT SIGQUIT SIGTSTP to the
 * foreground process group), ICRNL and OPOST|ONLCR; the other flags are
 * kept and reported but have no effect.
 */
#ifndef ABI_TERMIOS_H
#define ABI_TERMIOS_H

#define KNCCS 19

struct ktermios {
    unsigned int c_iflag;
    unsigned int c_oflag;
    unsigned int c_cflag;
    unsigned int c_lflag;
    unsigned char c_line;
    unsigned char c_cc[KNCCS];
};

/* c_cc indexes */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSTART 8
#define VSTOP 9
#define VSUSP 10

/* c_iflag */
#define ICRNL 0x100
/* c_oflag */
#define OPOST 0x1
#define ONLCR 0x4
/* c_cflag */
#define CS8 0x30
#define CREAD 0x80
/* c_lflag */
#define ISIG 0x1
#define ICANON 0x2
#define ECHO 0x8
#define ECHOE 0x10
#define ECHOK 0x20
#define ECHONL 0x40
#define NOFLSH 0x80
#define TOSTOP 0x100
#define ECHOCTL 0x200
#define IEXTEN 0x8000

/* ioctl requests */
#define TCGETS 0x5401
#define TCSETS 0x5402  /* now */
#define TCSETSW 0x5403 /* after output drains (the console writes synchronously) */
#define TCSETSF 0x5404 /* after output drains, discarding pending input */
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCGSID 0x5429

#endif
