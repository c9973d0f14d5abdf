# Host tools for the file system: mkfs, fsck, their unit tests, and the disk
# image.  Included by the root Makefile; also works alone:
#   make -f mkfs/mkfs.mk build/fs.img
#
#   make $(B)/mkfs/mkfs $(B)/mkfs/fsck   the tools (host gcc)
#   make $(B)/fs.img                     QFS image of FS_MB MiB from FS_TREES, then fsck'd
#   make fs-unit-test                    Check tests of mkfs and fsck (FSUNIT_SAN= to drop ASan)
#
# More trees (e.g. a staging directory of user programs) are merged into the
# image root by adding to FS_TREES and making fs.img depend on them:
#   FS_TREES += $(B)/root
#   $(B)/fs.img: $(UPROGS)

HOSTCC ?= gcc
B ?= build
FS_MB ?= 64
FS_TREES ?= rootfs

MKFS_B := $(B)/mkfs
MKFS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Ikernel -DQFS_HOST -MMD -MP
MKFS_SRCS := mkfs/mkfs.c mkfs/mkfs_lib.c mkfs/common.c
FSCK_SRCS := mkfs/fsck.c mkfs/fsck_lib.c mkfs/fsck_dir.c mkfs/common.c
# Shared with the kernel: the journal's checksum.
SHARED_SRCS := kernel/fs/crc32c.c

$(MKFS_B)/%.host.o: mkfs/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(MKFS_CFLAGS) -c $< -o $@

$(MKFS_B)/%.host.o: kernel/fs/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(MKFS_CFLAGS) -c $< -o $@

$(MKFS_B)/mkfs: $(MKFS_SRCS:mkfs/%.c=$(MKFS_B)/%.host.o) $(SHARED_SRCS:kernel/fs/%.c=$(MKFS_B)/%.host.o)
	$(HOSTCC) $(MKFS_CFLAGS) -o $@ $^

$(MKFS_B)/fsck: $(FSCK_SRCS:mkfs/%.c=$(MKFS_B)/%.host.o) $(SHARED_SRCS:kernel/fs/%.c=$(MKFS_B)/%.host.o)
	$(HOSTCC) $(MKFS_CFLAGS) -o $@ $^

# fsck checks every new image; a bad one is removed.  An old image that
# Quill wrote to is kept as fs.img.prev (scripts/keep-old-image.sh says so).
$(B)/fs.img: $(MKFS_B)/mkfs $(MKFS_B)/fsck $(shell find rootfs 2>/dev/null)
	@sh scripts/keep-old-image.sh $@ "$?"
	$(MKFS_B)/mkfs $@ $(FS_MB) $(FS_TREES)
	$(MKFS_B)/fsck $@ || { rm -f $@; exit 1; }
	@sh scripts/keep-old-image.sh --record $@

# ---- unit tests (Check), built with the sanitizers -----------------------
FSUNIT_B := $(B)/fsunit
FSUNIT_SAN ?= -fsanitize=address,undefined -fno-sanitize-recover=undefined
FSUNIT_CFLAGS = -std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-omit-frame-pointer $(FSUNIT_SAN) \
	-Ikernel -Imkfs -DQFS_HOST $(shell pkg-config --cflags check) -MMD -MP
FSUNIT_LIBS = $(shell pkg-config --libs check)
FSUNIT_SRCS := tests/fsunit/fsunit.c tests/fsunit/test_mkfs.c tests/fsunit/test_fsck.c \
	mkfs/mkfs_lib.c mkfs/fsck_lib.c mkfs/fsck_dir.c mkfs/common.c $(SHARED_SRCS)

$(FSUNIT_B)/%.host.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(FSUNIT_CFLAGS) -c $< -o $@

$(FSUNIT_B)/fsunit: $(FSUNIT_SRCS:%.c=$(FSUNIT_B)/%.host.o)
	$(HOSTCC) $(FSUNIT_CFLAGS) -o $@ $^ $(FSUNIT_LIBS)

fs-unit-test: $(FSUNIT_B)/fsunit
	CK_VERBOSITY=$${CK_VERBOSITY:-normal} $<

.PHONY: fs-unit-test

-include $(shell find $(MKFS_B) $(FSUNIT_B) -name '*.d' 2>/dev/null)
