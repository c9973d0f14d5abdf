/*
 * <quill/syscall.h>: the C prototypes of every system call, generated from
 * THE table, kernel/abi/syscalls.def (found through -iquote kernel).
 *
 * For each line  SYSCALL(nr, name, ret, (params))  this header declares
 *
 *     ret  name(params);         -1 and errno on error    (user/lib/syscalls.S)
 *     long __sys_name(params);   -errno on error, errno untouched
 *
 * Names that picolibc also declares (read, write, fork, kill, ...) are
 * declared here a second time.  C allows that as long as the two prototypes
 * agree, and this header includes picolibc's first so that the compiler
 * checks they do: a line in syscalls.def whose prototype disagrees with
 * picolibc's is a compile error of every user program, not a silent ABI bug.
 * SYSCALL_LIB lines (openat, fstat, nanosleep, ...) declare __sys_name only:
 * their POSIX functions, with picolibc's prototypes, are written in user/lib.
 *
 * Adding a system call: one line in syscalls.def (and the kernel's sys_
 * function); then `#include <quill/syscall.h>` and call it.  If it takes a
 * pointer to a new struct, declare the struct below (or include its ABI
 * header) so the prototype can name it.
 */
#ifndef QUILL_SYSCALL_H
#define QUILL_SYSCALL_H

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Structures of the system-call ABI (kernel/abi/), by pointer only. */
struct kstat;
struct kdirent;
struct ktimespec;
struct kutsname;
struct procinfo;
struct ksigaction;
struct kitimerval;
struct vminfo;
struct vmstat;
struct vmregion;
struct vmpte;
struct ksysinfo;
struct kstatfs;
struct schedinfo;
struct sched_event;

#define SYSCALL(nr, name, ret, params)                                                             \
    ret name params;                                                                               \
    long __sys_##name params;
#define SYSCALL_LIB(nr, name, ret, params) long __sys_##name params;
#include "abi/syscalls.def"
#undef SYSCALL
#undef SYSCALL_LIB

/* Library functions over raw calls that picolibc does not declare. */
int brk(void *addr);

#endif
