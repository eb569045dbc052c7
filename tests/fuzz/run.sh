#!/bin/sh
# Fuzzes the VM with libFuzzer (clang, ASan+UBSan, leak checks on):
#   load       whole bytecode executables (loader, global data, verifier)
#   unmarshal  Marshal.from_string input, then hash, compare, re-marshal
#   numbers    float_of_string, int_of_string, Int64.of_string... and
#              print/parse round trips
#   scanf      Scanf.sscanf with many formats, Scanf.format_from_string
#   http       a client's bytes on one connection to the HTTP example's
#              server (cohttp-lwt over examples/http/flow_io.ml), http.ml
#
#   tests/fuzz/run.sh [--seconds N | --runs R] [--jobs J] [--seed S] [HARNESS...]
#
# N seconds per harness (default 60; an hour by hand: --seconds 3600), or R
# executions scaled by each harness's speed (load R, http 2R, scanf 4R,
# numbers 15R, unmarshal 20R: about the same time each); J harnesses at a
# time (default 2).  `make test`
# uses --runs with --seed: the inputs explored then depend neither on the
# machine's speed nor on an earlier run's corpus (a fresh one is used), so
# a red run is reproducible anywhere.  Without --seed every run explores
# new ground (the long runs that look for new findings) and the corpus
# grows in build/fuzz/corpus.
# Seeds are made at run time: programs compiled with ocamlc, values
# marshalled by ocamlrun and by ucaml (closures need ucaml's code digest).
# Crashing inputs are
# written to build/fuzz/artifacts.  First, every input in
# tests/fuzz/regressions/HARNESS/ is replayed.
# Ends with 'N passed, N failed'.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
seconds=60; runs=""; jobs=2; seed=""
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    -*) echo "usage: tests/fuzz/run.sh [--seconds N | --runs R] [--jobs J] [--seed S] [HARNESS...]" >&2; exit 2 ;;
    *) break ;;
  esac
done
harnesses=${*:-load unmarshal numbers scanf http}
out=build/fuzz
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT INT TERM
pass=0; fail=0
ok() { pass=$((pass+1)); echo "PASS $1"; }
ko() { fail=$((fail+1)); echo "FAIL $1${2:+: $2}"; }

if ! make -j2 -f tests/fuzz/fuzz.mk >"$work/build.log" 2>&1; then
  tail -20 "$work/build.log"; ko build "the harnesses do not build"
  echo "$pass passed, $fail failed"; exit 1
fi
make -j2 ucaml >"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; ko build "ucaml does not build"; echo "$pass passed, $fail failed"; exit 1; }

# --- seeds --------------------------------------------------------------------
seeds=$work/seeds; mkdir -p "$seeds/load" "$work/ocamlrun"
(cd "$work" && cp "$root/tests/fuzz/driver.ml" . && ocamlc driver.ml -o driver.byte) >"$work/seed.log" 2>&1 ||
  { cat "$work/seed.log"; ko seeds "driver.ml does not compile"; echo "$pass passed, $fail failed"; exit 1; }
export UCAML_FUZZ_PROG="$work/driver.byte"
ocamlrun "$work/driver.byte" seeds "$work/ocamlrun" >/dev/null
./ucaml exec "$work/driver.byte" seeds "$seeds" >/dev/null
# A program using no library at all, the small test programs, the driver.
printf 'external exit : int -> unit = "caml_sys_exit"\nlet () = exit 0\n' >"$work/tiny.ml"
(cd "$work" && ocamlc -nopervasives -nostdlib tiny.ml -o seeds/load/tiny.byte) >/dev/null 2>&1
for f in hello gc_churn; do
  cp tests/cases/$f.ml "$work/" && (cd "$work" && ocamlc -g $f.ml -o "seeds/load/$f.byte") >/dev/null 2>&1
done
cp "$work/driver.byte" "$seeds/load/"
# http.ml with the example's flow code and the flow signature, as in the
# example's build (the signature's source, so that ocamlrun runs it too).
case " $harnesses " in *" http "*)
  if ! ocamlfind query cohttp-lwt cstruct >/dev/null 2>&1; then
    echo "note: fuzzer http skipped (needs cohttp-lwt: sh tools/install-deps.sh)"
    harnesses=$(echo " $harnesses " | sed 's/ http / /')
  else
    mkdir -p "$work/http"
    cp lib/ucaml_mirage/mirage_flow.ml lib/ucaml_mirage/mirage_time.ml lib/ucaml_mirage/mirage_clock.ml examples/http/flow_io.ml tests/fuzz/http.ml "$work/http/"
    (cd "$work/http" && ocamlfind ocamlc -g -package cohttp-lwt,cstruct -linkpkg \
       mirage_flow.ml mirage_time.ml mirage_clock.ml flow_io.ml http.ml -o http.byte) >"$work/seed.log" 2>&1 ||
      { cat "$work/seed.log"; ko seeds "http.ml does not compile"; echo "$pass passed, $fail failed"; exit 1; }
    export UCAML_FUZZ_HTTP="$work/http/http.byte"
    ./ucaml exec "$work/http/http.byte" seeds "$seeds" >/dev/null
  fi ;;
esac

# --- known crashes stay fixed -------------------------------------------------
for h in $harnesses; do
  for f in tests/fuzz/regressions/$h/*; do
    [ -f "$f" ] || continue
    if "$out/fuzz_$h" -runs=3 "$f" >"$work/replay.log" 2>&1; then ok "regression $h/$(basename "$f")"
    else ko "regression $h/$(basename "$f")" "$(grep -m1 -E 'ERROR|uncaught' "$work/replay.log")"; fi
  done
done

# --- fuzzing ------------------------------------------------------------------
mkdir -p "$out/artifacts"
corpus=$out/corpus; [ -n "$runs" ] && corpus=$work/corpus
fuzz_one() {   # harness
  h=$1; mkdir -p "$corpus/$h"
  bound="-max_total_time=$seconds"
  if [ -n "$runs" ]; then
    case $h in http) w=2 ;; scanf) w=4 ;; numbers) w=15 ;; unmarshal) w=20 ;; *) w=1 ;; esac
    bound="-runs=$((runs * w))"
  fi
  extra=""; [ -d "$work/ocamlrun/$h" ] && extra="$work/ocamlrun/$h"
  [ -d "$seeds/$h" ] || mkdir -p "$seeds/$h"
  maxlen=300000; [ "$h" = http ] && maxlen=16384   # bounds an input's run time
  "$out/fuzz_$h" ${seed:+-seed=$seed} "$bound" -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen \
    -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$out/artifacts/$h-" \
    "$corpus/$h" "$seeds/$h" $extra >"$work/$h.log" 2>&1
  echo $? >"$work/$h.rc"
}
running=0
for h in $harnesses; do
  fuzz_one "$h" &
  running=$((running+1))
  if [ $running -ge "$jobs" ]; then wait; running=0; fi
done
wait
for h in $harnesses; do
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$h.log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$h.log")
  if [ "$(cat "$work/$h.rc")" = 0 ]; then
    ok "fuzz $h: ${executed:-?} executions (${speed:-?}/s), corpus $(ls "$corpus/$h" | wc -l) inputs"
  else
    grep -m3 -E 'ERROR|uncaught|SUMMARY|Test unit written' "$work/$h.log"
    ko "fuzz $h" "a finding after ${executed:-?} executions: add the input to tests/fuzz/regressions/$h/ once fixed"
  fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
