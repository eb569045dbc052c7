#!/bin/sh
# Runs an xtensa-qemu firmware image under QEMU with semihosting; the
# program's exit status becomes this script's (124 on timeout).
#   ports/xtensa-qemu/run.sh [-i] [-t SECONDS] prog.elf [ARG...]
#   -i   deterministic cycle counts (-icount shift=0: 1 ns per instruction)
#   -t   timeout in seconds (default 60)
# ARGs reach the program after its built-in arguments (Sys.argv).
# Console stdin/stdout/stderr are this script's; files are host files,
# relative to the current directory.
icount=
limit=${XTENSA_TIMEOUT:-60}
while [ $# -gt 0 ]; do
  case $1 in
    -i) icount="-icount shift=0"; shift ;;
    -t) limit=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "usage: run.sh [-i] [-t SECONDS] prog.elf [ARG...]" >&2; exit 2 ;;
    *) break ;;
  esac
done
elf=${1:?usage: run.sh [-i] [-t SECONDS] prog.elf [ARG...]}
shift
# QEMU option syntax: a comma inside a value is written twice.
cfg="enable=on,arg=$(printf '%s' "$elf" | sed 's/,/,,/g')"
for a in "$@"; do
  cfg="$cfg,arg=$(printf '%s' "$a" | sed 's/,/,,/g')"
done
exec timeout -k 5 "$limit" ${XTENSA_QEMU:-qemu-system-xtensa} -M ${XTENSA_MACHINE:-sim} \
  -cpu lx106 -semihosting-config "$cfg" -nographic -monitor none $icount -kernel "$elf"
