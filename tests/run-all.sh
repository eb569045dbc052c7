#!/bin/sh
# `make test`: builds every configuration and runs every suite on every port.
# Each suite prints 'N passed, N failed'; this script adds them up and ends
# with the total.  Exit status 1 if anything failed.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
total_pass=0; total_fail=0; summary=""
log_dir=$(mktemp -d); trap 'rm -rf "$log_dir"' EXIT INT TERM

suite() {   # name command...
  name=$1; shift
  echo "=== $name"
  start=$(date +%s)
  "$@" >"$log_dir/$name.log" 2>&1; rc=$?
  grep -v '^PASS ' "$log_dir/$name.log" | tail -n 40
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log_dir/$name.log" | tail -n 1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
  [ -n "$p" ] || p=0
  [ -n "$f" ] || f=0
  if [ $rc != 0 ] && [ "$f" = 0 ]; then f=1; fi
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  summary="$summary
  $name: $p passed, $f failed ($(( $(date +%s) - start ))s)"
}

build() {   # every configuration must compile warning-free
  ok=0; ko=0
  for cfg in "" "M32=1" "SAN=1" "CC=clang BUILD=build/clang"; do
    if make -j2 $cfg ucaml >"$log_dir/build.$ok$ko" 2>&1; then ok=$((ok+1)); echo "PASS build $cfg"
    else ko=$((ko+1)); echo "FAIL build $cfg"; tail -20 "$log_dir/build.$ok$ko"; fi
  done
  for board in $boards; do
    if make -j2 $board >"$log_dir/build.$board" 2>&1; then ok=$((ok+1)); echo "PASS build $board"
    else ko=$((ko+1)); echo "FAIL build $board"; tail -20 "$log_dir/build.$board"; fi
  done
  echo "$ok passed, $ko failed"
  [ $ko = 0 ]
}

# The boards: every ports/*/board.conf (BOARD_SHORT names the make target,
# the runner tools/BOARD_SHORT-ucaml.sh and the suites).
boards=$(for c in ports/*/board.conf; do (. "./$c"; echo "$BOARD_SHORT"); done)
board_conf() { for c in ports/*/board.conf; do (. "./$c"; [ "$BOARD_SHORT" = "$1" ]) && echo "./$c"; done; }
board_port() { basename "$(dirname "$(board_conf "$1")")"; }        # xtensa -> xtensa-qemu
board_get() { (. "$(board_conf "$1")"; eval "echo \"\$$2\""); }   # board_get xtensa BOARD_VAR

# A check that prints no count of its own: one test.
smoke() {
  if "$@"; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; return 1; fi
}

sh tools/install-deps.sh || exit 1
suite build build
suite host-tests sh tests/run.sh
# Every full collection compacts, on a tiny nursery: C code that keeps a
# value across an allocation unregistered is found (runparam and gc_churn
# take minutes that way).
suite gc-stress env UCAML_GC_STRESS=2 TESTS_SKIP="runparam gc_churn" sh tests/run.sh
# The 32-bit build runs natively or under qemu-i386 (tools/host32-ucaml.sh).
host32="$root/tools/host32-ucaml.sh"
echo "32-bit host build: $("$host32" --check)"
# int_formats_native prints 63-bit ints: ocamlrun here is 64-bit.
suite host32-tests env RUNNER="$host32 exec" TESTS_SKIP=int_formats_native sh tests/run.sh
# gc_churn keeps about 1.2 MB live (100000 boxed options), runparam asks
# for 8 MB of stack and 40 MB of nursery, str_hostile backtracks 600000
# steps deep (5 MB of stack): more than the board's 320 KB of RAM
# (str_backtrack_limit tests the bound there).
# The unix_* cases need the host's system (files, processes, sockets); the
# boards run unix_board_enosys instead (ENOSYS at the call).
board_skip="gc_churn int_formats_native runparam str_hostile unix_files unix_process unix_socket unix_time"
for b in $boards; do
  suite $b-tests env RUNNER="$root/tools/$b-ucaml.sh" TESTS_BOARD=1 TESTS_SKIP="$board_skip" sh tests/run.sh
done
# Debian's compiler tools (ocamlc.byte, ocamlopt.byte, ocamldep, ...) under
# ucaml and ocamlrun: same output and files.
suite tools sh tests/tools/run.sh
suite tools32 env RUNNER="$host32 exec" TOOLS_HOST32=1 sh tests/tools/run.sh
suite conformance-unix sh tests/conformance.sh unix "$root/ucaml" exec
# Every program of the testsuite, enumerated from the tests' headers
# (tests/conformance/enumerate.py): under 3 minutes on the host with -j 2.
suite conformance-all env CONFORMANCE_TABLE=all CONFORMANCE_ARGS="-j 2" \
  sh tests/conformance.sh all-unix "$root/ucaml" exec
# Under qemu-i386 the slowest programs take a minute.
suite conformance-unix32 env TIMEOUT=300 sh tests/conformance.sh unix32 "$host32" exec
# Leak checks on: memory owned by live custom blocks is reachable through
# the heap, which ports/unix/port.c registers with LeakSanitizer.
suite conformance-asan env UBSAN_OPTIONS=halt_on_error=1 \
  sh tests/conformance.sh unix-san "$root/build/unix-san/ucaml" exec
# The OCaml testsuite assumes ocamlrun's memory (up to 16 MB of heap, 1 MB
# of stack): on the board it runs with 32 MB of PSRAM for the heap and the VM
# stack (board.ld), like an ESP32-S3 module; the 320 KB board's limits are
# tested by xtensa-tests (oom_recover, stack_overflow).  QEMU runs without
# -icount here, and the slowest programs take minutes under emulation.
for b in $boards; do
  v=$(board_get $b BOARD_VAR)
  suite conformance-$b env CONFORMANCE_ARGS="-j 2" "${v}_PSRAM=32M" TIMEOUT=300 "${v}_TIMEOUT=300" \
    CONFORMANCE_EXTRA_SKIP="statmemprof_custom statmemprof_intern statmemprof_lists_in_minor" \
    sh tests/conformance.sh "$(board_port $b)" "$root/tools/$b-ucaml.sh"
done
suite devices sh tests/devices/run.sh
suite net sh tests/net/run.sh
suite device sh tests/net/device.sh
suite bench-smoke smoke sh bench/run.sh --quick
suite faults sh tests/faults/run.sh
suite faults-asan env UBSAN_OPTIONS=halt_on_error=1 RUNNER="$root/build/unix-san/ucaml exec" sh tests/faults/run.sh
suite faults-host32 env RUNNER="$host32 exec" sh tests/faults/run.sh
for b in $boards; do
  suite faults-$b env RUNNER="$root/tools/$b-ucaml.sh" FAULTS_SKIP="$(board_get $b BOARD_FAULTS_SKIP)" \
    sh tests/faults/run.sh
done
# Mutants of real programs on the host, 32-bit, ASan and board builds.
suite mutants sh tests/faults/mutants.sh
suite fuzz sh tests/fuzz/run.sh --runs 20000 --seed 1
suite soak sh tests/soak/run.sh --seconds 60

echo "=== summary$summary"
echo "$total_pass passed, $total_fail failed"
[ $total_fail = 0 ]
