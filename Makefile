# Build, run, debug and test the kernel.  `make help` lists the targets.
#
#   make qemu          build and boot under QEMU (CPUS=2 MEM=128M BOOTARGS=...)
#   make test          host unit tests + the QEMU test suite (pytest)
#   make grade         the same tests, scored by tests/rubric.txt
#   make qemu-gdb      boot and wait for GDB on $(GDBPORT); `make gdb` attaches
#   make format        clang-format every C file; `make format-check` lists drift

TOOLPREFIX ?= riscv64-unknown-elf-
CC      = $(TOOLPREFIX)gcc
LD      = $(TOOLPREFIX)ld
NM      = $(TOOLPREFIX)nm
OBJDUMP = $(TOOLPREFIX)objdump
QEMU    ?= qemu-system-riscv64
PYTHON  ?= /usr/bin/python3
GDB     ?= gdb-multiarch

CPUS     ?= 2
MEM      ?= 128M
SWAP_MB  ?= 64
BOOTARGS ?=
GDBPORT  ?= $(shell expr `id -u` % 5000 + 25000)

B := build

# Install the toolchain and emulator on first use (Debian packages).
DEPS_OK := $(shell for t in $(CC) $(QEMU); do command -v $$t >/dev/null || echo missing; done)
ifneq ($(DEPS_OK),)
$(info Installing missing tools with scripts/install-deps.sh ...)
$(shell sh scripts/install-deps.sh >&2)
endif

KCFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany \
	-ffreestanding -fno-builtin -nostdlib -fno-common -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -std=gnu11 \
	-Ikernel -MMD -MP
KASFLAGS := $(KCFLAGS) -D__ASSEMBLY__
KLDFLAGS := -nostdlib -z max-page-size=4096 --no-warn-rwx-segments

KSRCS := $(shell find kernel -name '*.c' | sort)
KASMS := $(shell find kernel -name '*.S' | sort)
KOBJS := $(KSRCS:%.c=$(B)/%.o) $(KASMS:%.S=$(B)/%.o)

.PHONY: all kernel qemu qemu-gdb gdb test unit-test qemu-test grade bench format format-check clean help deps

all: kernel
kernel: $(B)/kernel.elf

# `make V=1` shows the full commands.
Q := $(if $(V),,@)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(B)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# The kernel links twice: the second time with a table of its own function
# symbols (for backtraces).  The table sits last in the image, so adding it
# moves no function.
$(B)/ksyms0.S:
	@mkdir -p $(B)
	$(Q)sh scripts/gen-ksyms.sh /dev/null > $@

$(B)/kernel0.elf: $(KOBJS) $(B)/ksyms0.o kernel.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(KLDFLAGS) -T kernel.ld -o $@ $(KOBJS) $(B)/ksyms0.o

$(B)/ksyms.S: $(B)/kernel0.elf scripts/gen-ksyms.sh
	$(Q)$(NM) -n --defined-only $< | sh scripts/gen-ksyms.sh - > $@

$(B)/kernel.elf: $(KOBJS) $(B)/ksyms.o kernel.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(KLDFLAGS) -T kernel.ld -o $@ $(KOBJS) $(B)/ksyms.o
	$(Q)$(OBJDUMP) -S $@ > $(B)/kernel.asm
	$(Q)$(NM) -n $@ > $(B)/kernel.sym

$(B)/ksyms0.o: $(B)/ksyms0.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@
$(B)/ksyms.o: $(B)/ksyms.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# The root disk: build/fs.img, made by mkfs from rootfs/ (FS_MB MiB).  It keeps
# what you write to it between boots; `make clean` (or deleting it) resets it.
QEMUOPTS = -machine virt -bios default -kernel $(B)/kernel.elf -m $(MEM) -smp $(CPUS) \
	-nographic -global virtio-mmio.force-legacy=false \
	-drive file=$(B)/fs.img,if=none,format=raw,id=root -device virtio-blk-device,drive=root
# The swap disk (vdb): build/swap.img, SWAP_MB MiB with the swap magic in its
# first page (kernel/mm/swap.h).  SWAP_MB=0 boots without swap.
ifneq ($(SWAP_MB),0)
QEMUOPTS += -drive file=$(B)/swap.img,if=none,format=raw,id=swap -device virtio-blk-device,drive=swap
SWAP_IMG := $(B)/swap.img
endif
ifneq ($(strip $(BOOTARGS)),)
QEMUOPTS += -append "$(BOOTARGS)"
endif

qemu: kernel $(B)/fs.img $(SWAP_IMG)
	$(QEMU) $(QEMUOPTS)

$(B)/swap.img:
	@mkdir -p $(B)
	printf 'QUILLSWAP1' > $@.tmp && truncate -s $(SWAP_MB)M $@.tmp && mv $@.tmp $@

qemu-gdb: kernel $(B)/fs.img $(SWAP_IMG)
	@echo "*** QEMU is waiting for GDB on port $(GDBPORT): run 'make gdb' in another terminal"
	@sed "s/:1234/:$(GDBPORT)/" .gdbinit > $(B)/gdbinit
	$(QEMU) $(QEMUOPTS) -S -gdb tcp::$(GDBPORT)

gdb:
	$(GDB) -q -x $(B)/gdbinit

# ---- host tools, tests --------------------------------------------------
include mkfs/mkfs.mk
include user/user.mk
include tests/unit/unit.mk

unit-test: fs-unit-test

# deps first: the tests need more packages than the build (pytest, Check, gdb).
test: deps
	$(MAKE) kernel $(B)/fs.img $(B)/mkfs/fsck unit-test
	$(PYTHON) -m pytest -v tests

grade: deps
	$(MAKE) kernel $(B)/fs.img $(B)/mkfs/fsck
	$(PYTHON) tests/grade.py

bench: kernel $(B)/fs.img
	$(PYTHON) tests/bench.py

deps:
	sh scripts/install-deps.sh

compile_commands.json:
	$(MAKE) clean
	bear --output $@ -- $(MAKE) kernel

# Formatting: .clang-format over every C source and header (kernel, mkfs,
# user space, the host unit tests).  format-check changes nothing: it lists
# the files whose text differs from what clang-format makes of them, and fails
# if there are any.
FORMAT_SRCS = $(shell find kernel mkfs user tests/unit tests/fsunit -name '*.[ch]' | sort)

format:
	clang-format -i $(FORMAT_SRCS)

format-check:
	@bad=$$(for f in $(FORMAT_SRCS); do clang-format "$$f" | cmp -s - "$$f" || echo "$$f"; done); \
	if [ -n "$$bad" ]; then \
		echo "format-check: not formatted (run make format):"; echo "$$bad" | sed 's/^/  /'; exit 1; \
	fi; \
	echo "format-check: $(words $(FORMAT_SRCS)) files formatted"

clean:
	rm -rf $(B)

help:
	@sed -n '1,8p' Makefile

-include $(shell find $(B) -name '*.d' 2>/dev/null)
