#!/bin/sh
# ucaml benchmark suite: builds the programs, checks ucaml's output against
# ocamlrun's and prints a markdown table of timings (see docs/performance.md).
#   bench/run.sh [-n REPS] [-f FILTER] [--quick]
# Environment: UCAML (default "./ucaml exec"; UCAML=ocamlrun as a stand-in),
# OCAMLRUN, BENCH_CACHE, BENCH_TIMEOUT, XTENSA_CYCLES_CMD.
exec python3 "$(dirname "$0")/bench.py" "$@"
