#!/bin/sh
# Mutants of real programs (tests/faults/mutate.py) on every build: none may
# kill the VM by a signal or a sanitizer report.  Fixed seed in CI; a long
# hunt by hand: tests/faults/mutants.sh --count 20000 --seed -1.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
count=200; seed=1
while [ $# -gt 0 ]; do
  case $1 in
    --count) count=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    *) echo "usage: tests/faults/mutants.sh [--count N] [--seed S]" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT INT TERM
progs=
for src in tests/cases/hello.ml tests/cases/ill_typed.ml tests/cases/ill_typed_access.ml \
           tests/cases/marshal_dense.ml tests/cases/int_formats.ml \
           tests/cases/printf_format_hashtbl.ml tests/cases/gc_churn.ml bench/programs/closures.ml \
           bench/programs/hashtbl_bench.ml bench/programs/printf_bench.ml; do
  name=$(basename "$src" .ml)
  (cd "$work" && cp "$root/$src" . && ocamlc "$name.ml" -o "$name.byte") || exit 2
  progs="$progs $work/$name.byte"
done
pass=0; fail=0
run() {   # name count runner
  out=$(python3 "$root/tests/faults/mutate.py" --count "$2" --seed "$seed" "$3" $progs)
  echo "$out" | grep '^FAIL'
  line=$(echo "$out" | tail -n 1)
  p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
  echo "$1: $line"
  pass=$((pass + p)); fail=$((fail + f))
}
run host "$count" "$root/ucaml exec"
run host32 "$((count / 2))" "$root/tools/host32-ucaml.sh exec"
run asan "$((count / 2))" "$root/build/unix-san/ucaml exec"
run xtensa "$((count / 5))" "$root/tools/xtensa-ucaml.sh"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
