# port.mk: the xtensa-qemu port (bare-metal Xtensa lx106 under QEMU).
# Included by the top-level Makefile, or used alone from the top directory:
#
#   make -f ports/xtensa-qemu/port.mk xtensa
#       build/xtensa-qemu/libucaml-vm.a (+ start.o, libgcc-extra.a)
#   make -f ports/xtensa-qemu/port.mk xtensa-image XTENSA_BYTECODE=prog.byte \
#        XTENSA_OUT=prog.elf [XTENSA_RAM=0x14000] [XTENSA_CSTACK=16384] \
#        [XTENSA_POOL=...] [XTENSA_HEAP=64k] [XTENSA_STACK_WORDS=4k] \
#        [XTENSA_ARGS='a b'] [XTENSA_ENV='OCAMLRUNPARAM=b'] [XTENSA_REPORT=1]
#        [XTENSA_PSRAM=16M] [XTENSA_QUIET=1 (no size report)]
#       links a firmware running prog.byte; XTENSA_RAM is the RAM budget in
#       bytes (default 320 KB), XTENSA_CSTACK the C stack, XTENSA_POOL the
#       port_alloc arena (VM stack and tables); the heap gets the rest.
#       XTENSA_PSRAM adds external RAM (like an ESP32 module's PSRAM) that
#       holds the pool and the heap instead (see board.ld).
#   ports/xtensa-qemu/run.sh [-i] [-t SECONDS] [--forward H:B] prog.elf [ARG...]
#       runs it under qemu-system-xtensa until it ends or Ctrl-C (-i:
#       -icount shift=0; -t: a time limit, none by default)
#
# Needs: gcc-xtensa-lx106 binutils-xtensa-lx106 picolibc-xtensa-lx106-elf
# gcc-12-source (for tools/xtensa-libgcc.sh) qemu-system-misc.

XQ_DIR := ports/xtensa-qemu
XQ_BUILD := build/xtensa-qemu
XQ_CROSS ?= xtensa-lx106-elf-
XQ_CC := $(XQ_CROSS)gcc
XQ_AR := $(XQ_CROSS)ar
XQ_SIZE := $(XQ_CROSS)size
XQ_PICOLIBC ?= /usr/lib/xtensa-lx106-elf
XQ_SPECS := --specs=$(XQ_PICOLIBC)/picolibc.specs
XQ_ARCH := -mtext-section-literals -mlongcalls
XQ_CFLAGS := $(XQ_SPECS) -std=c11 -Wall -Wextra -Werror -Wno-unused-parameter \
  -Os -g $(XQ_ARCH) -ffunction-sections -fdata-sections \
  -I$(XQ_DIR) -Iports/bare -Ivm -I$(XQ_BUILD) $(XTENSA_CFLAGS)

XQ_VM_SRC := $(sort $(wildcard vm/*.c))
# As on the host: the core's primitives and the boards' prim_*.c (their few
# unix_*; the others are the core's ENOSYS fallback).
XQ_PRIM_SRC := $(sort $(wildcard vm/prim_*.c)) $(sort $(wildcard ports/bare/prim_*.c))
XQ_PORT_SRC := $(XQ_DIR)/port.c $(XQ_DIR)/port_dev.c $(sort $(wildcard ports/bare/*.c))
XQ_OBJ := $(patsubst %.c,$(XQ_BUILD)/obj/%.o,$(XQ_VM_SRC) $(XQ_PORT_SRC))
XQ_HDR := $(wildcard vm/*.h $(XQ_DIR)/*.h ports/bare/*.h)
XQ_LIB := $(XQ_BUILD)/libucaml-vm.a
XQ_START := $(XQ_BUILD)/obj/start.o
XQ_LIBGCC := $(XQ_BUILD)/libgcc-extra.a

xtensa: $(XQ_LIB) $(XQ_START) $(XQ_LIBGCC)

# The cross compiler, picolibc, QEMU and GCC's source come from Debian:
# installed when run as root, else the apt-get command is printed.
$(XQ_BUILD)/.deps: tools/install-deps.sh
	@mkdir -p $(XQ_BUILD)
	@sh tools/install-deps.sh
	@touch $@

$(XQ_LIB): $(XQ_OBJ)
	@rm -f $@
	$(XQ_AR) rcs $@ $(XQ_OBJ)

# The interpreter loop and the collector are built for speed, the rest for
# size (-O2 there: 12% fewer cycles, its frame 96 -> 128 bytes).
XQ_FAST := vm/interp.c vm/gc.c

$(XQ_BUILD)/obj/%.o: %.c $(XQ_HDR) $(XQ_BUILD)/primtable.h | $(XQ_BUILD)/.deps
	@mkdir -p $(dir $@)
	$(XQ_CC) $(XQ_CFLAGS) $(if $(filter $<,$(XQ_FAST)),-O2) -c $< -o $@

$(XQ_START): $(XQ_DIR)/start.S | $(XQ_BUILD)/.deps
	@mkdir -p $(dir $@)
	$(XQ_CC) $(XQ_CFLAGS) -c $< -o $@

$(XQ_BUILD)/primtable.h: $(XQ_PRIM_SRC) tools/gen_prims.sh
	@mkdir -p $(XQ_BUILD)
	sh tools/gen_prims.sh $(XQ_PRIM_SRC) > $@

$(XQ_LIBGCC): tools/xtensa-libgcc.sh $(XQ_DIR)/divdi.c | $(XQ_BUILD)/.deps
	sh tools/xtensa-libgcc.sh $(XQ_BUILD)

# ---- firmware images ----
XTENSA_RAM ?=
XTENSA_CSTACK ?=
XTENSA_POOL ?=
XTENSA_PSRAM ?=
XTENSA_ARGS ?=
XQ_IMG = $(XQ_BUILD)/img/$(notdir $(XTENSA_OUT))
, := ,
XQ_DEFSYM = $(if $(XTENSA_RAM),-Wl$(,)--defsym=RAM_BUDGET=$(XTENSA_RAM)) \
  $(if $(XTENSA_CSTACK),-Wl$(,)--defsym=STACK_SIZE=$(XTENSA_CSTACK)) \
  $(if $(XTENSA_POOL),-Wl$(,)--defsym=POOL_SIZE=$(XTENSA_POOL)) \
  $(if $(XTENSA_STACK_WORDS),-Wl$(,)--defsym=VM_STACK_WORDS=$(XTENSA_STACK_WORDS)) \
  $(if $(XTENSA_PSRAM),-Wl$(,)--defsym=PSRAM_SIZE=$(XTENSA_PSRAM))

# Links $(XTENSA_OUT) from $(XTENSA_BYTECODE); prints its flash/RAM use.
xtensa-image: xtensa
	@test -n "$(XTENSA_BYTECODE)" -a -n "$(XTENSA_OUT)" || \
	  { echo "usage: make xtensa-image XTENSA_BYTECODE=prog.byte XTENSA_OUT=prog.elf" >&2; exit 2; }
	IMAGE_HEAP='$(XTENSA_HEAP)' IMAGE_STACK_WORDS='$(XTENSA_STACK_WORDS)' IMAGE_EPOCH='$(XTENSA_EPOCH)' \
	IMAGE_ENV='$(XTENSA_ENV)' IMAGE_REPORT='$(XTENSA_REPORT)' IMAGE_NAME='$(XTENSA_NAME)' \
	  sh tools/board-embed.sh xtensa-qemu $(XTENSA_BYTECODE) $(XQ_IMG) $(XTENSA_ARGS)
	$(XQ_CC) $(XQ_CFLAGS) -c $(XQ_IMG)/bytecode.S -o $(XQ_IMG)/bytecode.o
	$(XQ_CC) $(XQ_CFLAGS) -c $(XQ_IMG)/settings.c -o $(XQ_IMG)/settings.o
	$(XQ_NET_PREPARE)
	$(XQ_CC) $(XQ_SPECS) $(XQ_ARCH) -nostartfiles -T $(XQ_DIR)/board.ld \
	  -Wl,--gc-sections -Wl,-Map=$(XQ_IMG)/image.map $(XQ_DEFSYM) $(XQ_NET_DEFSYM) -o $(XTENSA_OUT) \
	  $(XQ_START) $(XQ_IMG)/bytecode.o $(XQ_IMG)/settings.o $(XQ_NET_LINK) \
	  -Wl,--start-group $(XQ_LIBGCC) -lc -lm -lgcc -Wl,--end-group
	@$(if $(XTENSA_QUIET),:,sh tools/board-size.sh $(XTENSA_OUT))

xtensa-clean:
	rm -rf $(XQ_BUILD)

.PHONY: xtensa xtensa-image xtensa-clean

# ---- networking (lwIP over QEMU's OpenCores Ethernet MAC) ----
include $(XQ_DIR)/net/net.mk
