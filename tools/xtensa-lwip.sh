#!/bin/sh
# Builds lwIP 2.1.3 for the xtensa-qemu board from Debian's `lwip` source
# package: build/xtensa-qemu/lwip/liblwip.a, configured by
# ports/xtensa-qemu/net/lwipopts.h (bare metal: NO_SYS, raw API, IPv4).
#
#   sh tools/xtensa-lwip.sh [OUTDIR]      (default build/xtensa-qemu/lwip)
#
# The source is fetched with `apt-get source lwip` into OUTDIR/src (never
# kept in the repository).  That needs a deb-src entry: as root this script
# adds one (deb822 form, same mirror as the machine's `deb` entry) and runs
# apt-get update; otherwise it prints the commands to run.
# lwIP's own sources get relaxed warnings (they are not ours); our port
# code is compiled with the strict flags by port.mk.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/build/xtensa-qemu/lwip}
CC=${XTENSA_CC:-xtensa-lx106-elf-gcc}
AR=${XTENSA_AR:-xtensa-lx106-elf-ar}
PICOLIBC=${XQ_PICOLIBC:-/usr/lib/xtensa-lx106-elf}
net=$here/ports/xtensa-qemu/net
mkdir -p "$out/src" "$out/obj"
case $out in /*) ;; *) out=$(pwd)/$out ;; esac

srcdir=$(ls -d "$out"/src/lwip-2.1.3*/ 2>/dev/null | head -1)
if [ -z "$srcdir" ] || [ ! -f "$srcdir/src/core/tcp.c" ]; then
  list=/etc/apt/sources.list.d/ucaml-debian-src.sources
  have_src() { grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; }
  if ! have_src; then
    # The mirror the machine already uses for binary packages.
    uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | head -1 | awk '{print $2}')
    [ -n "$uri" ] || uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^http/) { print $i; exit } }' \
                           /etc/apt/sources.list 2>/dev/null)
    [ -n "$uri" ] || uri=http://deb.debian.org/debian
    entry="Types: deb-src
URIs: $uri
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
    if [ "$(id -u)" != 0 ]; then
      echo "xtensa-lwip.sh: lwIP's source needs a deb-src entry; as root run:" >&2
      printf "  cat > %s <<'EOF'\n%s\nEOF\n  apt-get update\n" "$list" "$entry" >&2
      echo "then: (cd $out/src && apt-get source lwip)" >&2
      exit 1
    fi
    printf '%s\n' "$entry" > "$list"
    apt-get update -qq
  fi
  command -v dpkg-source >/dev/null || apt-get install -y -qq dpkg-dev >/dev/null
  (cd "$out/src" && apt-get source -qq lwip >/dev/null 2>&1 || apt-get source lwip)
  srcdir=$(ls -d "$out"/src/lwip-2.1.3*/ 2>/dev/null | head -1)
  [ -n "$srcdir" ] && [ -f "$srcdir/src/core/tcp.c" ] || {
    echo "xtensa-lwip.sh: apt-get source lwip did not give lwIP 2.1.3" >&2; exit 1; }
fi

# Core (IPv4 only, no DHCP/DNS: a static address), the Ethernet layer.
files="core/init.c core/def.c core/inet_chksum.c core/ip.c core/mem.c core/memp.c
  core/netif.c core/pbuf.c core/raw.c core/stats.c core/tcp.c core/tcp_in.c
  core/tcp_out.c core/timeouts.c core/udp.c
  core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c
  core/ipv4/ip4_frag.c netif/ethernet.c"
flags="--specs=$PICOLIBC/picolibc.specs -std=gnu11 -Os -g -mtext-section-literals -mlongcalls
  -ffunction-sections -fdata-sections -w
  -I$net -I$srcdir/src/include"
objs=
stamp=$out/obj/.flags
sig=$(cat "$net/lwipopts.h" "$net/arch/cc.h" | cksum)
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sig" ] || rm -f "$out"/obj/*.o
for f in $files; do
  o=$out/obj/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')
  [ -f "$o" ] || $CC $flags -c "$srcdir/src/$f" -o "$o"
  objs="$objs $o"
done
echo "$sig" > "$stamp"
rm -f "$out/liblwip.a"
$AR rcs "$out/liblwip.a" $objs
# Where the headers are, for the port's own code.
echo "$srcdir/src/include" > "$out/include-dir"
