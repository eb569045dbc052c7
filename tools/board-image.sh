#!/bin/sh
# Used by `ucaml build/run --target PORT` (through ports/PORT/build-image.sh):
# links a board's firmware image.
#   board-image.sh PORT BYTECODE IMAGE [HEAP_BYTES] [STACK_WORDS] [RAM_BUDGET]
# Empty arguments keep the board's defaults (ports/PORT/portconfig.h, board.ld).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
port=$1; byte=$2; out=$3; heap=${4:-}; stack=${5:-}; ram=${6:-}
me=board-image.sh; . "$root/tools/board-conf.sh"
if [ -n "$ram" ]; then
  ram=$(( $(echo "$ram" | sed 's/[kK]$/*1024/; s/[mM]$/*1048576/') ))
fi
sh "$root/tools/install-deps.sh" >&2 || exit 2
log=$(mktemp); trap 'rm -f "$log"' EXIT
if ! make -s -C "$root" -f "ports/$port/port.mk" "$target" \
     "${P}_BYTECODE=$byte" "${P}_OUT=$out" "${P}_NAME=$(basename "$out" .elf)" \
     "${P}_HEAP=$heap" "${P}_STACK_WORDS=$stack" "${P}_RAM=$ram" >"$log" 2>&1; then
  # A refused file or an exceeded RAM budget: its one-line message only.
  grep -o 'ucaml: .*' "$log" >&2 || cat "$log" >&2
  exit 2
fi
