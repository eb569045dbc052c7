#!/bin/sh
# The "Xtensa cycles" column of bench/run.sh: runs prog.byte ARGS once on
# the emulated board under -icount (deterministic) and prints its CCOUNT
# cycles.  Benchmarks need more than the board's 320 KB, so the image gets
# external RAM (XTENSA_PSRAM, default 32M), as an ESP32 with PSRAM.
#   tools/xtensa-bench-cycles.sh prog.byte [ARGS...]
root=$(cd "$(dirname "$0")/.." && pwd)
report=$(XTENSA_REPORT=1 XTENSA_ICOUNT=1 XTENSA_PSRAM=${XTENSA_PSRAM:-32M} \
  XTENSA_TIMEOUT=${XTENSA_TIMEOUT:-900} "$root/tools/xtensa-ucaml.sh" "$@" 2>&1 >/dev/null)
status=$?
cycles=$(printf '%s\n' "$report" | sed -n 's/^ucaml-report: status 0,.* cycles \([0-9][0-9]*\).*/\1/p' | tail -n 1)
[ $status = 0 ] && [ -n "$cycles" ] || exit 1
echo "$cycles"
