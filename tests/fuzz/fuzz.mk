# fuzz.mk: the libFuzzer harnesses, built with clang against the VM sources.
#   make -f tests/fuzz/fuzz.mk        (from the project root; tests/fuzz/run.sh does it)
# The VM is compiled with coverage instrumentation and ASan+UBSan; each
# harness links it with libFuzzer's main.
FUZZ_CC ?= clang
FUZZ_BUILD ?= build/fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
  -Wno-unused-parameter -O1 -g $(FUZZ_SAN) -Iports/unix -Ivm -I$(FUZZ_BUILD)

FUZZ_VM_SRC = $(sort $(wildcard vm/*.c)) $(filter-out ports/unix/main.c ports/unix/cli% ports/unix/prim_%,$(sort $(wildcard ports/unix/*.c)))
# Without the port's prim_*.c: fuzzed programs get the ENOSYS fallback for
# unix_*, not the file system.
FUZZ_PRIM_SRC = $(sort $(wildcard vm/prim_*.c))
FUZZ_VM_OBJ = $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(FUZZ_VM_SRC))
FUZZ_HARNESSES = load unmarshal numbers scanf http

all: $(addprefix $(FUZZ_BUILD)/fuzz_,$(FUZZ_HARNESSES))

$(FUZZ_BUILD)/primtable.h: $(FUZZ_PRIM_SRC) tools/gen_prims.sh
	@mkdir -p $(FUZZ_BUILD)
	sh tools/gen_prims.sh $(FUZZ_PRIM_SRC) > $@
$(FUZZ_BUILD)/%.o: %.c $(wildcard vm/*.h ports/unix/*.h tests/fuzz/*.h) $(FUZZ_BUILD)/primtable.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/fuzz_load: tests/fuzz/fuzz_load.c $(FUZZ_BUILD)/tests/fuzz/fuzz_common.o $(FUZZ_VM_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Wl,--wrap=port_heap_region -o $@ $^ -lm
# The OCaml harnesses run driver.ml, but http runs http.ml.
FUZZ_PROG_VAR = UCAML_FUZZ_PROG
$(FUZZ_BUILD)/fuzz_http: FUZZ_PROG_VAR = UCAML_FUZZ_HTTP
$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_ocaml.c $(FUZZ_BUILD)/tests/fuzz/fuzz_common.o $(FUZZ_VM_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Wl,--wrap=port_heap_region -DFUZZ_ENTRY='"$*"' \
	  -DFUZZ_PROG_VAR='"$(FUZZ_PROG_VAR)"' -o $@ $^ -lm

.PHONY: all
