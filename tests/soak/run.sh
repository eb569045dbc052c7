#!/bin/sh
# Soak test: a long-lived program runs for N seconds while its resident
# memory (VmRSS from /proc) is sampled every second; it must stay flat.
#   tests/soak/run.sh [--seconds N] [--http]
# Default: the allocation-heavy loop soak.ml (which also prints the heap's
# size and high-water mark each second: they must stay flat too).
# --http: the HTTP example (examples/http) served for N seconds under wrk
# (or a curl loop), heap high-water from UCAML_STATS=1 at exit.
# Flat means: the last sample is within 10% (and 1 MB) of the sample taken
# after the first fifth of the run (the warm-up).  60 s in CI; an hour by
# hand: --seconds 3600.  Ends with 'N passed, N failed'.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
seconds=60; mode=loop
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --http) mode=http; shift ;;
    *) echo "usage: tests/soak/run.sh [--seconds N] [--http]" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d); pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
pass=0; fail=0
ok() { pass=$((pass+1)); echo "PASS $1"; }
ko() { fail=$((fail+1)); echo "FAIL $1${2:+: $2}"; }
make -j2 ucaml >"$work/build.log" 2>&1 || { tail "$work/build.log"; ko build; echo "$pass passed, $fail failed"; exit 1; }

rss_kb() { sed -n "s/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status" 2>/dev/null; }

# flat NAME WARM END UNIT: END within 10% and 1 MB (1024 units of KB) of WARM
flat() {
  limit=$(( ${2:-0} + ${2:-0} / 10 + 1024 ))
  if [ -n "$2" ] && [ -n "$3" ] && [ "$3" -le "$limit" ]; then ok "$1 flat: $2 $4 after warm-up, $3 $4 at the end"
  else ko "$1 grows" "${2:-?} $4 after warm-up, ${3:-?} $4 at the end (limit $limit)"; fi
}

if [ $mode = loop ]; then
  cp tests/soak/soak.ml "$work/" && (cd "$work" && ocamlc soak.ml -o soak.byte) >"$work/c.log" 2>&1 ||
    { cat "$work/c.log"; ko compile; echo "$pass passed, $fail failed"; exit 1; }
  UCAML_STATS=1 ./ucaml exec --heap 32M "$work/soak.byte" "$seconds" "$work/tmp.txt" >"$work/out" 2>"$work/err" &
else
  ./ucaml build examples/http -o "$work/http.byte" >"$work/c.log" 2>&1 ||
    { tail "$work/c.log"; ko "build examples/http"; echo "$pass passed, $fail failed"; exit 1; }
  port=$((20000 + $$ % 10000))
  UCAML_STATS=1 ./ucaml exec "$work/http.byte" $port 127.0.0.1 "$((seconds + 5))" >"$work/out" 2>"$work/err" &
fi
pid=$!
sleep 1
if [ $mode = http ]; then
  url=http://127.0.0.1:$port/index.html
  if command -v wrk >/dev/null; then
    wrk -t2 -c16 -d"$((seconds - 2))s" "$url" >"$work/load" 2>&1 &
  else
    ( end=$(( $(date +%s) + seconds - 2 )); while [ "$(date +%s)" -lt $end ]; do curl -s -o /dev/null "$url"; done ) &
  fi
fi
warm_at=$((seconds / 5)); [ $warm_at -lt 2 ] && warm_at=2
t=0; start=""; warm=""; last=""
# Until the program exits (its seconds are CPU time: longer on a busy
# machine), at most three times as long.
while [ $t -lt $((3 * seconds + 30)) ] && kill -0 $pid 2>/dev/null; do
  r=$(rss_kb $pid); [ -n "$r" ] || break
  [ -z "$start" ] && start=$r
  [ $t = $warm_at ] && warm=$r
  last=$r; echo "$t $r" >>"$work/rss"
  sleep 1; t=$((t + 1))
done
wait $pid; rc=$?; pid=""
wait
echo "RSS (KB) at 0 s: $start, after warm-up ($warm_at s): $warm, at the end ($t s): $last"
[ $rc = 0 ] && ok "$mode ran $t s and exited normally" || { ko "$mode exit status $rc"; tail -5 "$work/err"; }
flat "RSS" "$warm" "$last" KB
grep '^ucaml-stats' "$work/err"
if [ $mode = loop ]; then
  w=$(sed -n "s/^t=$warm_at .*top_heap_words=\([0-9]*\)/\1/p" "$work/out")
  e=$(tail -n 1 "$work/out" | sed -n 's/.*top_heap_words=\([0-9]*\)/\1/p')
  echo "heap: $(sed -n "s/^t=$warm_at //p" "$work/out") / $(tail -n 1 "$work/out")"
  flat "heap high-water" "$w" "$e" words
else
  [ -f "$work/load" ] && grep -E "Requests/sec|requests in" "$work/load"
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
