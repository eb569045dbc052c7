#!/bin/sh
# The HTTP unikernel as a device left on a network, on the host and on the
# emulated board, started as a user starts it (`ucaml run [--target T]`,
# what `make demo` runs) and tried as users and attackers would:
#   - oversized request line and headers (414/431), a head that never ends
#     (408 or closed), slow clients holding connections while a normal
#     client is timed (answered within 1 s), a burst of connections;
#   - every file of htdocs (data.bin: 64 KB, streamed from flash) fetched
#     many times, checked by MD5, before and after load;
#   - wrk load for DEVICE_SOAK seconds (default 90), the server still up;
#   - a request that runs out of memory (tests/net/oom_http) gets a 503
#     and only its connection closes;
#   - Ctrl-C (SIGINT to the process group) stops it: no emulator left,
#     no temporary directory.
# An hour by hand: DEVICE_SOAK=3600 sh tests/net/device.sh
# Ends with 'N passed, N failed'.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
soak=${DEVICE_SOAK:-90}
pass=0; fail=0
tmp=$(mktemp -d)
group=
cleanup() {
  [ -n "$group" ] && kill -INT -"$group" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
t0=$(date +%s)
ok() { echo "PASS $1 ($(( $(date +%s) - t0 ))s)"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); [ -f "$tmp/out" ] && tail -n 15 "$tmp/out"; }
expect() {   # NAME COMMAND...: passes if COMMAND exits 0 (its output shown)
  name=$1; shift
  if "$@" > "$tmp/out" 2>&1; then sed 's/^/  /' "$tmp/out"; ok "$name"; else ko "$name"; fi
}
free_port() {
  python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
hostile="python3 $root/tests/net/hostile.py"

targets=${NET_TARGETS:-unix xtensa-qemu}
if ! command -v qemu-system-xtensa > /dev/null || ! command -v xtensa-lx106-elf-gcc > /dev/null; then
  targets=$(echo "$targets" | sed 's/xtensa-qemu//'); echo "SKIP xtensa-qemu (no emulator or cross compiler)"
fi
if ! make -s ucaml ocamllib > "$tmp/out" 2>&1; then
  ko build; echo "$pass passed, $fail failed"; exit 1
fi

# start NAME TARGET DIR [HEAP]: `ucaml run` in its own process group (as a
# shell runs a command), TMPDIR private so that what it leaves is seen.
start() {
  port=$(free_port)
  mkdir -p "$tmp/tmpdir-$1"
  heap=${4:+--heap $4}
  if [ "$2" = unix ]; then
    set -- "$1" "$2" "$3" ./ucaml run $heap "$3" -- "$port"
  else
    set -- "$1" "$2" "$3" ./ucaml run --target "$2" $heap --forward "$port:8080" "$3"
  fi
  name=$1; shift 3
  TMPDIR="$tmp/tmpdir-$name" setsid "$@" > "$tmp/$name.log" 2>&1 &
  group=$!
  # The board's first build takes a while: wait up to 5 minutes.
  i=0
  until curl -s -m 2 -o /dev/null "http://127.0.0.1:$port/" || [ $i -ge 300 ] || ! kill -0 $group 2>/dev/null; do
    sleep 1; i=$((i + 1))
  done
}

# stop NAME: SIGINT to the group; nothing may be left.
stop() {
  if kill -0 "$group" 2>/dev/null; then ok "$1: still serving at the end"; else ko "$1: died"; tail "$tmp/$1.log"; fi
  kill -INT -"$group" 2>/dev/null
  i=0
  while kill -0 "$group" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
  left=$(pgrep -f "hostfwd=tcp:127.0.0.1:$port-" | wc -l)
  if ! kill -0 "$group" 2>/dev/null && [ "$left" = 0 ] && [ -z "$(ls -A "$tmp/tmpdir-$1")" ]; then
    ok "$1: Ctrl-C stopped it, no emulator and no temporary files left"
  else
    ko "$1: after Ctrl-C: process alive=$(kill -0 "$group" 2>/dev/null && echo yes || echo no), emulators $left, temporary: $(ls "$tmp/tmpdir-$1")"
    kill -KILL -"$group" 2>/dev/null
  fi
  group=
  if grep -q "Fatal error\|exception" "$tmp/$1.log"; then ko "$1: its console shows a fatal error"; grep -m3 "Fatal\|exception" "$tmp/$1.log"; fi
}

for t in $targets; do
  if [ "$t" = unix ]; then slow=200 burst=1000 rounds=100; else slow=8 burst=200 rounds=100; fi
  start "http-$t" "$t" examples/http
  expect "$t: limits (414, 431, 408)" $hostile "$port" limits
  expect "$t: $slow slow clients, a normal client served within 1 s" $hostile "$port" slow "$slow" 10
  expect "$t: $burst connections at once" $hostile "$port" burst "$burst"
  expect "$t: every file $rounds times, right bytes" $hostile "$port" files examples/http/htdocs "$rounds"
  if command -v wrk > /dev/null; then
    wrk -t2 -c20 -d"${soak}s" --latency "http://127.0.0.1:$port/index.html" > "$tmp/wrk" 2>&1
    echo "  wrk -c20 ${soak}s: $(grep -E 'Requests/sec' "$tmp/wrk") $(grep -E 'Non-2xx|errors' "$tmp/wrk" | tr '\n' ' ')"
    if grep -q "Requests/sec" "$tmp/wrk" && [ "$(awk '/Requests\/sec/ { print ($2 > 1) }' "$tmp/wrk")" = 1 ]; then
      ok "$t: wrk for ${soak}s"
    else ko "$t: wrk for ${soak}s"; cat "$tmp/wrk"; fi
  fi
  expect "$t: every file 10 times after load" $hostile "$port" files examples/http/htdocs 10
  stop "http-$t"

  # Out of memory in one request (the host: a 2 MB heap; the board: its own).
  [ "$t" = unix ] && h=2M || h=
  start "oom-$t" "$t" tests/net/oom_http $h
  codes=
  for i in 1 2 3; do
    codes="$codes $(curl -s -m 30 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/oom")"
    codes="$codes $(curl -s -m 30 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/index.html")"
  done
  if [ "$codes" = " 503 200 503 200 503 200" ]; then ok "$t: out of memory in a request: 503, the next served ($codes)"
  else ko "$t: out of memory in a request: got$codes, want 503 200 (x3)"; tail "$tmp/oom-$t.log"; fi
  stop "oom-$t"
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
