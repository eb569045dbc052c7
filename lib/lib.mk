# lib.mk: the OCaml library of ucaml unikernels, findlib package
# `ucaml-mirage`, built into build/ocaml/ (`ucaml run` puts that directory
# on OCAMLPATH).  Included by the top-level Makefile.
#   make ocamllib
ML_LIB_DIR := build/ocaml/ucaml-mirage
ML_LIB_OBJ := build/ocaml/obj
# In dependency order.
ML_LIB_MODULES := mirage_flow mirage_console mirage_time mirage_clock mirage_random \
  mirage_kv mirage_block mirage_gpio tcpip ucaml_timers ucaml_dev ucaml_os ucaml_kv \
  ucaml_block ucaml_gpio ucaml_net
ML_LIB_SRC := $(patsubst %,lib/ucaml_mirage/%.ml,$(ML_LIB_MODULES))
ML_LIB_WARN := -w +a-4-40-41-42-44-45-70 -warn-error +a

ocamllib: $(ML_LIB_DIR)/ucaml_mirage.cma $(ML_LIB_DIR)/META $(ML_LIB_DIR)/primitives

# Without Lwt and Cstruct (tools/install-deps.sh) `make` still builds the VM.
$(ML_LIB_DIR)/ucaml_mirage.cma: $(ML_LIB_SRC)
	@if ! ocamlfind query lwt cstruct > /dev/null 2>&1; then \
	  echo "note: ucaml-mirage not built (needs liblwt-ocaml-dev libcstruct-ocaml-dev: sh tools/install-deps.sh)"; \
	  exit 0; fi; \
	rm -rf $(ML_LIB_OBJ) && mkdir -p $(ML_LIB_OBJ) $(ML_LIB_DIR) && \
	cp $(ML_LIB_SRC) $(ML_LIB_OBJ)/ && \
	cd $(ML_LIB_OBJ) && ocamlfind ocamlc -g $(ML_LIB_WARN) -package lwt,cstruct \
	  -a -o ucaml_mirage.cma $(notdir $(ML_LIB_SRC)) && \
	cd $(CURDIR) && cp $(ML_LIB_OBJ)/*.cmi $(ML_LIB_OBJ)/ucaml_mirage.cma $(ML_LIB_DIR)/

# ocamlc checks at link time that every external exists; the device
# primitives exist in ucaml only, so programs link against the list of
# ocamlrun's primitives plus ucaml's own (linkopts of the package).
$(ML_LIB_DIR)/META: lib/ucaml_mirage/META lib/lib.mk
	@mkdir -p $(ML_LIB_DIR)
	{ cat $<; echo 'linkopts(byte) = "-use-prims $(CURDIR)/$(ML_LIB_DIR)/primitives"'; } > $@

$(ML_LIB_DIR)/primitives: $(wildcard vm/prim_*.c)
	@mkdir -p $(ML_LIB_DIR)
	{ ocamlrun -p; sed -n 's/^PRIM value \([A-Za-z0-9_]*\)(.*/\1/p' $^; } | LC_ALL=C sort -u > $@

all: ocamllib
.PHONY: ocamllib
