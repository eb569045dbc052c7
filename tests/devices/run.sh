#!/bin/sh
# Device tests: the examples on every port that supports them, the unit
# tests of the timer queue, crunched store, block device, GPIO and sockets,
# and the HTTP example under real clients on loopback (curl, wrk, 1000
# abrupt disconnections).  Ends with 'N passed, N failed'.
#   sh tests/devices/run.sh            (UCAML_NO_XTENSA=1: host only)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/wrk_load.sh"
cd "$root" || exit 2
here=$root/tests/devices
ucaml=$root/ucaml
pass=0; fail=0
tmp=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); [ -f "$tmp/out" ] && tail -n 15 "$tmp/out"; }
info() { echo "INFO $*"; }
# expect NAME COMMAND...: passes if COMMAND exits 0.
expect() {
  name=$1; shift
  if "$@" > "$tmp/out" 2>&1; then ok "$name"; else ko "$name"; fi
}

if ! make -s ucaml ocamllib > "$tmp/out" 2>&1; then
  ko build; echo "$pass passed, $fail failed"; exit 1
fi
xtensa=1
if [ "${UCAML_NO_XTENSA:-0}" = 1 ] || ! command -v qemu-system-xtensa > /dev/null ||
   ! command -v xtensa-lx106-elf-gcc > /dev/null; then
  xtensa=0; echo "SKIP xtensa-qemu (no emulator or cross compiler)"
fi
targets="unix"; [ $xtensa = 1 ] && targets="unix xtensa-qemu"
# Lwt programs are large: loading and verifying their code needs more than
# the board's default port_alloc pool (RAM_BUDGET/16 + the VM stack).
export XTENSA_POOL=${XTENSA_POOL:-81920}

# ---- hello: ticks at the right times, on every port ----
hello_ok() {   # output file, ticks, interval
  grep -q '^hello from a ucaml unikernel$' "$1" && grep -q '^goodbye$' "$1" || return 1
  n=1
  while [ $n -le "$2" ]; do
    ms=$(sed -n "s/^tick $n at +\([0-9]*\) ms.*/\1/p" "$1")
    [ -n "$ms" ] && [ "$ms" -ge $((n * $3)) ] && [ "$ms" -lt $((n * $3 + 2000)) ] || return 1
    n=$((n + 1))
  done
}
for t in $targets; do
  if $ucaml run --target $t examples/hello 3 100 > "$tmp/out" 2>&1 && hello_ok "$tmp/out" 3 100
  then ok "hello on $t"; else ko "hello on $t"; fi
done

# Idle costs no CPU: three 1-second sleeps must use far less than a second.
$ucaml build examples/hello -o "$tmp/hello.byte" > "$tmp/out" 2>&1
/usr/bin/time -f '%U %S' -o "$tmp/cpu" $ucaml exec "$tmp/hello.byte" 3 1000 > "$tmp/out" 2>&1
cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' "$tmp/cpu")
info "hello on unix: ${cpu} ms of CPU for 3 s of sleep"
if [ "$cpu" -lt 300 ] && hello_ok "$tmp/out" 3 1000; then ok "hello idles without CPU on unix"
else ko "hello idles without CPU on unix"; fi
if [ $xtensa = 1 ]; then
  $ucaml build --target xtensa-qemu examples/hello -o "$tmp/hello.elf" > "$tmp/out" 2>&1
  /usr/bin/time -f '%U %S' -o "$tmp/cpu" ports/xtensa-qemu/run.sh "$tmp/hello.elf" 3 1000 > "$tmp/out" 2>&1
  cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' "$tmp/cpu")
  info "hello on xtensa-qemu: ${cpu} ms of emulator CPU for 3 s of sleep"
  if [ "$cpu" -lt 1500 ] && hello_ok "$tmp/out" 3 1000; then ok "hello idles (WAITI) on xtensa-qemu"
  else ko "hello idles (WAITI) on xtensa-qemu"; fi
fi

# ---- kv: the crunched files, same output everywhere ----
for t in $targets; do
  expect "kv on $t" sh -c "$ucaml run --target $t examples/kv > $tmp/kv.out 2>&1 && diff -u $here/kv.expected $tmp/kv.out"
done

# ---- Sys.argv: the program's name, then the command line's arguments ----
printf 'let () = Array.iter print_endline Sys.argv\n' > "$tmp/show_args.ml"
printf 'show_args\none\ntwo words\n' > "$tmp/args.expected"
for t in $targets; do
  expect "Sys.argv on $t" sh -c "$ucaml run --target $t $tmp/show_args.ml one 'two words' > $tmp/args.out 2>&1 && diff -u $tmp/args.expected $tmp/args.out"
done

# ---- http needs networking: refused at build time on boards without it ----
if [ $xtensa = 1 ] && grep -q '^Ucaml_net' ports/xtensa-qemu/unsupported-units 2>/dev/null; then
  if $ucaml build --target xtensa-qemu examples/http -o "$tmp/http.elf" > "$tmp/out" 2>&1; then
    ko "http refused on xtensa-qemu"
  elif grep -q "needs networking" "$tmp/out"; then ok "http refused on xtensa-qemu"
  else ko "http refused on xtensa-qemu"; fi
fi

# ---- unit tests ----
for t in $targets; do
  for u in timers kvstore block gpio; do
    arg=; [ $u = timers ] && [ $t != unix ] && arg=2000   # timers in the queue test
    expect "$u on $t" sh -c "cd $tmp && $ucaml run --target $t $here/$u $arg"
  done
done
expect "net on unix" timeout 60 $ucaml run "$here/net"

# ---- http on the host, with real clients ----
port=$(( 20000 + $$ % 20000 ))
$ucaml build examples/http -o "$tmp/http.byte" > "$tmp/out" 2>&1
UCAML_STATS=1 $ucaml exec "$tmp/http.byte" $port 127.0.0.1 120 > "$tmp/server.out" 2>&1 &
server=$!
url=http://127.0.0.1:$port
up=0
for _ in $(seq 50); do
  curl -s -o /dev/null "$url/" && { up=1; break; }
  sleep 0.1
done
if [ $up = 0 ]; then
  ko "http server starts"; cat "$tmp/server.out"
else
  ok "http server starts"
  expect "curl: index page" sh -c "curl -s $url/ | cmp - examples/http/htdocs/index.html"
  expect "curl: binary file" sh -c "curl -s $url/data.bin | cmp - examples/http/htdocs/data.bin"
  expect "curl: headers" sh -c "curl -si $url/style.css | tr -d '\r' > $tmp/h &&
    grep -q '^HTTP/1.1 200 OK' $tmp/h && grep -qi '^content-type: text/css' $tmp/h &&
    grep -qi '^content-length: $(wc -c < examples/http/htdocs/style.css)$' $tmp/h"
  expect "curl: HEAD" sh -c "curl -sI $url/index.html | tr -d '\r' | grep -qi '^content-length: $(wc -c < examples/http/htdocs/index.html)$'"
  expect "curl: keep-alive" sh -c "curl -sv $url/ $url/style.css -o /dev/null -o /dev/null 2>&1 | grep -q 'Re-using existing connection'"
  expect "curl: 404" sh -c "curl -s -o /dev/null -w '%{http_code}' $url/missing | grep -qx 404"
  expect "curl: 405" sh -c "curl -s -o /dev/null -w '%{http_code}' -X POST $url/ | grep -qx 405"
  fds_before=$(ls /proc/$server/fd | wc -l)
  if command -v wrk > /dev/null; then
    wrk_load "$tmp/wrk" -t2 -c16 -d10s "$url/index.html"
    info "wrk -t2 -c16 -d10s /index.html: $wrk_summary"
    if [ $wrk_ok = 1 ]; then ok "wrk load test without errors"
    else cp "$tmp/wrk" "$tmp/out"; ko "wrk load test without errors"; fi
  else
    ab -k -q -n 5000 -c 16 "$url/index.html" > "$tmp/ab" 2>&1
    info "ab: $(grep -e 'Requests per second' -e 'Time per request' "$tmp/ab" | head -2 | tr -s ' ' | tr '\n' ';')"
    if grep -q '^Failed requests: *0' "$tmp/ab"; then ok "ab load test without errors"
    else cp "$tmp/ab" "$tmp/out"; ko "ab load test without errors"; fi
  fi
  expect "1000 abrupt disconnections" timeout 60 python3 "$here/drops.py" $port 1000
  sleep 1
  expect "server alive after the drops" sh -c "curl -s $url/ | cmp - examples/http/htdocs/index.html"
  fds_after=$(ls /proc/$server/fd | wc -l)
  info "server descriptors: $fds_before before the load, $fds_after after"
  if [ "$fds_after" -le $((fds_before + 1)) ]; then ok "no descriptor leak"; else ko "no descriptor leak"; fi
  info "server RSS high-water: $(sed -n 's/^VmHWM: *//p' /proc/$server/status)"
  kill -INT $server 2>/dev/null; wait $server 2>/dev/null; server=
fi

# Heap high-water of the server under load: a run that ends by itself.
UCAML_STATS=1 $ucaml exec "$tmp/http.byte" $((port + 1)) 127.0.0.1 6 > "$tmp/server.out" 2>&1 &
server=$!
sleep 1
if command -v wrk > /dev/null; then wrk -t2 -c16 -d4s "http://127.0.0.1:$((port + 1))/index.html" > /dev/null 2>&1; fi
wait $server; server=
heap=$(sed -n 's/.*heap_high_water_bytes=\([0-9]*\).*/\1/p' "$tmp/server.out")
[ -n "$heap" ] && info "server heap high-water under load: $heap bytes"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
