# Sourced by tools/board-ucaml.sh and tools/board-image.sh with $root, $port
# and $me set: reads ports/$port/board.conf, or exits 2 naming the boards.
conf="$root/ports/$port/board.conf"
if [ -z "$port" ] || [ ! -f "$conf" ]; then
  echo "$me: unknown board '$port' (boards: $(ls "$root"/ports/*/board.conf | sed 's|.*/ports/||; s|/board.conf||' | tr '\n' ' ' | sed 's/ $//'))" >&2
  exit 2
fi
. "$conf"
P=$BOARD_VAR; target=$BOARD_SHORT-image
