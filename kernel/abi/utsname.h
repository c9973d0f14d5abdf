/* uname(): what the kernel says about itself. */
#ifndef ABI_UTSNAME_H
#define ABI_UTSNAME_H

#define KUTS_LEN 65

struct kutsname {
    char sysname[KUTS_LEN];  /* "Quill" */
    char nodename[KUTS_LEN]; /* "quill" */
    char release[KUTS_LEN];  /* version of the kernel */
    char version[KUTS_LEN];  /* build date */
    char machine[KUTS_LEN];  /* "riscv64" */
};

#endif
