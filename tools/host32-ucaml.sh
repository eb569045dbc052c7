#!/bin/sh
# Runs the 32-bit host build (make M32=1): natively where this kernel runs
# i386 binaries, else under qemu-i386 (Debian's qemu-user), so that the
# 32-bit tests mean the same on every machine.
#   tools/host32-ucaml.sh exec prog.byte [ARGS...]
#   tools/host32-ucaml.sh --check     prints how it runs ("native",
#                                     "qemu-i386") or why it cannot; status 1
bin=$(cd "$(dirname "$0")/.." && pwd)/build/unix32/ucaml
how() {
  [ -x "$bin" ] || { echo "no 32-bit build ($bin: make M32=1)"; return 1; }
  # Run natively, the binary answers this with its own refusal.
  if "$bin" exec /dev/null 2>&1 | grep -q 'not a regular file'; then echo native; return 0; fi
  if command -v qemu-i386 >/dev/null 2>&1; then echo qemu-i386; return 0; fi
  echo "this kernel runs no i386 binaries and qemu-i386 is missing (apt-get install qemu-user)"; return 1
}
if [ "${1:-}" = --check ]; then how; exit; fi
mode=${UCAML_HOST32_MODE:-$(how)} || { echo "host32-ucaml.sh: $mode" >&2; exit 2; }
case $mode in
  native) exec "$bin" "$@" ;;
  qemu-i386) exec qemu-i386 "$bin" "$@" ;;
  *) echo "host32-ucaml.sh: $mode" >&2; exit 2 ;;
esac
