# User space: the C library layer (user/lib -> libquill.a) and the programs.
# Included by the root Makefile, after mkfs/mkfs.mk (it adds to FS_TREES and
# to the prerequisites of $(B)/fs.img).
#
#   every user/bin/NAME.c and user/tests/NAME.c is one program, and so is
#   every folder user/bin/NAME/ and user/tests/NAME/ (all the .c files in it,
#   linked together in the order of their names), built as
#     $(B)/user/bin/NAME        unstripped, for GDB (symbol-file ...)
#     $(B)/root/bin/NAME        stripped, staged for the disk image
#   No list to edit: drop a .c file (or a folder of them) in one of the
#   folders and it is built and installed.
#
#   make uprogs        all programs, staged in $(B)/root/bin
#
# Programs use picolibc (Debian's picolibc-riscv64-unknown-elf) for stdio,
# strings, malloc..., and OUR crt0 and system-call layer (user/lib), linked
# statically at 0x10000 with user/user.ld.  See docs/userlib.md.

UCC := $(TOOLPREFIX)gcc
UAR := $(TOOLPREFIX)ar
USTRIP := $(TOOLPREFIX)strip
PICOLIBC := /usr/lib/picolibc/riscv64-unknown-elf
UARCH := -march=rv64imafdc -mabi=lp64d -mcmodel=medlow

# -iquote kernel: "abi/..." finds the ABI headers shared with the kernel;
# <...> never searches kernel/, so no kernel header can shadow a libc one.
UCFLAGS := $(UARCH) -specs=$(PICOLIBC)/picolibc.specs \
	$(OPT) -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-fno-pie -fno-common -ffunction-sections -fdata-sections -fno-omit-frame-pointer \
	-Iuser/include -iquote kernel -MMD -MP
UASFLAGS := $(UCFLAGS) -D__ASSEMBLY__

# Link: our crt0 instead of picolibc's; libquill.a and libc.a in one group
# (each needs the other).  -u sbrk: our sbrk (over the brk system call) must
# be taken before picolibc's, which libc would otherwise pull in for malloc.
# --wrap: see user/lib/stdio.c.
UWRAP := fdopen fclose fflush vfprintf fputs
ULDFLAGS := $(UARCH) -static -nostdlib -nostartfiles -T user/user.ld \
	-Wl,--gc-sections -Wl,-z,max-page-size=4096 \
	-Wl,-u,sbrk $(foreach s,$(UWRAP),-Wl,--wrap=$(s))
ULIBS := -Wl,--start-group $(B)/user/libquill.a \
	-L$(PICOLIBC)/lib/rv64imafdc/lp64d -lc -lgcc -Wl,--end-group

ULIB_SRCS := $(sort $(wildcard user/lib/*.c user/lib/*.S))
ULIB_OBJS := $(patsubst user/lib/%,$(B)/user/lib/%.o,$(ULIB_SRCS))
UCRT0 := $(B)/user/lib/crt0.S.o
ULIB_ARCHIVE_OBJS := $(filter-out $(UCRT0),$(ULIB_OBJS))

# One-file programs, and folder programs (a folder holding .c files).
UPROG_SRCS := $(sort $(wildcard user/bin/*.c user/tests/*.c))
UPROG_NAMES := $(notdir $(UPROG_SRCS:.c=))
UPROG_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard user/bin/*/*.c user/tests/*/*.c))))
UPROG_DIR_NAMES := $(notdir $(UPROG_DIRS))
UPROGS := $(addprefix $(B)/root/bin/,$(UPROG_NAMES) $(UPROG_DIR_NAMES))
UPROGS_DEBUG := $(addprefix $(B)/user/bin/,$(UPROG_NAMES) $(UPROG_DIR_NAMES))
ifneq ($(words $(sort $(UPROG_NAMES) $(UPROG_DIR_NAMES))),$(words $(UPROG_NAMES) $(UPROG_DIR_NAMES)))
$(error two user programs have the same name: $(sort $(UPROG_NAMES) $(UPROG_DIR_NAMES)))
endif

# The objects of folder program DIR (user/bin/NAME or user/tests/NAME):
# $(B)/user/obj/NAME/FILE.o, in the order of the file names.
uprog_dir_objs = $(patsubst $(1)/%.c,$(B)/user/obj/$(notdir $(1))/%.o,$(sort $(wildcard $(1)/*.c)))
UPROG_DIR_OBJS := $(foreach d,$(UPROG_DIRS),$(call uprog_dir_objs,$(d)))

# Keep the objects and the unstripped programs (make would delete them as
# intermediate files of the chain .c -> .o -> bin -> staged bin).
.SECONDARY: $(UCRT0) $(addprefix $(B)/user/obj/,$(UPROG_NAMES:=.o)) $(UPROG_DIR_OBJS) \
	$(UPROGS_DEBUG)

$(B)/user/lib/%.c.o: user/lib/%.c $(B)/cflags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  UCC     $<")
	$(Q)$(UCC) $(UCFLAGS) -c $< -o $@

$(B)/user/lib/%.S.o: user/lib/%.S $(B)/cflags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  UAS     $<")
	$(Q)$(UCC) $(UASFLAGS) -c $< -o $@

$(B)/user/libquill.a: $(ULIB_ARCHIVE_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(UAR) rcs $@ $^

$(B)/user/obj/%.o: user/bin/%.c $(B)/cflags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  UCC     $<")
	$(Q)$(UCC) $(UCFLAGS) -c $< -o $@

$(B)/user/obj/%.o: user/tests/%.c $(B)/cflags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  UCC     $<")
	$(Q)$(UCC) $(UCFLAGS) -c $< -o $@

$(B)/user/bin/%: $(B)/user/obj/%.o $(UCRT0) $(B)/user/libquill.a user/user.ld
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  ULD     $@")
	$(Q)$(UCC) $(ULDFLAGS) -o $@ $(UCRT0) $< $(ULIBS)

# A folder program: its objects, and a link of all of them.
define uprog_dir_rules
$(B)/user/obj/$(notdir $(1))/%.o: $(1)/%.c $(B)/cflags
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  UCC     $$<")
	$$(Q)$$(UCC) $$(UCFLAGS) -c $$< -o $$@

$(B)/user/bin/$(notdir $(1)): $(call uprog_dir_objs,$(1)) $(UCRT0) $(B)/user/libquill.a user/user.ld
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  ULD     $$@")
	$$(Q)$$(UCC) $$(ULDFLAGS) -o $$@ $$(UCRT0) $(call uprog_dir_objs,$(1)) $$(ULIBS)
endef
$(foreach d,$(UPROG_DIRS),$(eval $(call uprog_dir_rules,$(d))))

$(B)/root/bin/%: $(B)/user/bin/%
	@mkdir -p $(dir $@)
	$(Q)$(USTRIP) -o $@ $<

.PHONY: uprogs
uprogs: $(UPROGS)

FS_TREES += $(B)/root
$(B)/fs.img: $(UPROGS)
