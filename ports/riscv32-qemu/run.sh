#!/bin/sh
# Runs a riscv32-qemu firmware image under QEMU with semihosting; the
# program's exit status becomes this script's (124 on timeout).
#   ports/riscv32-qemu/run.sh [-i] [-t SECONDS] prog.elf [ARG...]
#   -i   deterministic counts (-icount shift=0,sleep=off: 1 ns of virtual
#        time per instruction; mcycle and minstret count instructions)
#   -t, --timeout SECONDS
#        stop the board after SECONDS (default: $RISCV32_TIMEOUT, or never)
# ARGs reach the program after its built-in arguments (Sys.argv).
# Console stdin/stdout/stderr are this script's; files are host files,
# relative to the current directory.
icount=
limit=${RISCV32_TIMEOUT:-}
usage="usage: run.sh [-i] [-t SECONDS] prog.elf [ARG...]"
while [ $# -gt 0 ]; do
  case $1 in
    -i) icount="-icount shift=0,sleep=off"; shift ;;
    -t|--timeout) limit=$2; shift 2 ;;
    --forward) echo "run.sh: the riscv32-qemu board has no networking yet" >&2; exit 2 ;;
    --) shift; break ;;
    -*) echo "$usage" >&2; exit 2 ;;
    *) break ;;
  esac
done
elf=${1:?$usage}
shift
# The semihosting command line is the arguments joined by spaces: each goes
# as 'x' and its bytes in hex (decoded by port.c), so spaces, commas (QEMU's
# option separator) and empty arguments come through.
hexarg() { printf 'x'; printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
cfg="enable=on,target=native,arg=$(hexarg "$elf")"
for a in "$@"; do
  cfg="$cfg,arg=$(hexarg "$a")"
done
# 128 MB: the 8 MB flash region, the SRAM and PSRAM of board.ld.
set -- ${RISCV32_QEMU:-qemu-system-riscv32} -M virt -cpu rv32,a=off,f=off,d=off -m 128M \
  -bios none -nodefaults -display none -serial none -monitor none \
  -semihosting-config "$cfg" $icount -kernel "$elf"
if [ -n "$limit" ] && [ "$limit" != 0 ]; then
  set -- timeout --foreground -k 5 "$limit" "$@"
fi
# The board writes to its own openings of /dev/stdout and /dev/stderr, in
# append mode.  On a pipe or a terminal that is the caller's stream itself;
# a regular file gets its own offset, so the caller's is moved to the end
# afterwards, as if the board had written through it.
if [ ! -f /dev/stdout ] && [ ! -f /dev/stderr ]; then
  exec "$@"
fi
"$@"
rc=$?
python3 -c '
import os
for fd in (1, 2):
    try:
        os.lseek(fd, 0, os.SEEK_END)
    except OSError:
        pass
' 2>/dev/null
exit $rc
