#!/bin/sh
# Prints 1 if the bytecode executable links the network library unit
# (Ucaml_net), so that its firmware image needs lwIP; nothing otherwise.
#   sh ports/xtensa-qemu/net/uses-net.sh prog.byte
byte=${1:?usage: uses-net.sh prog.byte}
command -v ocamlobjinfo >/dev/null 2>&1 || exit 0
ocamlobjinfo "$byte" 2>/dev/null | sed -n '/^Imported units:/,/^[A-Z]/p' |
  awk '{print $NF}' | grep -qx Ucaml_net && echo 1
exit 0
