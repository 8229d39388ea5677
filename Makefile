# Squall: top-level Makefile. Builds the kernel of one stage from stacked lab layers
# and runs it, debugs it, grades it and benchmarks it. `make help` lists the targets.
#
#   LAB=NN       the stage (default: the highest lab present)
#   SOLUTION=1   put solutions/K over labs/K for every K <= LAB (reference kernel)
#   SOLVED=K     (instructors) put solutions over labs 01..K only; selfcheck uses K = LAB-1
#   T=pattern    with grade: run only tests whose name matches
#   DEBUG=1      debug checks that cost time (e.g. poisoning freed frames)
#   PAYLOAD=prio the shared scheduler payload the kernel loads by default (lab 04 on;
#                fifo unless set; bootargs payload=fifo|prio choose at boot)
#   BOOTARGS=..  with qemu/qemu-gdb: the kernel command line (run=prog,prog slice=us ...)
#   QEMU_ARGS=.. with qemu/qemu-gdb: more QEMU options, e.g. QEMU_ARGS='-d int -D int.log'
#   PROG=name    with gdb: also load that user program's symbols (and the payload's)
#
# How a stage is composed: labs/01..LAB are stacked; where two layers hold a file at the
# same relative path the later one wins (solutions/K sits just above labs/K). Sources
# are compiled from their real paths, so errors and gdb name the file you edit.
# `make tree` shows where each file comes from.

.DEFAULT_GOAL := all
SHELL := /bin/bash
TOP := $(abspath .)

# ---- stage selection ---------------------------------------------------------------
ALL_LAB_DIRS := $(sort $(wildcard labs/[0-9][0-9]-*))
ALL_LAB_NUMS := $(foreach d,$(ALL_LAB_DIRS),$(firstword $(subst -, ,$(notdir $(d)))))
HIGHEST_LAB := $(lastword $(ALL_LAB_NUMS))
LAB ?= $(HIGHEST_LAB)
two_digits = $(if $(filter 1 2 3 4 5 6 7 8 9,$(1)),0$(1),$(1))
strip_zero = $(patsubst 0%,%,$(1))
LABN := $(call two_digits,$(call strip_zero,$(LAB)))
ifeq ($(filter $(LABN),$(ALL_LAB_NUMS)),)
  $(error LAB=$(LAB): no such lab; labs present: $(ALL_LAB_NUMS))
endif
SEQUENCE := 01 02 03 04 05 06 07 08 09 10 11 12
STAGE_NUMS := $(wordlist 1,$(call strip_zero,$(LABN)),$(SEQUENCE))
ifeq ($(SOLUTION),1)
  SOLVED := $(LABN)
endif
SOLVED ?= 0
SOLVEDN := $(if $(filter 0 00,$(SOLVED)),0,$(call two_digits,$(call strip_zero,$(SOLVED))))
SOLVED_NUMS := $(if $(filter 0,$(SOLVEDN)),,$(wordlist 1,$(call strip_zero,$(SOLVEDN)),$(SEQUENCE)))

# Layers, lowest first.
LAYERS := $(foreach k,$(STAGE_NUMS),$(wildcard labs/$(k)-*) $(if $(filter $(k),$(SOLVED_NUMS)),$(wildcard solutions/$(k)-*)))
BUILD_NAME := lab$(LABN)$(if $(filter 0,$(SOLVEDN)),,$(if $(filter $(LABN),$(SOLVEDN)),-solution,-solved$(SOLVEDN)))
BUILD_ROOT ?= build
# Absolute, so targets have the same names whoever runs make (dependency files name them).
BUILD := $(abspath $(BUILD_ROOT))/$(BUILD_NAME)

# Compose: for every relative path, the topmost layer's file.
layer_files = $(shell cd $(1) && find . -type f ! -name README.md ! -name '*~' ! -name '.*' | sed 's|^\./||' | sort)
$(foreach L,$(LAYERS),$(foreach f,$(call layer_files,$(L)),$(eval SRC.$(f) := $(L)/$(f))$(eval RELS += $(f))))
RELS := $(sort $(RELS))
TREE_TEXT := $(foreach f,$(RELS),$(f)=$(SRC.$(f))) DEBUG=$(DEBUG) PAYLOAD=$(PAYLOAD)

# ---- toolchain -----------------------------------------------------------------------
CROSS ?= riscv64-unknown-elf-
CXX := $(CROSS)g++
OBJCOPY := $(CROSS)objcopy
OBJDUMP := $(CROSS)objdump
QEMU ?= qemu-system-riscv64
OPENSBI ?= /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
GDB ?= gdb-multiarch
HOSTCXX ?= g++

comma := ,
ARCH_FLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
reverse = $(if $(1),$(call reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))
INCLUDES := $(foreach L,$(call reverse,$(LAYERS)),-I$(L) -I$(L)/lib/std)
COMMON_FLAGS := $(ARCH_FLAGS) -ffreestanding -nostdlib -fno-exceptions -fno-rtti \
  -fno-omit-frame-pointer -fno-stack-protector -fno-pic -fno-pie -msmall-data-limit=0 \
  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-threadsafe-statics \
  -fno-tree-loop-distribute-patterns -O2 -g -Wall -Wextra -Wno-unused-parameter \
  -DSQUALL_STAGE=$(call strip_zero,$(LABN)) -DSQUALL_DEBUG=$(if $(filter 1,$(DEBUG)),1,0) \
  -DSQUALL_DEFAULT_PAYLOAD_PRIO=$(if $(filter prio,$(PAYLOAD)),1,0)
CXXFLAGS := -std=c++20 $(COMMON_FLAGS) $(INCLUDES)
ASFLAGS := $(COMMON_FLAGS) $(INCLUDES)
LDFLAGS := -nostdlib -static -Wl,--no-relax -Wl,--build-id=none -Wl,-z,noexecstack

# ---- kernel --------------------------------------------------------------------------
KERNEL_RELS := $(filter kernel/%.cc kernel/%.S lib/%.cc,$(filter-out %_test.cc,$(RELS)))

# User programs (lab 02 on): user/programs/NAME.cc, over the library in user/lib/.
# Lab 02 (no paging): they are linked into the kernel image: each one's main() is renamed
# user_main_NAME and a generated table (section .user_programs) lists them.
# Lab 03 on (user/user.ld present): each is its own ELF, linked with user/lib and lib/,
# and the kernel image embeds the ELF files; the table lists {name, start, end}.
USER_PROGRAM_RELS := $(filter user/programs/%.cc,$(RELS))
USER_PROGRAM_NAMES := $(basename $(notdir $(USER_PROGRAM_RELS)))
USER_LIB_RELS := $(filter user/lib/%.cc user/lib/%.S,$(filter-out %_test.cc,$(RELS)))
USER_ELF_MODE := $(if $(SRC.user/user.ld),1,)
ifeq ($(USER_ELF_MODE),)
KERNEL_RELS += $(USER_LIB_RELS) $(USER_PROGRAM_RELS)
$(foreach f,$(USER_PROGRAM_RELS),$(eval EXTRA_FLAGS.$(f) := -Dmain=user_main_$(basename $(notdir $(f)))))
endif
USER_TABLE := $(if $(USER_PROGRAM_RELS),$(BUILD)/gen/user_programs.o)

KERNEL_OBJS := $(foreach f,$(KERNEL_RELS),$(BUILD)/obj/$(basename $(f)).o) $(USER_TABLE)
KERNEL_LD := $(SRC.kernel/kernel.ld)
MANIFEST := $(BUILD)/tree.txt

# The manifest changes when a layer gains or loses a file: everything then rebuilds.
$(shell mkdir -p $(BUILD); \
  printf '%s\n' $(TREE_TEXT) > $(BUILD)/tree.new; \
  cmp -s $(BUILD)/tree.new $(MANIFEST) || mv $(BUILD)/tree.new $(MANIFEST); rm -f $(BUILD)/tree.new)

define compile_rule
$(BUILD)/obj/$(basename $(1)).o: $(SRC.$(1)) $(MANIFEST)
	@mkdir -p $$(@D)
	@echo "  CC      $(SRC.$(1))"
	@$(if $(filter %.S,$(1)),$(CXX) $(ASFLAGS),$(CXX) $(CXXFLAGS)) $(EXTRA_FLAGS.$(1)) -MMD -MP -c $$< -o $$@
endef
$(foreach f,$(KERNEL_RELS),$(eval $(call compile_rule,$(f))))

ifeq ($(USER_ELF_MODE),1)
# ---- user programs as ELF files (lab 03 on) ----------------------------------------
# User code has no frame-pointer backtrace (gdb unwinds with DWARF), and the linker may
# relax it: calls become jal, and globals near __global_pointer$ (user/user.ld, set in
# _start) one gp-relative instruction. The runtime's hot paths are counted in instructions.
USER_FLAGS := -ffunction-sections -fdata-sections -fomit-frame-pointer
USER_LDFLAGS := $(filter-out -Wl$(comma)--no-relax,$(LDFLAGS))
USER_COMMON_RELS := $(USER_LIB_RELS) $(filter lib/%.cc,$(filter-out %_test.cc,$(RELS)))
USER_COMMON_OBJS := $(foreach f,$(USER_COMMON_RELS),$(BUILD)/user/obj/$(basename $(f)).o)
USER_LD := $(SRC.user/user.ld)
USER_ELFS := $(foreach n,$(USER_PROGRAM_NAMES),$(BUILD)/user/$(n).elf)

define user_compile_rule
$(BUILD)/user/obj/$(basename $(1)).o: $(SRC.$(1)) $(MANIFEST)
	@mkdir -p $$(@D)
	@echo "  CC      $(SRC.$(1))  (user)"
	@$(if $(filter %.S,$(1)),$(CXX) $(ASFLAGS),$(CXX) $(CXXFLAGS)) $(USER_FLAGS) -MMD -MP -c $$< -o $$@
endef
$(foreach f,$(USER_COMMON_RELS) $(USER_PROGRAM_RELS),$(eval $(call user_compile_rule,$(f))))
-include $(foreach f,$(USER_COMMON_RELS) $(USER_PROGRAM_RELS),$(BUILD)/user/obj/$(basename $(f)).d)

$(BUILD)/user/%.elf: $(BUILD)/user/obj/user/programs/%.o $(USER_COMMON_OBJS) $(USER_LD)
	@echo "  LD      $@"
	@$(CXX) $(ARCH_FLAGS) $(USER_LDFLAGS) -Wl,--gc-sections -T $(USER_LD) -o $@ $< $(USER_COMMON_OBJS) -lgcc

$(BUILD)/gen/user_programs.S: $(MANIFEST)
	@mkdir -p $(@D)
	@{ echo '// Generated by the Makefile: the user programs ELF files, embedded, and their table.'; \
	   for n in $(USER_PROGRAM_NAMES); do \
	     echo "  .section .rodata.user_elf,\"a\""; echo "  .balign 16"; \
	     echo "user_elf_$${n}_start: .incbin \"$(abspath $(BUILD))/user/$$n.elf\""; echo "user_elf_$${n}_end:"; \
	     echo "  .section .rodata.user_names,\"a\""; echo "user_name_$$n: .asciz \"$$n\""; \
	     echo "  .section .registry.user_programs.1.,\"a\""; echo "  .balign 8"; \
	     echo "  .quad user_name_$$n, user_elf_$${n}_start, user_elf_$${n}_end"; \
	   done; } > $@
$(BUILD)/gen/user_programs.o: $(BUILD)/gen/user_programs.S $(USER_ELFS)
	@$(CXX) $(ASFLAGS) -c $< -o $@
else
$(BUILD)/gen/user_programs.cc: $(MANIFEST)
	@mkdir -p $(@D)
	@{ echo '// Generated by the Makefile from user/programs/*.cc: the built-in user programs.'; \
	   echo '#include "kernel/user_programs.hh"'; \
	   echo '#include "kernel/registry.hh"'; \
	   for n in $(USER_PROGRAM_NAMES); do \
	     echo "int user_main_$$n(u64 seed);"; \
	     echo "REGISTRY_ENTRY(user_programs, \"\") static const UserProgram program_$$n{\"$$n\", user_main_$$n};"; \
	   done; } > $@
$(BUILD)/gen/user_programs.o: $(BUILD)/gen/user_programs.cc
	@$(CXX) $(CXXFLAGS) -c $< -o $@
endif
-include $(KERNEL_OBJS:.o=.d)
# Lab 04 on: the shared scheduler payloads, built apart and embedded (adds to KERNEL_OBJS).
-include mk/payload.mk

$(BUILD)/kernel.elf: $(KERNEL_OBJS) $(KERNEL_LD)
	@echo "  LD      $@"
	@$(CXX) $(ARCH_FLAGS) $(LDFLAGS) -T $(KERNEL_LD) -o $@ $(KERNEL_OBJS) -lgcc
$(BUILD)/kernel.bin: $(BUILD)/kernel.elf
	@$(OBJCOPY) -O binary $< $@
$(BUILD)/kernel.asm: $(BUILD)/kernel.elf
	@$(OBJDUMP) -S -d $< > $@

# compile_commands.json for editors (clangd): one entry per kernel source.
$(BUILD)/compile_commands.json: $(MANIFEST) Makefile
	@{ echo '['; sep=''; for f in $(foreach f,$(KERNEL_RELS),$(SRC.$(f))); do \
	   printf '%s{"directory":"%s","file":"%s","command":"%s %s -c %s"}\n' "$$sep" "$(TOP)" "$$f" "$(CXX)" '$(CXXFLAGS)' "$$f"; sep=','; \
	 done; echo ']'; } > $@
	@ln -sf $(BUILD)/compile_commands.json compile_commands.json

.PHONY: all kernel
all kernel: env-quick $(BUILD)/kernel.bin $(BUILD)/kernel.asm $(BUILD)/compile_commands.json
	@echo "built $(BUILD)/kernel.elf (stage $(LABN)$(if $(filter 0,$(SOLVEDN)),, with solutions for labs up to $(SOLVEDN)))"

# ---- environment check ---------------------------------------------------------------
# Every top-level target first checks the toolchain (installing it with apt as root on
# Debian/Ubuntu); SKIP_ENV_CHECK=1 skips this (the grader's own nested builds use it).
.PHONY: env-quick check-env
env-quick:
ifneq ($(SKIP_ENV_CHECK),1)
	@tools/check_env.sh --quick
endif
check-env:
	@tools/check_env.sh --report

PYTHON = $(shell tools/find_python.sh)

# ---- running -------------------------------------------------------------------------
MEM ?= 128M
SMP ?= 1
BOOTARGS ?=
QEMU_ARGS ?=
RUN := tools/run_qemu.py --build $(BUILD) --mem $(MEM) --smp $(SMP) --bootargs "$(BOOTARGS)" \
  --qemu-args "$(QEMU_ARGS)"

# Stage 06 on: a FAT32 disk for make qemu (tools/mkdisk.py: a demo tree, /big.bin,
# /small.bin); `make disk` makes it afresh, DISK_DIR=dir puts a directory of yours on it.
DISK_IMAGE := $(if $(SRC.lib/fs_abi.hh),$(BUILD)/disk.img)
DISK_DIR ?=
$(BUILD)/disk.img:
	@mkdir -p $(BUILD)
	@python3 tools/mkdisk.py --out $@ --cluster 4096 $(DISK_DIR)
.PHONY: disk
disk:
	@rm -f $(BUILD)/disk.img
	@$(MAKE) --no-print-directory $(BUILD)/disk.img

.PHONY: qemu qemu-gdb gdb
qemu: all $(DISK_IMAGE)
	@python3 $(RUN)
qemu-gdb: all $(DISK_IMAGE)
	@python3 $(RUN) --gdb
# make gdb PROG=name: also the symbols of that user program (stage 03 on: its own ELF, at
# its own addresses) and, stage 04 on, of the payload the kernel loads, so `break main`
# or `break pop_task` work by name. One program at a time: they share their addresses.
PROG ?=
GDB_PAYLOAD := $(BUILD)/payload/$(if $(filter prio,$(PAYLOAD)),prio,fifo).elf
gdb: env-quick
	@test -f $(BUILD)/gdb-port || { echo "no QEMU waiting for gdb: run 'make qemu-gdb LAB=$(LABN)' in another terminal first"; exit 1; }
	@$(if $(PROG),test -f $(BUILD)/user/$(PROG).elf || { echo "make gdb: no user program '$(PROG)' at stage $(LABN) \
	  (with its own ELF: stage 03 on); there are: $(USER_PROGRAM_NAMES)"; exit 1; })
	@$(GDB) -q -nx -x $(BUILD)/gdbinit \
	  $(if $(wildcard $(GDB_PAYLOAD)),-ex 'add-symbol-file $(GDB_PAYLOAD)') \
	  $(if $(PROG),-ex 'add-symbol-file $(BUILD)/user/$(PROG).elf') $(GDB_ARGS)

# make symbolize [LOG=file]: a panic backtrace (from a serial log, or stdin) with names.
.PHONY: symbolize
symbolize:
	@python3 tools/symbolize.py --build $(BUILD) $(LOG)

.PHONY: tree
tree:
	@python3 tools/tree.py $(LABN) $(LAYERS)

# ---- grading, selfcheck, benchmarks, tests ------------------------------------------
GRADE_ARGS ?=
.PHONY: grade selfcheck bench host-test test clean help
grade: env-quick
	@$(PYTHON) grader/grade.py --lab $(LABN) --solved $(SOLVEDN) $(if $(T),-k '$(T)') $(GRADE_ARGS)

selfcheck: env-quick
	@$(PYTHON) grader/selfcheck.py $(if $(LABS),--labs '$(LABS)')

bench: env-quick
	@$(PYTHON) grader/bench.py --lab $(LABN)

# Host unit tests: every *_test.cc of the composed tree (yours, or SOLUTION=1), compiled
# with the host g++ against Squall's own freestanding headers, run under ASan and UBSan.
HOST_TEST_RELS := $(filter %_test.cc,$(RELS))
host-test: env-quick
	@$(MAKE) -s --no-print-directory LAB=$(LABN) SOLVED=$(SOLVEDN) SKIP_ENV_CHECK=1 host-test-run
.PHONY: host-test-run
host-test-run:
	@mkdir -p $(BUILD)/host; status=0; printf "\0\0\0\0" > $(BUILD)/host/empty.bin; \
	$(QEMU) -machine virt,dumpdtb=$(BUILD)/host/virt.dtb -m 128M -smp 1 -kernel $(BUILD)/host/empty.bin -append host-test -nographic >/dev/null 2>&1; \
	for f in $(foreach f,$(HOST_TEST_RELS),$(SRC.$(f))); do \
	  exe=$(BUILD)/host/$$(basename $$f .cc); \
	  $(HOSTCXX) -std=c++20 -nostdinc++ -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -DSQUALL_DEBUG=1 \
	    $(INCLUDES) -Igrader/host -o $$exe $$f || { echo "host-test: $$f: build failed"; status=1; continue; }; \
	  $$exe $(BUILD)/host/virt.dtb || { echo "host-test: $$f: FAILED"; status=1; }; \
	done; exit $$status

test: env-quick
	@$(MAKE) --no-print-directory host-test SOLUTION=1
	@$(PYTHON) grader/selfcheck.py
	@$(PYTHON) -m pytest -q grader/meta

clean:
	rm -rf build compile_commands.json

-include mk/instructor.mk

help:
	@echo "Students:    make qemu LAB=NN | make qemu-gdb LAB=NN + make gdb LAB=NN | make grade LAB=NN [T=pattern]"
	@echo "             make disk [DISK_DIR=dir] (stage 06 on: the FAT32 disk make qemu attaches)"
	@echo "             make tree LAB=NN | make host-test | make check-env | make symbolize [LOG=file]"
	@echo "             BOOTARGS='run=hello,args slice=1000' (stage 02 on: user programs to run)"
	@echo "Instructors: make qemu SOLUTION=1 | make grade LAB=NN SOLUTION=1 [HIDDEN=1] | make selfcheck | make bench | make test"
	@echo "             make handout [LAB=N] | make batch SUBMISSIONS=dir LAB=NN | make gradescope LAB=NN"
