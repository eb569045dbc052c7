#!/bin/sh
# Runs a bytecode executable on the emulated Xtensa board, like
# `ucaml prog.byte ARG...`: stdin/stdout/stderr are the program's console,
# files are host files relative to the current directory, and the exit
# status is the program's (124 on timeout, 134 on a CPU exception).
#
#   tools/xtensa-ucaml.sh [--heap SIZE] [--stack SIZE] prog.byte [ARG...]
#
# Builds build/xtensa-qemu/run/<name>.elf first (quietly).  Settings from
# the environment: XTENSA_RAM XTENSA_PSRAM XTENSA_CSTACK XTENSA_POOL
# XTENSA_HEAP XTENSA_STACK_WORDS XTENSA_ENV XTENSA_REPORT (see
# ports/xtensa-qemu/port.mk), XTENSA_TIMEOUT (seconds, default 60),
# OCAMLRUNPARAM and UCAML_STATS as for `ucaml exec` (baked into the image),
# XTENSA_ICOUNT=1 to run under -icount (deterministic cycle counts).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
while [ $# -gt 0 ]; do
  case $1 in
    --heap) XTENSA_HEAP=$2; shift 2 ;;
    --stack) XTENSA_STACK_WORDS=$(( $(echo "$2" | sed 's/[kK]$/*1024/; s/[mM]$/*1048576/') / 4 )); shift 2 ;;
    *) break ;;
  esac
done
byte=${1:?usage: xtensa-ucaml.sh [--heap SIZE] [--stack SIZE] prog.byte [ARG...]}
shift
if [ ! -r "$byte" ] || [ -d "$byte" ]; then
  echo "ucaml: $byte: cannot open: No such file or directory" >&2
  exit 2
fi
case $byte in /*) ;; *) byte=$(pwd)/$byte ;; esac
# The board has no environment of its own: the variables the VM reads
# (as `ucaml exec` reads them from the host) are baked into the image.
env_words=${XTENSA_ENV:-}
for v in OCAMLRUNPARAM CAMLRUNPARAM UCAML_STATS UCAML_GC_STRESS; do
  eval "val=\${$v:-}"
  if [ -n "$val" ]; then env_words="$env_words $v=$val"; fi
done
tag=$(printf '%s' "$byte" | sed 's|^/||; s|[^A-Za-z0-9._-]|_|g')
elf=$root/build/xtensa-qemu/run/$tag.elf
mkdir -p "$root/build/xtensa-qemu/run"
log=$root/build/xtensa-qemu/run/$tag.log
if ! make -s -C "$root" -f ports/xtensa-qemu/port.mk xtensa-image \
     XTENSA_BYTECODE="$byte" XTENSA_OUT="$elf" XTENSA_NAME="$(basename "$byte")" \
     XTENSA_RAM="${XTENSA_RAM:-}" XTENSA_CSTACK="${XTENSA_CSTACK:-}" \
     XTENSA_POOL="${XTENSA_POOL:-}" XTENSA_PSRAM="${XTENSA_PSRAM:-}" XTENSA_HEAP="${XTENSA_HEAP:-}" \
     XTENSA_STACK_WORDS="${XTENSA_STACK_WORDS:-}" XTENSA_ENV="$env_words" \
     XTENSA_REPORT="${XTENSA_REPORT:-}" XTENSA_QUIET=1 > "$log" 2>&1; then
  # A refused file or an exceeded RAM budget: its one-line message only.
  grep -o 'ucaml: .*' "$log" >&2 || cat "$log" >&2
  exit 2
fi
# -icount makes cycle counts repeatable but QEMU slower: off unless asked.
icount=
[ "${XTENSA_ICOUNT:-0}" = 1 ] && icount=-i
exec "$root/ports/xtensa-qemu/run.sh" $icount -t "${XTENSA_TIMEOUT:-60}" "$elf" "$@"
