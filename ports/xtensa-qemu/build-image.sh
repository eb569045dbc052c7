#!/bin/sh
# Used by `ucaml build/run --target xtensa-qemu`: links a firmware image.
#   build-image.sh BYTECODE IMAGE [HEAP_BYTES] [STACK_WORDS] [RAM_BUDGET]
# Empty arguments keep the board's defaults (ports/xtensa-qemu/portconfig.h).
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
byte=$1; out=$2; heap=${3:-}; stack=${4:-}; ram=${5:-}
if [ -n "$ram" ]; then
  ram=$(( $(echo "$ram" | sed 's/[kK]$/*1024/; s/[mM]$/*1048576/') ))
fi
sh "$root/tools/install-deps.sh" >&2 || exit 2
log=$(mktemp); trap 'rm -f "$log"' EXIT
if ! make -s -C "$root" -f ports/xtensa-qemu/port.mk xtensa-image \
     XTENSA_BYTECODE="$byte" XTENSA_OUT="$out" XTENSA_NAME="$(basename "$out" .elf)" \
     XTENSA_HEAP="$heap" XTENSA_STACK_WORDS="$stack" XTENSA_RAM="$ram" >"$log" 2>&1; then
  # A refused file or an exceeded RAM budget: its one-line message only.
  grep -o 'ucaml: .*' "$log" >&2 || cat "$log" >&2
  exit 2
fi
