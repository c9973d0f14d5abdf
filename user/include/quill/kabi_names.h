/*
 * Drops the names that kernel/abi/stat.h and abi/time.h share with
 * picolibc's headers (same values, other spelling).  quill/kabi.h includes
 * it before and after the kernel's headers: no include guard on purpose.
 */
#undef S_IFMT
#undef S_IFDIR
#undef S_IFCHR
#undef S_IFREG
#undef S_IFLNK
#undef CLOCK_REALTIME
#undef CLOCK_MONOTONIC
