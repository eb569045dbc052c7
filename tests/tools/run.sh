#!/bin/sh
# Debian's bytecode compiler tools (compiler-libs programs in /usr/bin) run
# under ucaml and under stock ocamlrun on the same inputs (tests/tools/inputs):
# their output, exit status and every file they write must be identical byte
# for byte; programs they build are run too.  Each tool runs in the same
# directory on both sides, since compiled files record paths.
#   tests/tools/run.sh                         host: ./ucaml exec
#   RUNNER="tools/host32-ucaml.sh exec" tests/tools/run.sh
# TOOLS_SKIP="name ..." skips comparisons.  TOOLS_HOST32=1 (a 32-bit
# runner) skips the compilers' comparisons: hosted on 32 bits, ocamlc writes
# 32-bit bytecode and ocamlopt.byte cannot even load (its global data holds
# 64-bit native integers), as under a 32-bit ocamlrun.  Ends with a table
# (comparison, identical?, time under ucaml / time under ocamlrun) and
# 'N passed, N failed'.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
runner=${RUNNER:-$root/ucaml exec}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT INT TERM
pass=0; fail=0; table=""
ok() { pass=$((pass+1)); echo "PASS $1"; }
ko() { fail=$((fail+1)); echo "FAIL $1${2:+: $2}"; }

for tool in ocamlc.byte ocamlopt.byte ocamldep.byte ocamlobjinfo.byte ocamllex.byte; do
  [ -f "/usr/bin/$tool" ] || { ko setup "/usr/bin/$tool missing (Debian's ocaml-nox)"; echo "$pass passed, $fail failed"; exit 1; }
done

# --- the stage: inputs and what the tools read, built by the native tools ---
stage=$work/stage
mkdir -p "$stage/big"; cp "$root"/tests/tools/inputs/* "$stage/"
# Two large sources for timings beyond start-up: the stdlib's own.
cp /usr/lib/ocaml/format.ml /usr/lib/ocaml/scanf.ml "$stage/big/"
if ! (cd "$stage" && ocamllex -q calc.mll && ocamlc -g -c shapes.mli shapes.ml calc.ml main.ml &&
      ocamlc -g shapes.cmo calc.cmo main.cmo -o prog.byte &&
      ocamlopt -c shapes.ml calc.ml main.ml &&
      mkdir prof && cp shapes.mli shapes.ml main.ml calc.cmi calc.cmo prof/ &&
      cd prof && ocamlcp -P f -c shapes.mli shapes.ml main.ml &&
      ocamlcp -P f shapes.cmo calc.cmo main.cmo -o prof.byte && ocamlrun ./prof.byte) \
     >"$work/stage.log" 2>&1; then
  ko setup "cannot build the inputs: $(tail -3 "$work/stage.log" | tr '\n' ' ')"
  echo "$pass passed, $fail failed"; exit 1
fi

now() { date +%s.%N; }

# One side: a fresh copy of the stage at $work/run, the tool run there, then
# AFTER (a shell command run by stock tools, e.g. the program built); ARGS
# may run the tool again as $VM /usr/bin/TOOL.  The
# directory is kept as $work/SIDE, the output in $work/SIDE.out.
run_side() {   # side vm tool args after
  rm -rf "$work/run"; cp -r "$stage" "$work/run"
  start=$(now)
  VM=$2   # for args running a second tool
  (cd "$work/run" && eval "$VM /usr/bin/$3 $4" >"$work/$1.out" 2>&1; echo "exit $?" >>"$work/$1.out")
  elapsed=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
  [ -z "$5" ] || (cd "$work/run" && eval "$5" >>"$work/$1.out" 2>&1; echo "after: exit $?" >>"$work/$1.out")
  rm -rf "$work/$1"; mv "$work/run" "$work/$1"
}

# ocamlcp and ocamloptp compile a temporary copy of the source whose random
# name ends up in what they write: same_temp_names.py makes it the same on
# both sides.  Files that still differ between two runs under ocamlrun are
# the tool's own variation (named in the PASS line), not compared.
side() {   # side vm tool args after: run_side, then the temporary names
  run_side "$@"
  python3 "$root/tests/tools/same_temp_names.py" "$work/$1"
  python3 "$root/tests/tools/same_temp_names.py" "$work/$1.out"
}

# Names ending in -error expect the tool to fail, the same way on both sides.
compare() {   # name tool args [after]
  name=$1 tool=$2 args=$3 after=${4:-}
  case " ${TOOLS_SKIP:-} " in *" $name "*) echo "SKIP $name"; return ;; esac
  side ref ocamlrun "$tool" "$args" "$after"; t_ref=$elapsed
  rm -rf "$work/ref1"; mv "$work/ref" "$work/ref1"
  side ref ocamlrun "$tool" "$args" "$after"
  side got "$runner" "$tool" "$args" "$after"; t_got=$elapsed
  varying=$(diff -rq "$work/ref1" "$work/ref" 2>&1 | sed -n 's|^Files [^ ]*/ref1/\([^ ]*\) and .*|\1|p' | tr '\n' ' ')
  for f in $varying; do rm -f "$work/ref/$f" "$work/got/$f"; done
  ratio=$(awk -v a="$t_got" -v b="$t_ref" 'BEGIN { printf "%.2f", a / (b + 0.001) }')
  same=yes
  status_ok='^exit 0$'
  case $name in *-error) status_ok='^exit [1-9]' ;; esac
  if ! cmp -s "$work/ref.out" "$work/got.out"; then
    same=no; ko "$name" "output differs: $(diff "$work/ref.out" "$work/got.out" | head -4 | tr '\n' ' ')"
  elif ! diff -r "$work/ref" "$work/got" >"$work/files.diff" 2>&1; then
    same=no; ko "$name" "files differ: $(head -3 "$work/files.diff" | tr '\n' ' ')"
  elif ! grep -q "$status_ok" "$work/ref.out"; then
    same=no; ko "$name" "unexpected status under ocamlrun: $(head -3 "$work/ref.out" | tr '\n' ' ')"
  else
    ok "$name${varying:+ (varying under ocamlrun too, not compared: $varying)}"
  fi
  table="$table
$(printf '| %-20s | %-9s | %5s | %s |' "$name" "$same" "$ratio" "$tool $args" | cut -c1-110)"
}

word_size_dependent="ocamlc-link ocamlc-plain ocamlc-bin-annot ocamlc-dlambda ocamlc-library
  ocamlc-large ocamlopt-large ocamlopt-asm ocamlopt-link ocamloptp ocamlcp ocamlmklib ocamlmktop"
[ "${TOOLS_HOST32:-0}" = 1 ] && TOOLS_SKIP="${TOOLS_SKIP:-} $(echo $word_size_dependent)"

srcs="shapes.mli shapes.ml calc.ml main.ml"
compare ocamlc-link ocamlc.byte "-g $srcs -o out.byte" "ocamlrun ./out.byte"
compare ocamlc-plain ocamlc.byte "$srcs -o out.byte" "ocamlrun ./out.byte"
compare ocamlc-bin-annot ocamlc.byte "-c -bin-annot -annot $srcs"
compare ocamlc-interface ocamlc.byte "-i calc.ml main.ml"
compare ocamlc-dlambda ocamlc.byte "-c -dlambda -dinstr main.ml"
compare ocamlc-library ocamlc.byte "-a shapes.cmo calc.cmo -o shapes.cma"
compare ocamlc-error ocamlc.byte "-c missing.ml; echo 'let x : int = \"no\"' >bad.ml; \$VM /usr/bin/ocamlc.byte -c bad.ml"
compare ocamlc-large ocamlc.byte "-c -w -a big/format.ml big/scanf.ml"
compare ocamlopt-large ocamlopt.byte "-S -c -w -a big/format.ml big/scanf.ml"
compare ocamlopt-asm ocamlopt.byte "-S -c $srcs"
compare ocamlopt-link ocamlopt.byte "$srcs -o out.native" "./out.native"
compare ocamldep ocamldep.byte "$srcs calc.mll"
compare ocamldep-sort ocamldep.byte "-sort $srcs"
compare ocamldep-modules ocamldep.byte "-modules $srcs"
compare ocamlobjinfo ocamlobjinfo.byte "shapes.cmi shapes.cmo main.cmo shapes.cmx prog.byte"
compare ocamlobjinfo-stdlib ocamlobjinfo.byte "/usr/lib/ocaml/stdlib.cma"
compare ocamldumpobj ocamldumpobj "prog.byte"
compare ocamllex ocamllex.byte "calc.mll -o lexer.ml" "ocamlc -c lexer.ml"
compare ocamllex-ml ocamllex.byte "-ml calc.mll -o lexer.ml" "ocamlc -c lexer.ml"
compare ocamlcp ocamlcp.byte "-P f -c shapes.mli shapes.ml main.ml && \$VM /usr/bin/ocamlcp.byte -P f shapes.cmo calc.cmo main.cmo -o p.byte" "ocamlrun ./p.byte"
compare ocamlprof ocamlprof.byte "-f prof/ocamlprof.dump main.ml"
compare ocamloptp ocamloptp.byte "-P f -c shapes.ml"
compare ocamlmklib ocamlmklib.byte "-o shapeslib shapes.cmo calc.cmo"
compare ocamlmktop ocamlmktop.byte "-o top.byte shapes.cmo"

echo "| comparison           | identical | time ucaml/ocamlrun | command |"
echo "|---|---|--:|---|$table"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
