#!/bin/sh
# Deterministic cost of benchmark programs on the emulated Xtensa board:
# emulated CPU cycles (CCOUNT) under QEMU's -icount, the same on every run.
#
#   tools/xtensa-cycles.sh [--count] [--check] [NAME[=ARGS]...]
#
# NAMEs are programs of the OCaml 4.13.1 testsuite's tests/misc directory
# (default: fib takc bdd), taken from Debian's ocaml-source package at run
# time; `minorgc` is a built-in probe of the cost of one minor collection.
# Each is compiled with the stock ocamlc, linked into a firmware image and
# run under `qemu-system-xtensa -icount shift=0,sleep=off`.
#   --count  also build a VM that counts bytecode instructions (in
#            build/xtensa-qemu-count) and print cycles per instruction
#   --check  run each program twice and fail if the counts differ
# Output, one line per program: name, arguments, RAM configuration,
# CCOUNT cycles, and with --count bytecodes, cycles and Xtensa instructions
# per bytecode.  QEMU's lx106 CCOUNT ticks at 40 MHz of virtual time and
# -icount shift=0 makes every instruction last 1 ns: one CCOUNT cycle is 25
# emulated instructions (the model has no pipeline or cache timing).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
count=0; check=0
while [ $# -gt 0 ]; do
  case $1 in
    --count) count=1; shift ;;
    --check) check=1; shift ;;
    -*) echo "usage: xtensa-cycles.sh [--count] [--check] [NAME[=ARGS]...]" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || set -- fib takc bdd minorgc
sh "$root/tools/install-deps.sh" >&2 || exit 2

work=$root/build/xtensa-qemu/cycles
mkdir -p "$work"

# The testsuite sources: an unpacked tree (OCAML_SRC), the conformance
# runner's cache, or tests/misc extracted here from the Debian tarball.
src=${OCAML_SRC:-}
if [ -z "$src" ]; then
  cache=${CONFORMANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ocaml-4.13.1-testsuite}/ocaml-4.13.1
  if [ -f "$cache/.complete" ]; then src=$cache
  else
    src=$work/ocaml-4.13.1
    if [ ! -d "$src/testsuite/tests/misc" ]; then
      tar -xOf /usr/src/ocaml-source-4.13.1.tar ocaml-4.13.1/ocaml_4.13.1.orig.tar.gz |
        tar -xzf - -C "$work" ocaml-4.13.1/testsuite/tests/misc ||
        { echo "xtensa-cycles.sh: needs Debian's ocaml-source (/usr/src/ocaml-source-4.13.1.tar)" >&2; exit 2; }
    fi
  fi
fi

# One minor collection, timed from OCaml with Sys.time (CCOUNT-based on the
# board): with a nursery of dead blocks, and the extra cost of promoting 128
# live list cells.
# The cost of reading the clock is measured alone and subtracted.
cat > "$work/minorgc.ml" <<'ML'
let cycles_per_second = 40e6
let rounds = 200
let measure f =
  let total = ref 0. in
  for _ = 1 to rounds do
    let t0 = Sys.time () in f (); let t1 = Sys.time () in
    total := !total +. (t1 -. t0)
  done;
  !total /. float rounds *. cycles_per_second
let garbage () = for i = 1 to 200 do ignore (Sys.opaque_identity (ref i)) done
let () =
  let clock = measure (fun () -> ()) in
  let dead = measure (fun () -> garbage (); Gc.minor ()) -. measure garbage in
  let live = ref [] in
  let keep () = live := List.init 128 (fun i -> i); Gc.minor (); live := [] in
  let build () = live := List.init 128 (fun i -> i); live := [] in
  let promote = measure keep -. measure build in
  Printf.printf "reading the clock %.0f, with a dead nursery %.0f, extra for 128 live blocks (384 words) %.0f\n"
    clock dead promote
ML

# build NAME ARGS BUILD_DIR EXTRA_CFLAGS -> image path
image() {
  name=$1; dir=$2; cflags=$3
  out=$work/$name.elf
  if [ -n "$cflags" ]; then out=$work/$name.count.elf; fi
  psram=
  if [ "$name" = bdd ]; then psram=16M; fi    # hwb 20 builds a BDD of several MB
  make -s -C "$root" -f ports/xtensa-qemu/port.mk xtensa-image \
    XQ_BUILD="$dir" XTENSA_CFLAGS="$cflags" XTENSA_BYTECODE="$work/$name.byte" \
    XTENSA_OUT="$out" XTENSA_NAME="$name" XTENSA_REPORT=1 XTENSA_PSRAM="$psram" XTENSA_QUIET=1 \
    >"$work/$name.build.log" 2>&1 || { cat "$work/$name.build.log" >&2; exit 2; }
  echo "$out"
}
run() {   # image args -> "cycles N [bytecodes M]" on stdout, program output to $work/NAME.out
  elf=$1; shift
  "$root/ports/xtensa-qemu/run.sh" -i -t 600 "$elf" "$@" >"$work/last.out" 2>&1 || {
    cat "$work/last.out" >&2; echo "xtensa-cycles.sh: $elf failed" >&2; exit 1; }
  c=$(sed -n 's/^ucaml-report: status .*cycles \([0-9]*\).*/\1/p' "$work/last.out")
  b=$(sed -n 's/^ucaml-report: bytecodes \([0-9]*\)/\1/p' "$work/last.out")
  echo "$c ${b:-0}"
}

printf '%-8s %-8s %-18s %14s' program args RAM "CCOUNT cycles"
if [ $count = 1 ]; then printf ' %14s %10s %10s' bytecodes "cyc/bc" "instr/bc"; fi
echo
for spec in "$@"; do
  name=${spec%%=*}; args=
  if [ "$spec" != "$name" ]; then args=$(echo "${spec#*=}" | tr ',' ' '); fi
  if [ "$name" = minorgc ]; then :
  elif [ -f "$src/testsuite/tests/misc/$name.ml" ]; then cp "$src/testsuite/tests/misc/$name.ml" "$work/$name.ml"
  else echo "xtensa-cycles.sh: no program $name in tests/misc" >&2; exit 2; fi
  (cd "$work" && ocamlc -o "$name.byte" "$name.ml") || exit 2
  elf=$(image "$name" build/xtensa-qemu "")
  set -- $(run "$elf" $args); cycles=$1
  if [ $check = 1 ]; then
    set -- $(run "$elf" $args)
    [ "$1" = "$cycles" ] || { echo "xtensa-cycles.sh: $name: $cycles then $1 cycles" >&2; exit 1; }
  fi
  ram="320K"; if [ "$name" = bdd ]; then ram="320K+16M PSRAM"; fi
  if [ "$name" = minorgc ]; then
    echo "minor collection, CCOUNT cycles: $(sed -n 's/^reading/reading/p' "$work/last.out")"
  fi
  printf '%-8s %-8s %-18s %14s' "$name" "${args:--}" "$ram" "$cycles"
  if [ $count = 1 ]; then
    celf=$(image "$name" build/xtensa-qemu-count "-DUC_COUNT_BYTECODES")
    set -- $(run "$celf" $args); bc=$2
    awk -v c="$cycles" -v b="$bc" 'BEGIN { printf " %14d %10.3f %10.1f", b, c / b, 25 * c / b }'
  fi
  echo
done
