#!/bin/sh
# Refuses, before a firmware image is built, a bytecode program that needs a
# device class the port does not have: one linking a library unit listed in
# ports/PORT/unsupported-units (e.g. Ucaml_net on a board without network).
#   tools/port-check.sh PORT prog.byte
# Exit status 0 if the program fits the port, 1 (with a message) if not.
port=${1:?usage: port-check.sh PORT prog.byte}
byte=${2:?usage: port-check.sh PORT prog.byte}
root=$(cd "$(dirname "$0")/.." && pwd)
table=$root/ports/$port/unsupported-units
[ -f "$table" ] || exit 0
command -v ocamlobjinfo >/dev/null 2>&1 || exit 0
units=$(ocamlobjinfo "$byte" 2>/dev/null | sed -n '/^Imported units:/,/^[A-Z]/p' | awk '{print $NF}')
status=0
while read -r unit what; do
  case $unit in ''|'#'*) continue ;; esac
  if printf '%s\n' "$units" | grep -qx "$unit"; then
    echo "ucaml: $(basename "$byte") needs $what, so the $port port cannot run it (it links $unit)." >&2
    status=1
  fi
done < "$table"
exit $status
