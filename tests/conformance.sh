#!/bin/sh
# The OCaml 4.13.1 testsuite programs listed in ../shared/conformance, and
# those of tests/conformance/extra.tsv (same format: more of the testsuite),
# run differentially against stock ocamlrun on one port:
#   tests/conformance.sh PORT RUNNER [ARGS...]
# CONFORMANCE_EXTRA_SKIP="name ..." leaves out extra programs too slow for a
# port (an emulated board).
# PORT names tests/conformance/known-failures-PORT.txt: tests that are
# expected to differ on that port, each with the reason.  Any other failure
# fails this script; a listed test that passes is reported so the list can
# shrink.  Ends with 'N passed, N failed'.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
port=$1; shift
suite=${UCAML_CONFORMANCE:-$root/../shared/conformance}
[ -x "$suite/run.sh" ] || [ -f "$suite/run.sh" ] || { echo "conformance suite not found at $suite (set UCAML_CONFORMANCE)"; echo "0 passed, 1 failed"; exit 1; }
known="$root/tests/conformance/known-failures-$port.txt"
out=$(mktemp); extra=$(mktemp); trap 'rm -f "$out" "$extra"' EXIT
sh "$suite/run.sh" ${CONFORMANCE_ARGS:-} "$@" >"$out" 2>&1
awk -F '\t' -v skip=" ${CONFORMANCE_EXTRA_SKIP:-} " 'index(skip, " " $1 " ") == 0' \
  "$root/tests/conformance/extra.tsv" >"$extra"
sh "$suite/run.sh" ${CONFORMANCE_ARGS:-} -t "$extra" "$@" >>"$out" 2>&1
pass=0; fail=0; expected=0
while read -r verdict name rest; do
  case $verdict in
    PASS)
      pass=$((pass+1))
      if [ -f "$known" ] && grep -q "^$name\b" "$known"; then echo "NOTE $name passes now: remove it from $(basename "$known")"; fi ;;
    FAIL)
      if [ -f "$known" ] && grep -q "^$name\b" "$known"; then expected=$((expected+1)); echo "XFAIL $name"
      else fail=$((fail+1)); echo "FAIL $name $rest"; fi ;;
  esac
done <"$out"
total=$((pass+fail+expected))
[ $total -gt 0 ] || { cat "$out"; echo "0 passed, 1 failed"; exit 1; }
echo "conformance on $port: $pass of $total pass, $expected known failures"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
