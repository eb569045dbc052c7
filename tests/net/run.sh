#!/bin/sh
# Network tests: the HTTP and echo unikernels (examples/http, examples/echo)
# served by the host port and by the emulated board (lwIP over QEMU's
# OpenCores NIC, user-mode network forwarded from 127.0.0.1), probed by the
# same real clients on loopback: curl, wrk, tests/net/client.py.  Then the
# board's network stack alone (C test firmware, no VM).  Bounded in time
# (about 2 minutes); ends with 'N passed, N failed'.
#   sh tests/net/run.sh              NET_TARGETS="unix xtensa-qemu" by default
# Settings of the board's images (XTENSA_PSRAM, XTENSA_POOL...): NET_ECHO_ENV
# and NET_HTTP_ENV (see the notes at the settings below).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/wrk_load.sh"
cd "$root" || exit 2
ucaml=$root/ucaml
client="python3 $root/tests/net/client.py"
pass=0; fail=0
tmp=$(mktemp -d)
pids=
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

t0=$(date +%s)
ok() { echo "PASS $1 ($(( $(date +%s) - t0 ))s)"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); [ -f "$tmp/out" ] && tail -n 15 "$tmp/out"; }
info() { echo "INFO $*"; }
expect() {   # NAME COMMAND...: passes if COMMAND exits 0
  name=$1; shift
  if "$@" > "$tmp/out" 2>&1; then ok "$name"; else ko "$name"; fi
}
# A free TCP (and UDP) port on 127.0.0.1.
free_port() {
  python3 -c 'import socket
for _ in range(50):
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: t.close(); u.close()'
}
stop_servers() {
  for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  pids=
}

targets=${NET_TARGETS:-unix xtensa-qemu}
if ! command -v qemu-system-xtensa > /dev/null || ! command -v xtensa-lx106-elf-gcc > /dev/null; then
  targets=$(echo "$targets" | sed 's/xtensa-qemu//'); echo "SKIP xtensa-qemu (no emulator or cross compiler)"
fi
if ! make -s ucaml ocamllib > "$tmp/out" 2>&1; then
  ko build; echo "$pass passed, $fail failed"; exit 1
fi
index=examples/http/htdocs/index.html

# The board's images: both run in the 320 KB budget, lwIP included (the
# cohttp server's constants stay in flash, its buffers in the OCaml heap).
echo_env=${NET_ECHO_ENV:-}
http_env=${NET_HTTP_ENV:-}

# serve TARGET NAME PORT SECONDS [FORWARD...]: starts examples/NAME listening
# on PORT (the board: on its port 80/7 forwarded from 127.0.0.1:PORT).
serve() {
  t=$1; name=$2; port=$3; secs=$4
  if [ "$t" = unix ]; then
    $ucaml build "examples/$name" -o "$tmp/$name.byte" > "$tmp/out" 2>&1 || return 1
    $ucaml exec "$tmp/$name.byte" "$port" 127.0.0.1 "$secs" > "$tmp/$name.$t.log" 2>&1 &
  else
    if [ "$name" = http ]; then envs=$http_env; bport=80; else envs=$echo_env; bport=7; fi
    env $envs $ucaml build --target xtensa-qemu "examples/$name" -o "$tmp/$name.elf" > "$tmp/out" 2>&1 || return 1
    fwd="--forward $port:$bport"
    [ "$name" = echo ] && fwd="$fwd --forward udp:$port:$bport"
    ports/xtensa-qemu/run.sh -t $((secs + 30)) $fwd "$tmp/$name.elf" $bport 127.0.0.1 "$secs" \
      > "$tmp/$name.$t.log" 2>&1 &
  fi
  pids="$pids $!"
  $client wait-tcp "$port" 30 > "$tmp/out" 2>&1
}

for t in $targets; do
  # ---- HTTP: curl, sequential requests, wrk, abrupt resets ----
  port=$(free_port)
  if ! serve "$t" http "$port" 150; then
    ko "$t: http server starts"; cat "$tmp/http.$t.log" 2>/dev/null | tail -5
  else
    ok "$t: http server starts"
    url=http://127.0.0.1:$port
    expect "$t: curl: index page" sh -c "curl -s -m 10 $url/ | cmp - $index"
    expect "$t: curl: headers" sh -c "curl -si -m 10 $url/index.html | tr -d '\r' > $tmp/h &&
      head -1 $tmp/h | grep -q '^HTTP/1.1 200' &&
      grep -qi '^content-type: text/html; charset=utf-8$' $tmp/h &&
      grep -qi '^content-length: $(wc -c < $index)$' $tmp/h && grep -qi '^server: ucaml$' $tmp/h"
    expect "$t: curl: 404 for a missing file" sh -c "curl -s -m 10 -o /dev/null -w '%{http_code}' $url/missing | grep -qx 404"
    expect "$t: client: index page and headers" $client http "$port" / 200 "$index" \
      "content-type:text/html; charset=utf-8" "server:ucaml"
    # The stall: a frame the board drops costs >= 1 s of QEMU's user
    # network retransmission; each of these requests must take under 2 s.
    expect "$t: 200 sequential requests, none stalls" $client http-seq "$port" 200
    if command -v wrk > /dev/null; then
      wrk_load "$tmp/wrk" -t2 -c8 -d10s "$url/"
      info "$t: wrk -t2 -c8 -d10s: $wrk_summary"
      if [ $wrk_ok = 1 ]; then
        ok "$t: wrk 10 s, 8 connections: no socket errors, no non-2xx"
      else cp "$tmp/wrk" "$tmp/out"; ko "$t: wrk 10 s, 8 connections: no socket errors, no non-2xx"; fi
    else
      echo "SKIP $t: wrk (not installed)"
    fi
    expect "$t: 200 connections reset abruptly, server still answers" $client resets "$port" 200
    expect "$t: index page after everything" sh -c "curl -s -m 10 $url/ | cmp - $index"
  fi
  # ---- echo: 1 MB over TCP, 1000 UDP datagrams ----
  port=$(free_port)
  if ! serve "$t" echo "$port" 90; then
    ko "$t: echo server starts"; cat "$tmp/echo.$t.log" 2>/dev/null | tail -5
  else
    ok "$t: echo server starts"
    expect "$t: tcp echo of 1 MB" $client tcp-echo "$port" 1048576
    expect "$t: udp echo of 1000 datagrams" $client udp-echo "$port" 1000
  fi
  stop_servers
  # ---- an idle server sleeps: the board waits in WAITI for the timer or
  # the NIC's interrupt (and lwIP's timers), it does not poll ----
  if [ "$t" = xtensa-qemu ]; then
    port=$(free_port)
    /usr/bin/time -f '%U %S' -o "$tmp/cpu" ports/xtensa-qemu/run.sh -t 30 \
      --forward "$port:7" --forward "udp:$port:7" "$tmp/echo.elf" 7 127.0.0.1 4 > "$tmp/out" 2>&1 &
    srv=$!; pids="$pids $srv"
    $client wait-tcp "$port" 20 > /dev/null 2>&1
    $client udp-echo "$port" 10 > /dev/null 2>&1   # served from the sleep
    wait "$srv" 2>/dev/null; pids=
    cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' "$tmp/cpu" 2>/dev/null)
    info "idle echo server on xtensa-qemu: ${cpu:-?} ms of emulator CPU for 4 s"
    if [ -n "$cpu" ] && [ "$cpu" -lt 1500 ]; then ok "$t: an idle server sleeps (WAITI on timer and NIC)"
    else ko "$t: an idle server sleeps (WAITI on timer and NIC)"; fi
  fi
done

# ---- the board's stack without the VM: lwIP + driver, C test firmware ----
case " $targets " in *" xtensa-qemu "*)
  if make -s -f ports/xtensa-qemu/port.mk xtensa-nettest > "$tmp/out" 2>&1; then
    hp=$(free_port); ep=$(free_port)
    ports/xtensa-qemu/run.sh -t 90 --forward "$hp:80" --forward "$ep:7" --forward "udp:$ep:7" \
      build/xtensa-qemu/nettest.elf 60 > "$tmp/nettest.log" 2>&1 &
    pids="$pids $!"
    if $client wait-tcp "$hp" 30 > "$tmp/out" 2>&1; then
      # Right after boot: 8 connections at once all answered (the first
      # SYN-ACKs wait for ARP together).
      expect "nettest: 8 connections right after boot" $client burst "$hp" 8
      expect "nettest: 200 sequential requests, none stalls" $client http-seq "$hp" 200
      expect "nettest: 404" $client http "$hp" /missing 404
      expect "nettest: tcp echo of 1 MB" $client tcp-echo "$ep" 1048576
      expect "nettest: udp echo of 1000 datagrams" $client udp-echo "$ep" 1000
      # The driver's counters: no frame dropped for want of an RX descriptor.
      expect "nettest: no frame dropped by the NIC" sh -c "
        python3 -c 'import socket,sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
s.sendto(b\"stats\", (\"127.0.0.1\", $ep)); r = s.recv(4096).decode(); print(r)
sys.exit(0 if \" rx_busy 0 \" in r else 1)'"
      # Last: connections opened and reset as fast as the client can go flood
      # the board with SYNs, and QEMU drops what the ring cannot hold.
      expect "nettest: 200 connections reset abruptly" $client resets "$hp" 200
    else
      ko "nettest: firmware starts"; tail -5 "$tmp/nettest.log"
    fi
    stop_servers
  else
    ko "nettest: builds"
  fi
  ;;
esac

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
