# ucaml: `make` builds ./ucaml (the host VM and command-line tool).
#   make test       all tests (host 64- and 32-bit, sanitizers, the boards)
#   make xtensa     the VM for the xtensa-qemu board; make riscv32: riscv32-qemu
#   make M32=1      a 32-bit host build in build/unix32/
#   make SAN=1      an ASan+UBSan build in build/unix-san/
CC ?= cc
PORT ?= unix
CSTD = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
WARN = -Wall -Wextra -Werror -Wno-unused-parameter
OPT ?= -O2 -g
ifeq ($(M32),1)
  BUILD = build/unix32
  ARCH = -m32 -msse2 -mfpmath=sse
else ifeq ($(SAN),1)
  BUILD = build/unix-san
  ARCH = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT = -O1 -g
else
  BUILD ?= build/unix
  ARCH =
endif
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) $(ARCH) -Iports/$(PORT) -Ivm -I$(BUILD) $(CFLAGS)
LDLIBS = -lm

VM_SRC = $(sort $(wildcard vm/*.c))
# The primitive table: the core's vm/prim_*.c and the port's own prim_*.c
# (ports/unix: the Unix library's POSIX calls).
PRIM_SRC = $(sort $(wildcard vm/prim_*.c)) $(sort $(wildcard ports/unix/prim_*.c))
PORT_SRC = $(sort $(wildcard ports/unix/*.c))
OBJ = $(patsubst %.c,$(BUILD)/%.o,$(VM_SRC) $(PORT_SRC))

all: ucaml
ucaml: $(BUILD)/ucaml
	@if [ "$(BUILD)" = build/unix ]; then ln -sf $(BUILD)/ucaml ucaml; fi
$(BUILD)/ucaml: $(OBJ)
	$(CC) $(ARCH) -o $@ $(OBJ) $(LDLIBS) $(LDFLAGS)
$(BUILD)/%.o: %.c $(wildcard vm/*.h ports/unix/*.h) $(BUILD)/primtable.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@
$(BUILD)/primtable.h: $(PRIM_SRC) tools/gen_prims.sh
	@mkdir -p $(BUILD)
	sh tools/gen_prims.sh $(PRIM_SRC) > $@

# The boards (cross-compiled VM, firmware images): every ports/*/port.mk,
# e.g. xtensa-qemu (lx106 core) and riscv32-qemu (RV32IMC, QEMU's virt).
include $(sort $(wildcard ports/*/port.mk))

# The first thing to try: the HTTP unikernel on the emulated ESP-class
# board, served to the host on 127.0.0.1:8080 (Ctrl-C stops it).
demo:
	sh tools/install-deps.sh
	$(MAKE) ucaml ocamllib
	@echo "ucaml: building the HTTP unikernel for the emulated Xtensa board; then try: curl -i http://127.0.0.1:8080/"
	./ucaml run --target xtensa-qemu examples/http

# A smaller first step: console and timers, on the board.
demo-hello:
	sh tools/install-deps.sh
	$(MAKE) ucaml ocamllib
	./ucaml run --target xtensa-qemu examples/hello

# Every test of every port; installs what it needs when run as root.
test:
	sh tests/run-all.sh

# The benchmark table (minutes; not part of `make test`).
bench: ucaml
	sh bench/run.sh

deps:
	sh tools/install-deps.sh

clean:
	rm -rf build ucaml
.PHONY: all ucaml clean test bench deps demo demo-hello

# The OCaml library of unikernel devices (findlib package ucaml-mirage).
include lib/lib.mk
