/* Host shim for lib/string.h: the host C library (strlcpy from glibc >= 2.38
 * or our own). */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include "types.h"
#include <string.h>

size_t host_strlcpy(char *dst, const char *src, size_t size);
#define strlcpy host_strlcpy

#endif
