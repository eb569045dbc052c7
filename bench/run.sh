#!/bin/sh
# ucaml benchmark suite: builds the programs, checks ucaml's output against
# ocamlrun's and prints a markdown table of timings (see docs/performance.md).
#   bench/run.sh [-n REPS] [-f FILTER] [--quick]
# Environment: UCAML (default "./ucaml exec"; UCAML=ocamlrun as a stand-in),
# OCAMLRUN, BENCH_CACHE, BENCH_TIMEOUT, XTENSA_CYCLES_CMD.
# The Xtensa column is filled when the emulated board is available.
if [ -z "${XTENSA_CYCLES_CMD+set}" ] && command -v qemu-system-xtensa >/dev/null 2>&1 &&
   command -v xtensa-lx106-elf-gcc >/dev/null 2>&1; then
  case " $* " in *" --quick "*) ;; *) XTENSA_CYCLES_CMD="$(cd "$(dirname "$0")/.." && pwd)/tools/xtensa-bench-cycles.sh"; export XTENSA_CYCLES_CMD ;; esac
fi
exec python3 "$(dirname "$0")/bench.py" "$@"
