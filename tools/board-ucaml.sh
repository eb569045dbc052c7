#!/bin/sh
# Runs a bytecode executable on an emulated board, like `ucaml prog.byte
# ARG...`: stdin/stdout/stderr are the program's console, files are host
# files relative to the current directory, and the exit status is the
# program's (124 on timeout, 134 on a CPU exception).
#
#   tools/board-ucaml.sh PORT [--heap SIZE] [--stack SIZE] prog.byte [ARG...]
#
# PORT is a folder of ports/ with a board.conf (xtensa-qemu, riscv32-qemu);
# tools/xtensa-ucaml.sh and tools/riscv32-ucaml.sh call this.  Builds build/PORT/run/<name>.elf first
# (quietly).  Settings from the environment, P being the board's BOARD_VAR:
# P_RAM P_PSRAM P_CSTACK P_POOL P_HEAP P_STACK_WORDS P_ENV P_REPORT (see
# ports/PORT/port.mk), P_TIMEOUT (seconds, default 60), OCAMLRUNPARAM and
# UCAML_STATS as for `ucaml exec` (baked into the image), P_ICOUNT=1 to run
# under -icount (deterministic cycle counts).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
port=${1:-}
[ $# -gt 0 ] && shift
me=board-ucaml.sh; . "$root/tools/board-conf.sh"
var() { eval "printf '%s' \"\${${P}_$1:-}\""; }
heap=$(var HEAP); stack_words=$(var STACK_WORDS)
while [ $# -gt 0 ]; do
  case $1 in
    --heap) heap=$2; shift 2 ;;
    --stack) stack_words=$(( $(echo "$2" | sed 's/[kK]$/*1024/; s/[mM]$/*1048576/') / 4 )); shift 2 ;;
    *) break ;;
  esac
done
usage="usage: $(echo "$P" | tr 'A-Z' 'a-z')-ucaml.sh [--heap SIZE] [--stack SIZE] prog.byte [ARG...]"
byte=${1:?$usage}
shift
if [ ! -r "$byte" ] || [ -d "$byte" ]; then
  echo "ucaml: $byte: cannot open: No such file or directory" >&2
  exit 2
fi
case $byte in /*) ;; *) byte=$(pwd)/$byte ;; esac
# The board has no environment of its own: the variables the VM reads
# (as `ucaml exec` reads them from the host) are baked into the image.
env_words=$(var ENV)
for v in OCAMLRUNPARAM CAMLRUNPARAM UCAML_STATS UCAML_GC_STRESS; do
  eval "val=\${$v:-}"
  if [ -n "$val" ]; then env_words="$env_words $v=$val"; fi
done
tag=$(printf '%s' "$byte" | sed 's|^/||; s|[^A-Za-z0-9._-]|_|g')
elf=$root/build/$port/run/$tag.elf
mkdir -p "$root/build/$port/run"
log=$root/build/$port/run/$tag.log
if ! make -s -C "$root" -f "ports/$port/port.mk" "$target" \
     "${P}_BYTECODE=$byte" "${P}_OUT=$elf" "${P}_NAME=$(basename "$byte")" \
     "${P}_RAM=$(var RAM)" "${P}_CSTACK=$(var CSTACK)" \
     "${P}_POOL=$(var POOL)" "${P}_PSRAM=$(var PSRAM)" "${P}_HEAP=$heap" \
     "${P}_STACK_WORDS=$stack_words" "${P}_ENV=$env_words" \
     "${P}_REPORT=$(var REPORT)" "${P}_QUIET=1" > "$log" 2>&1; then
  # A refused file or an exceeded RAM budget: its one-line message only.
  grep -o 'ucaml: .*' "$log" >&2 || cat "$log" >&2
  exit 2
fi
# -icount makes cycle counts repeatable but QEMU slower: off unless asked.
icount=
[ "$(var ICOUNT)" = 1 ] && icount=-i
timeout=$(var TIMEOUT)
exec "$root/ports/$port/run.sh" $icount -t "${timeout:-60}" "$elf" "$@"
