# port.mk: the riscv32-qemu port (bare-metal RV32IMC under QEMU `-M virt`).
# Included by the top-level Makefile, or used alone from the top directory:
#
#   make -f ports/riscv32-qemu/port.mk riscv32
#       build/riscv32-qemu/libucaml-vm.a (+ start.o)
#   make -f ports/riscv32-qemu/port.mk riscv32-image RISCV32_BYTECODE=prog.byte \
#        RISCV32_OUT=prog.elf [RISCV32_RAM=0x14000] [RISCV32_CSTACK=16384] \
#        [RISCV32_POOL=...] [RISCV32_HEAP=64k] [RISCV32_STACK_WORDS=4k] \
#        [RISCV32_ARGS='a b'] [RISCV32_ENV='OCAMLRUNPARAM=b'] [RISCV32_REPORT=1]
#        [RISCV32_PSRAM=16M] [RISCV32_QUIET=1 (no size report)]
#       links a firmware running prog.byte; the settings mean what the
#       XTENSA_ ones mean for xtensa-qemu (see board.ld): RAM budget 320 KB
#       by default, flash budget 4 MB.
#   ports/riscv32-qemu/run.sh [-i] [-t SECONDS] prog.elf [ARG...]
#       runs it under qemu-system-riscv32 until it ends or Ctrl-C
#
# Needs: gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc.

RV_DIR := ports/riscv32-qemu
RV_BUILD := build/riscv32-qemu
RV_CROSS ?= riscv64-unknown-elf-
RV_CC := $(RV_CROSS)gcc
RV_AR := $(RV_CROSS)ar
RV_PICOLIBC ?= /usr/lib/picolibc/riscv64-unknown-elf
RV_SPECS := --specs=$(RV_PICOLIBC)/picolibc.specs
# The ESP32-C3's instruction set.  -misa-spec=2.2: its base ISA includes the
# CSR instructions (Zicsr) and still selects picolibc's rv32im/ilp32 build,
# which "rv32imc_zicsr" would not.
RV_ARCH := -march=rv32imc -mabi=ilp32 -misa-spec=2.2
RV_CFLAGS := $(RV_SPECS) -std=c11 -Wall -Wextra -Werror -Wno-unused-parameter \
  -Os -g $(RV_ARCH) -ffunction-sections -fdata-sections \
  -I$(RV_DIR) -Iports/bare -Ivm -I$(RV_BUILD) $(RISCV32_CFLAGS)

RV_VM_SRC := $(sort $(wildcard vm/*.c))
RV_PRIM_SRC := $(sort $(wildcard vm/prim_*.c)) $(sort $(wildcard ports/bare/prim_*.c))
RV_PORT_SRC := $(RV_DIR)/port.c $(RV_DIR)/port_dev.c $(sort $(wildcard ports/bare/*.c))
RV_OBJ := $(patsubst %.c,$(RV_BUILD)/obj/%.o,$(RV_VM_SRC) $(RV_PORT_SRC))
RV_HDR := $(wildcard vm/*.h $(RV_DIR)/*.h ports/bare/*.h)
RV_LIB := $(RV_BUILD)/libucaml-vm.a
RV_START := $(RV_BUILD)/obj/start.o

riscv32: $(RV_LIB) $(RV_START)

$(RV_BUILD)/.deps: tools/install-deps.sh
	@mkdir -p $(RV_BUILD)
	@sh tools/install-deps.sh
	@touch $@

$(RV_LIB): $(RV_OBJ)
	@rm -f $@
	$(RV_AR) rcs $@ $(RV_OBJ)

# As on xtensa-qemu: the interpreter loop and the collector for speed.
RV_FAST := vm/interp.c vm/gc.c

$(RV_BUILD)/obj/%.o: %.c $(RV_HDR) $(RV_BUILD)/primtable.h | $(RV_BUILD)/.deps
	@mkdir -p $(dir $@)
	$(RV_CC) $(RV_CFLAGS) $(if $(filter $<,$(RV_FAST)),-O2) -c $< -o $@

$(RV_START): $(RV_DIR)/start.S | $(RV_BUILD)/.deps
	@mkdir -p $(dir $@)
	$(RV_CC) $(RV_CFLAGS) -c $< -o $@

$(RV_BUILD)/primtable.h: $(RV_PRIM_SRC) tools/gen_prims.sh
	@mkdir -p $(RV_BUILD)
	sh tools/gen_prims.sh $(RV_PRIM_SRC) > $@

# ---- firmware images ----
RV_IMG = $(RV_BUILD)/img/$(notdir $(RISCV32_OUT))
, := ,
RV_DEFSYM = $(if $(RISCV32_RAM),-Wl$(,)--defsym=RAM_BUDGET=$(RISCV32_RAM)) \
  $(if $(RISCV32_CSTACK),-Wl$(,)--defsym=STACK_SIZE=$(RISCV32_CSTACK)) \
  $(if $(RISCV32_POOL),-Wl$(,)--defsym=POOL_SIZE=$(RISCV32_POOL)) \
  $(if $(RISCV32_STACK_WORDS),-Wl$(,)--defsym=VM_STACK_WORDS=$(RISCV32_STACK_WORDS)) \
  $(if $(RISCV32_PSRAM),-Wl$(,)--defsym=PSRAM_SIZE=$(RISCV32_PSRAM))

riscv32-image: riscv32
	@test -n "$(RISCV32_BYTECODE)" -a -n "$(RISCV32_OUT)" || \
	  { echo "usage: make riscv32-image RISCV32_BYTECODE=prog.byte RISCV32_OUT=prog.elf" >&2; exit 2; }
	IMAGE_HEAP='$(RISCV32_HEAP)' IMAGE_STACK_WORDS='$(RISCV32_STACK_WORDS)' IMAGE_EPOCH='$(RISCV32_EPOCH)' \
	IMAGE_ENV='$(RISCV32_ENV)' IMAGE_REPORT='$(RISCV32_REPORT)' IMAGE_NAME='$(RISCV32_NAME)' \
	  sh tools/board-embed.sh riscv32-qemu $(RISCV32_BYTECODE) $(RV_IMG) $(RISCV32_ARGS)
	$(RV_CC) $(RV_CFLAGS) -c $(RV_IMG)/bytecode.S -o $(RV_IMG)/bytecode.o
	$(RV_CC) $(RV_CFLAGS) -c $(RV_IMG)/settings.c -o $(RV_IMG)/settings.o
	$(RV_CC) $(RV_SPECS) $(RV_ARCH) -nostartfiles -T $(RV_DIR)/board.ld \
	  -Wl,--gc-sections -Wl,-Map=$(RV_IMG)/image.map $(RV_DEFSYM) -o $(RISCV32_OUT) \
	  $(RV_START) $(RV_IMG)/bytecode.o $(RV_IMG)/settings.o $(RV_LIB) \
	  -Wl,--start-group -lc -lm -lgcc -Wl,--end-group
	@$(if $(RISCV32_QUIET),:,BOARD_CROSS=$(RV_CROSS) sh tools/board-size.sh $(RISCV32_OUT))

riscv32-clean:
	rm -rf $(RV_BUILD)

.PHONY: riscv32 riscv32-image riscv32-clean
