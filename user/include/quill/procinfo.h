/* <quill/procinfo.h>: struct procinfo, what getprocs() fills in (for ps). */
#ifndef QUILL_PROCINFO_H
#define QUILL_PROCINFO_H
#include "abi/procinfo.h"
#endif
