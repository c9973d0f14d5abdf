# Host unit tests (Check framework).  Included by the root Makefile.
#
# Kernel sources that hold pure algorithms are compiled with the host gcc
# and -DHOST_TEST against the kernel's own headers: types.h, lib/printf.h and
# sync/spinlock.h have a HOST_TEST branch (host C library types, panic() as
# abort(), a pthread-mutex spinlock).  Only what cannot be shared is a shim in
# tests/unit/shim/ (first on the include path): proc/cpu.h (test threads as
# harts), mm/layout.h (an arena as physical memory), lib/string.h (the host
# C library, plus strlcpy).
#
#   make unit-test                  build into $(B)/unit/ and run every test
#   make unit-test UNIT_SAN=        without the sanitizers
#   make unit-test CK_RUN_SUITE=slab   (any Check environment variable works)

HOSTCC ?= gcc
UNIT_DIR := tests/unit
UNIT_B := $(B)/unit
UNIT_SAN ?= -fsanitize=address,undefined -fno-sanitize-recover=undefined
UNIT_CFLAGS = -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-fno-omit-frame-pointer $(UNIT_SAN) -DHOST_TEST \
	-I$(UNIT_DIR)/shim -Ikernel $(shell pkg-config --cflags check) -MMD -MP
UNIT_LIBS = $(shell pkg-config --libs check) -lpthread

# Each test binary: its own sources plus the shared shim and kernel sources.
UNIT_SHIM := $(UNIT_DIR)/shim/host_shim.c
UNIT_MM_SRCS := kernel/mm/buddy.c kernel/mm/page.c kernel/mm/slab.c
UNIT_SCHED_SRCS := kernel/sched/stride.c kernel/sched/lottery.c kernel/sched/mlfq.c \
	kernel/sched/cfs.c
UNIT_TESTS := mm_test repl_test sched_test
mm_test_SRCS := $(UNIT_DIR)/mm_test.c $(UNIT_DIR)/test_buddy.c $(UNIT_DIR)/test_page.c \
	$(UNIT_DIR)/test_slab.c $(UNIT_MM_SRCS) $(UNIT_SHIM)
# The replacement policies, built from the kernel's own files.
repl_test_SRCS := $(UNIT_DIR)/test_repl.c kernel/mm/repl.c kernel/mm/repl_fifo.c \
	kernel/mm/repl_clock.c kernel/mm/repl_aging.c $(UNIT_SHIM)
# The scheduling policies, built from the kernel's own files.
sched_test_SRCS := $(UNIT_DIR)/test_sched.c $(UNIT_SCHED_SRCS) $(UNIT_SHIM)

UNIT_BINS := $(UNIT_TESTS:%=$(UNIT_B)/%)

$(UNIT_B)/%.host.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -c $< -o $@

define UNIT_BIN_RULE
$(UNIT_B)/$(1): $(patsubst %.c,$(UNIT_B)/%.host.o,$($(1)_SRCS))
	$$(HOSTCC) $$(UNIT_CFLAGS) -o $$@ $$^ $$(UNIT_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call UNIT_BIN_RULE,$(t))))

# A failing test exits non-zero, which stops make.
unit-test: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; CK_VERBOSITY=$${CK_VERBOSITY:-normal} $$t; done

.PHONY: unit-test
