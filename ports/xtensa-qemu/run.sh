#!/bin/sh
# Runs an xtensa-qemu firmware image under QEMU with semihosting; the
# program's exit status becomes this script's (124 on timeout).
#   ports/xtensa-qemu/run.sh [-i] [-t SECONDS] prog.elf [ARG...]
#   -i   deterministic cycle counts (-icount shift=0,sleep=off: 1 ns of
#        virtual time per instruction; CCOUNT ticks at 40 MHz of it)
#   -t, --timeout SECONDS
#        stop the board after SECONDS (default: $XTENSA_TIMEOUT, or never:
#        a board runs until it is switched off, here until Ctrl-C)
#   --forward [tcp:|udp:]HOSTPORT:BOARDPORT (repeatable)
#        networking: runs on the xtfpga `lx60-nommu` machine (same memory map
#        as `sim`) with the OpenCores NIC on QEMU's user-mode network; host
#        127.0.0.1:HOSTPORT reaches the board's BOARDPORT (loopback only).
#        Images linking the network stack (and XTENSA_NET=1) get it by
#        default, forwarding $XTENSA_FORWARD or else 8080:8080.
# ARGs reach the program after its built-in arguments (Sys.argv).
# Console stdin/stdout/stderr are this script's; files are host files,
# relative to the current directory.
icount=
limit=${XTENSA_TIMEOUT:-}
fwd=
while [ $# -gt 0 ]; do
  case $1 in
    # sleep=off: virtual time never waits for the host (semihosting I/O),
    # so CCOUNT readings repeat exactly from run to run.
    -i) icount="-icount shift=0,sleep=off"; shift ;;
    -t|--timeout) limit=$2; shift 2 ;;
    --forward) fwd="$fwd $2"; shift 2 ;;
    --) shift; break ;;
    -*) echo "usage: run.sh [-i] [-t SECONDS] [--forward SPEC] prog.elf [ARG...]" >&2; exit 2 ;;
    *) break ;;
  esac
done
elf=${1:?usage: run.sh [-i] [-t SECONDS] [--forward SPEC] prog.elf [ARG...]}
shift
# QEMU option syntax: a comma inside a value is written twice.
cfg="enable=on,arg=$(printf '%s' "$elf" | sed 's/,/,,/g')"
for a in "$@"; do
  cfg="$cfg,arg=$(printf '%s' "$a" | sed 's/,/,,/g')"
done
# ---- networking ----
machine=${XTENSA_MACHINE:-sim}
net=
# Images with the network stack get the NIC by themselves: XTENSA_FORWARD
# (space-separated forwards) or 8080:8080.
if [ -z "$fwd" ] && { [ "${XTENSA_NET:-0}" = 1 ] ||
     ${XQ_CROSS:-xtensa-lx106-elf-}nm "$elf" 2>/dev/null | grep -q ' T xq_net_start$'; }; then
  fwd=${XTENSA_FORWARD:-8080:8080}
fi
if [ -n "$fwd" ]; then
  [ -n "${XTENSA_MACHINE:-}" ] || machine=lx60-nommu
  if [ "$machine" = sim ]; then
    echo "run.sh: networking needs an xtfpga machine (lx60-nommu): \`sim' has no NIC" >&2
    exit 2
  fi
  nic=user,model=open_eth
  for f in $fwd; do
    case $f in tcp:*|udp:*) proto=${f%%:*}; f=${f#*:} ;; *) proto=tcp ;; esac
    nic="$nic,hostfwd=$proto:127.0.0.1:${f%%:*}-:${f#*:}"
  done
  # The UART of the xtfpga board is unused: console I/O is semihosting.
  net="-nic $nic -serial null"
fi
# QEMU stays in the caller's process group (timeout --foreground), so that
# Ctrl-C reaches it and stops the board at once.
set -- ${XTENSA_QEMU:-qemu-system-xtensa} -M $machine \
  -cpu lx106 -semihosting-config "$cfg" -nographic -monitor none $icount $net -kernel "$elf"
if [ -n "$limit" ] && [ "$limit" != 0 ]; then
  exec timeout --foreground -k 5 "$limit" "$@"
fi
exec "$@"
