/* <quill/sysinfo.h>: sysinfo() and statfs() records (kernel/abi/sysinfo.h). */
#ifndef QUILL_SYSINFO_H
#define QUILL_SYSINFO_H

#include "abi/sysinfo.h"

#endif
