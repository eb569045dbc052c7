#!/bin/sh
# Fault tests: programs that hit Out_of_memory (small and huge requests, at
# many points), Stack_overflow (recursion, List.map, closures, finalisers)
# and Sys_error (closed channels, /dev/full, missing files, broken pipe),
# catch them and go on.  For any port, like tests/run.sh:
#   tests/faults/run.sh                                  host: ./ucaml exec
#   RUNNER=tools/xtensa-ucaml.sh tests/faults/run.sh     the emulated board
# NAME.flags holds runner flags (--heap, --stack); the output (stdout and
# stderr, then the exit status) is compared with NAME.expected, or else with
# stock ocamlrun's.  broken_pipe needs the runner's own stdout to be the
# pipe: it runs on host runners only.  Then programs whose code is made
# ill-formed (corrupt.py) must be refused by the load-time verifier.
# FAULTS_SKIP="name ..." skips programs a port cannot match (with a reason
# where the suite is run, tests/run-all.sh).
# Ends with 'N passed, N failed'.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
runner=${RUNNER:-$root/ucaml exec}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT INT TERM
pass=0; fail=0
ok() { pass=$((pass+1)); echo "PASS $1"; }
ko() { fail=$((fail+1)); echo "FAIL $1${2:+: $2}"; }

for src in "$root"/tests/faults/*.ml; do
  name=$(basename "$src" .ml)
  case " ${FAULTS_SKIP:-} " in *" $name "*) echo "SKIP $name"; continue ;; esac
  d="$work/$name"; mkdir -p "$d"; cp "$src" "$d/"
  (cd "$d" && ocamlc "$name.ml" -o t.byte) >"$d/compile.log" 2>&1 || { ko "$name" "does not compile"; continue; }
  flags=""; [ -f "$root/tests/faults/$name.flags" ] && flags=$(cat "$root/tests/faults/$name.flags")
  if [ "$name" = broken_pipe ]; then
    case $runner in *" exec") ;; *) echo "SKIP $name (not a host runner)"; continue ;; esac
    (cd "$d" && { timeout 120 $runner $flags ./t.byte 2>actual; echo $? >actual.exit; } | true)
  else
    (cd "$d" && timeout 300 $runner $flags ./t.byte >actual 2>&1; echo $? >actual.exit)
  fi
  if [ -f "$root/tests/faults/$name.expected" ]; then
    cp "$root/tests/faults/$name.expected" "$d/expected"; echo 0 >"$d/expected.exit"
  else
    (cd "$d" && timeout 300 ocamlrun ./t.byte >expected 2>&1; echo $? >expected.exit)
  fi
  if cmp -s "$d/expected" "$d/actual" && cmp -s "$d/expected.exit" "$d/actual.exit"; then ok "$name"
  else ko "$name" "output differs (exit $(cat "$d/actual.exit")): $(diff "$d/expected" "$d/actual" | head -4 | tr '\n' ' ')"; fi
done
# --- the verifier refuses ill-formed code before it runs ---------------------
d="$work/verifier"; mkdir -p "$d"
printf 'let () = print_endline (String.concat " " (List.map string_of_int [1; 2; 3]))\n' >"$d/p.ml"
(cd "$d" && ocamlc p.ml -o p.byte) >/dev/null 2>&1
for case in "return-underflow:stack underflow" "acc-beyond:stack underflow" \
            "pop-underflow:stack underflow" "off-the-end:code runs off the end" \
            "join:inconsistent stack heights" \
            "return-short:RETURN that does not pop the whole frame" \
            "appterm-short:APPTERM that does not pop the whole frame" \
            "fall-into-restart:RESTART not at a function entry"; do
  mode=${case%%:*}; msg=${case#*:}
  if ! python3 "$root/tests/faults/corrupt.py" "$mode" "$d/p.byte" "$d/$mode.byte" 2>"$d/py.log"; then
    ko "verifier $mode" "$(tail -1 "$d/py.log")"; continue
  fi
  out=$(cd "$d" && timeout 120 $runner "./$mode.byte" 2>&1); rc=$?
  if [ $rc = 2 ] && printf '%s' "$out" | grep -q "malformed CODE section ($msg"; then ok "verifier $mode"
  else ko "verifier $mode" "status $rc: $(printf '%s' "$out" | head -c 200)"; fi
done

echo "$pass passed, $fail failed"
[ $fail = 0 ]
