/* Host shim for lib/printf.h: stdio, and panic() = message + abort(). */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include "types.h"
#include <stdio.h>
#include <stdlib.h>
#include <assert.h>

void host_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
#define panic(...) host_panic(__VA_ARGS__)
#define ASSERT(e) assert(e)

#endif
