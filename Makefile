# Build, run, debug and test the kernel.  `make help` lists every target.
#
#   make               kernel, user programs, disk image and fsck: all that make qemu/test need
#   make qemu          build and boot under QEMU (CPUS=2 MEM=128M BOOTARGS=...)
#   make test          host unit tests + the QEMU test suite (pytest)
#   make grade         the same tests, scored by tests/rubric.txt (LAB=name: one lab)
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

# The default build is optimised (-O2) and has full debug information; it
# is what the tests and benchmarks run.  `make DEBUG=1` builds the kernel and
# the user programs -Og instead, for stepping in GDB with few
# `<optimized out>` variables.  Switching rebuilds everything (the flags are
# kept in $(B)/cflags).
DEBUG ?=
OPT := $(if $(filter 1 yes,$(DEBUG)),-Og,-O2)

KCFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany \
	-ffreestanding -fno-builtin -nostdlib -fno-common -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls \
	$(OPT) -g -Wall -Wextra -Werror -Wno-unused-parameter -std=gnu11 \
	-Ikernel -MMD -MP
KASFLAGS := $(KCFLAGS) -D__ASSEMBLY__
KLDFLAGS := -nostdlib -z max-page-size=4096 --no-warn-rwx-segments

KSRCS := $(shell find kernel -name '*.c' | sort)
KASMS := $(shell find kernel -name '*.S' | sort)
KOBJS := $(KSRCS:%.c=$(B)/%.o) $(KASMS:%.S=$(B)/%.o)

.PHONY: FORCE update-fs all kernel qemu qemu-gdb gdb test unit-test qemu-test grade lab-start labs bench bench-kernel bench-sched bench-profile plot fuzz format format-check clean help deps

all: kernel $(B)/fs.img $(B)/mkfs/fsck
kernel: $(B)/kernel.elf

# `make V=1` shows the full commands.
Q := $(if $(V),,@)

# Objects depend on the flags they were built with: $(B)/cflags holds them
# (the optimisation first) and changes only when they do (DEBUG=1, a flag
# added to KCFLAGS or UCFLAGS), which rebuilds every object.
FORCE:
$(B)/cflags: FORCE
	@mkdir -p $(B)
	@printf '%s\n' '$(OPT)' '$(KCFLAGS)' '$(UCFLAGS)' | cmp -s - $@ || \
		printf '%s\n' '$(OPT)' '$(KCFLAGS)' '$(UCFLAGS)' > $@

$(B)/%.o: %.c $(B)/cflags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(B)/%.o: %.S $(B)/cflags
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
FS_IMG ?= $(B)/fs.img
QEMUOPTS = -machine virt -bios default -kernel $(B)/kernel.elf -m $(MEM) -smp $(CPUS) \
	-nographic -global virtio-mmio.force-legacy=false \
	-drive file=$(FS_IMG),if=none,format=raw,id=root -device virtio-blk-device,drive=root
# The swap disk (vdb): build/swap.img, SWAP_MB MiB with the swap magic in its
# first page (kernel/mm/swap.h).  SWAP_MB=0 boots without swap.
ifneq ($(SWAP_MB),0)
QEMUOPTS += -drive file=$(B)/swap.img,if=none,format=raw,id=swap -device virtio-blk-device,drive=swap
SWAP_IMG := $(B)/swap.img
endif
ifneq ($(strip $(BOOTARGS)),)
QEMUOPTS += -append "$(BOOTARGS)"
endif

all: $(SWAP_IMG)

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
# The QEMU suite runs in TEST_JOBS pytest processes at once (pytest-xdist,
# Debian's python3-pytest-xdist; docs/testing.md): each test boots its own
# QEMUs on private copies of the images in its own directory, so tests share
# no file and no port.  TEST_JOBS=1 runs them one after another in one
# process.  --dist loadgroup with no group marked makes every test its own unit:
# a worker gets the next one when it has two left, longest first (LONG_FIRST in
# tests/conftest.py).  (Recursive: looked at after deps installed what was missing.)
# PYTEST_ARGS: more pytest options, e.g. --durations=60 (the slowest tests,
# to keep LONG_FIRST in order) or -x.
TEST_JOBS ?= 3
PYTEST_ARGS ?=
PYTEST_JOBS = $(if $(filter-out 0 1,$(TEST_JOBS)),$(if $(shell $(PYTHON) -c 'import xdist' \
	2>/dev/null && echo y),-n $(TEST_JOBS) --dist loadgroup,$(info pytest-xdist missing: \
	the tests run one at a time)))
test: deps
	$(MAKE) kernel $(B)/fs.img $(B)/mkfs/fsck unit-test format-check
	$(PYTHON) -m pytest -v $(PYTEST_JOBS) $(PYTEST_ARGS) tests

# make update-fs [FROM=image]: build/fs.img gets the new /bin and rootfs/ and
# keeps every other file of FROM (default: build/fs.img itself).
update-fs: $(MKFS_B)/mkfs $(MKFS_B)/fsck $(UPROGS)
	@sh scripts/update-fs.sh $(if $(FROM),$(FROM),$(B)/fs.img) $(B)/fs.img $(B)

# make grade: every test, scored; make grade LAB=name: one lab (tests/labs.txt).
grade: deps
	$(MAKE) kernel $(B)/fs.img $(B)/mkfs/fsck
	$(PYTHON) tests/grade.py $(if $(LAB),--lab $(LAB))

# make lab-start LAB=name [DEST=dir]: the lab's starting tree (docs/labs/README.md).
lab-start:
	@test -n "$(LAB)" || { echo "usage: make lab-start LAB=name [DEST=dir]; labs:"; \
		$(PYTHON) scripts/lab.py list; exit 2; }
	$(PYTHON) scripts/lab.py start $(LAB) $(DEST)

labs:
	$(PYTHON) scripts/lab.py list
	$(PYTHON) scripts/lab.py check

# The system-call fuzzer for a long run (tests/fuzzrun.py; docs/testing.md).
SEED ?= 1
CALLS ?= 1000000
JOBS ?= 3
fuzz: kernel $(B)/fs.img $(B)/mkfs/fsck
	$(PYTHON) tests/fuzzrun.py --seed $(SEED) --calls $(CALLS) --cpus $(CPUS) --jobs $(JOBS)

# `make bench`: the user-level benchmarks (user/bin/bench.c, user/bin/vmbench.c)
# on 1 and 4 harts, with a swap disk;
# ICOUNT=1: once, on one hart, under -icount shift=0 (deterministic counts);
# BENCH="getpid pipe": only those rows; BENCH_OPS=N: N operations per row.
# `make bench-kernel`: the in-kernel micro-benchmarks.
# BENCH_BOOTARGS="sched=lottery": more kernel arguments; BENCH_CPUS=4: harts under ICOUNT=1.
ICOUNT ?=
BENCH ?=
BENCH_OPS ?=
BENCH_BOOTARGS ?=
BENCH_CPUS ?=
bench: kernel $(B)/fs.img
	$(PYTHON) tests/bench.py $(if $(filter 1 yes,$(ICOUNT)),--icount) \
		$(if $(BENCH_CPUS),--cpus $(BENCH_CPUS)) \
		$(if $(BENCH_BOOTARGS),--bootargs "$(BENCH_BOOTARGS)") \
		$(if $(BENCH_OPS),--ops $(BENCH_OPS)) $(BENCH)

bench-kernel: kernel $(B)/fs.img
	$(PYTHON) tests/bench.py --kernel

# `make bench-sched`: yield2/yield64/pipe/pipe64 under every policy on 1 and 4
# harts, with the 64/2 and 4/1 ratios; ICOUNT=1: under -icount shift=0;
# BENCH_REPEAT=N: N boots each (min/median); BENCH_OPS, BENCH_BOOTARGS as above.
BENCH_REPEAT ?= 1
bench-sched: kernel $(B)/fs.img
	$(PYTHON) tests/bench.py --sched --repeat $(BENCH_REPEAT) \
		$(if $(filter 1 yes,$(ICOUNT)),--icount) \
		$(if $(BENCH_BOOTARGS),--bootargs "$(BENCH_BOOTARGS)") \
		$(if $(BENCH_OPS),--ops $(BENCH_OPS))

# `make bench-profile ROW=pipe`: one row's instructions per operation, per
# kernel function, from QEMU's instruction log (scripts/bench-profile.py);
# a row of bench or of vmbench; OPS=N: N and 3N operations (default 100).
ROW ?= getpid
bench-profile: kernel $(B)/fs.img
	$(PYTHON) scripts/bench-profile.py $(ROW) $(if $(OPS),--ops $(OPS))

# A Gantt chart of a workload: PLOT_CMD under PLOT_BOOTARGS on PLOT_CPUS harts
# -> build/plot.trace, build/plot.png and a metrics table (scripts/gantt.py).
PLOT_CPUS ?= 1
PLOT_BOOTARGS ?= sched=stride
PLOT_CMD ?= stride-abc 2
plot: kernel $(B)/fs.img
	$(PYTHON) scripts/plot-workload.py --cpus $(PLOT_CPUS) --bootargs "$(PLOT_BOOTARGS)" \
		--out $(B)/plot $(PLOT_CMD)

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
	@echo 'Targets (variables: CPUS=2 MEM=128M BOOTARGS= DEBUG=1 LAB= DEST= FS_IMG= V=1):'
	@echo '  make / make all    kernel, user programs, disk image and fsck (everything below needs)'
	@echo '  make kernel        build/kernel.elf only'
	@echo '  make uprogs        the user programs (user/bin, user/tests), staged in build/root/bin'
	@echo '  make build/fs.img  the root disk image (an image Quill wrote to is kept as fs.img.prev)'
	@echo '  make update-fs [FROM=img]  new /bin and rootfs/ in build/fs.img, keeping the other files'
	@echo '  make qemu          build and boot under QEMU (Ctrl-A X quits)'
	@echo '  make qemu-gdb      boot with every hart stopped, waiting for GDB on port $(GDBPORT)'
	@echo '  make gdb           attach gdb-multiarch to make qemu-gdb (.gdbinit: qps, qpt, uprog)'
	@echo '  make test          install missing packages, build, host unit tests + the QEMU suite'
	@echo '  make test TEST_JOBS=N  the QEMU suite in N processes at once (default 3; 1: one at a time)'
	@echo '  make test PYTEST_ARGS=--durations=60  more pytest options (here: the slowest tests)'
	@echo '  make unit-test     host unit tests only (allocators, mkfs, fsck)'
	@echo '  make grade         every test, scored by tests/rubric.txt; results in build/grade.json'
	@echo '  make grade LAB=x   one lab: its tests only, its score and pass mark (build/grade-x.json)'
	@echo '  make lab-start LAB=x [DEST=dir]  the starting tree of lab x (docs/labs/README.md)'
	@echo '  make labs          list the labs and check their markers in the sources'
	@echo '  make bench         user-level benchmarks, 1 and 4 harts (ICOUNT=1: exact counts, 1 hart)'
	@echo '  make bench-kernel  the in-kernel micro-benchmarks (docs/performance.md)'
	@echo '  make bench-sched   scheduler rows x every policy x 1 and 4 harts (ICOUNT=1, BENCH_REPEAT=N)'
	@echo '  make bench-profile ROW=pipe  instructions per operation of one bench row, per function'
	@echo '  make deps          install the Debian packages the build and tests need'
	@echo '  make format        clang-format the C sources (kernel, mkfs, user, unit tests)'
	@echo '  make format-check  list the C files that differ from clang-format (fails if any)'
	@echo '  make compile_commands.json  for clangd and other language servers'
	@echo '  make clean         delete build/ (the disk image too)'
	@echo '  make help          this list'

-include $(shell find $(B) -name '*.d' 2>/dev/null)
