#!/bin/sh
# OCaml 4.13.1 testsuite programs run differentially against stock ocamlrun
# on one port (tests/conformance/runner.py, sources from Debian's
# ocaml-source):
#   tests/conformance.sh PORT RUNNER [ARGS...]
# The programs: tests/conformance/testsuite.tsv and extra.tsv, or with
# CONFORMANCE_TABLE=all every program of the testsuite, enumerated from the
# tests' headers by tests/conformance/enumerate.py (port name: all-unix).
# CONFORMANCE_EXTRA_SKIP="name ..." leaves out programs too slow for a
# port (an emulated board); CONFORMANCE_ARGS passes options to runner.py.
# PORT names tests/conformance/known-failures-PORT.txt: tests that are
# expected to differ on that port, each with the reason.  Any other failure
# fails this script; a listed test that passes is reported so the list can
# shrink.  Ends with 'N passed, N failed'.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
port=$1; shift
known="$root/tests/conformance/known-failures-$port.txt"
out=$(mktemp); table=$(mktemp); trap 'rm -f "$out" "$table"' EXIT
if [ "${CONFORMANCE_TABLE:-}" = all ]; then
  python3 "$root/tests/conformance/enumerate.py" -o "$table" || exit 1
else
  cat "$root/tests/conformance/testsuite.tsv" > "$table"
  tail -n +2 "$root/tests/conformance/extra.tsv" |
    awk -F '\t' -v skip=" ${CONFORMANCE_EXTRA_SKIP:-} " 'index(skip, " " $1 " ") == 0' >> "$table"
fi
python3 "$root/tests/conformance/runner.py" ${CONFORMANCE_ARGS:-} -t "$table" "$@" >"$out" 2>&1
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
