#!/bin/sh
# What a board's firmware image (xtensa-qemu, riscv32-qemu) needs in flash
# and in RAM, against the board's budget (`ucaml size prog.elf`).
#   sh tools/board-size.sh prog.elf
# The binutils are chosen by the ELF's machine (BOARD_CROSS overrides).
# Flash: VM code (interpreter, runtime, libc), constant data, the embedded
# bytecode (split by section of the executable) and the initial values of
# .data.  RAM: static data (.data + .bss), the pool (VM stack + runtime
# tables), the OCaml heap region and the C stack, as laid out by board.ld.
set -e
elf=${1:?usage: size.sh prog.elf}
[ -r "$elf" ] || { echo "size.sh: $elf: cannot open" >&2; exit 2; }
case $(od -An -tx1 -j18 -N1 "$elf" | tr -d ' ') in
  f3) cross=${BOARD_CROSS:-riscv64-unknown-elf-} ;;
  *) cross=${BOARD_CROSS:-${XQ_CROSS:-xtensa-lx106-elf-}} ;;
esac
syms=$(${cross}nm "$elf")
sym() { v=$(printf '%s\n' "$syms" | awk -v s="$1" '$3 == s { print $1; exit }'); echo $((0x${v:-0})); }

# Sections of the embedded bytecode: the trailer holds the section count and
# then 8-byte entries (name, big-endian length) just before it.
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
${cross}objcopy -O binary --only-section=.ucaml_bytecode "$elf" "$tmp" 2>/dev/null || : >"$tmp"
bc_sections=$(python3 - "$tmp" <<'PY' 2>/dev/null || true
import sys
d = open(sys.argv[1], 'rb').read()
end = d.rfind(b'Caml1999')
if end >= 4:
    n = int.from_bytes(d[end - 4:end], 'big')
    t = end - 4 - 8 * n
    parts = {}
    for i in range(n):
        e = d[t + 8 * i:t + 8 * i + 8]
        parts[e[:4].decode('latin-1')] = int.from_bytes(e[4:8], 'big')
    names = {'CODE': 'code', 'DATA': 'global data', 'DBUG': 'debug info',
             'PRIM': 'primitive names', 'SYMB': 'symbols', 'CRCS': 'CRCs'}
    print(', '.join('%s %d' % (names.get(k, k), v) for k, v in parts.items() if v))
PY
)

${cross}size -A "$elf" | awk -v f="$elf" -v bcs="$bc_sections" \
  -v budget="$(sym RAM_BUDGET)" -v psram="$(sym PSRAM_SIZE)" -v flash_budget="$(sym FLASH_BUDGET)" \
  -v hs="$(sym __uc_heap_start)" -v he="$(sym __uc_heap_end)" \
  -v ps="$(sym __uc_pool_start)" -v pe="$(sym __uc_pool_end)" \
  -v sb="$(sym __stack_bottom)" -v st="$(sym __stack_top)" -v vms="$(sym VM_STACK_WORDS)" '
  $1 == ".text" { text = $2 }
  $1 == ".rodata" { rodata = $2 }
  $1 == ".ucaml_bytecode" { bc = $2 }
  $1 == ".data" { data = $2 }
  $1 == ".bss" { bss = $2 }
  function kb(n) { return sprintf("%.1f KB", n / 1024) }
  function pct(n, of) { return of > 0 ? sprintf(" (%.0f%%)", 100 * n / of) : "" }
  END {
    flash = text + rodata + bc + data
    printf "%s\n", f
    fb = (flash_budget > 0) ? " of the " kb(flash_budget) " budget" : ""
    printf "flash %8d bytes = %s%s%s\n", flash, kb(flash), fb, pct(flash, flash_budget)
    printf "  VM code          %8d  (interpreter, runtime, libc: .text)\n", text
    printf "  constant data    %8d  (.rodata)\n", rodata
    printf "  bytecode         %8d  (%s)\n", bc, bcs != "" ? bcs : "read in place"
    printf "  .data values     %8d\n", data
    pool_int = (psram > 0) ? 0 : pe - ps
    heap_int = (psram > 0) ? 0 : he - hs
    used = data + bss + pool_int + heap_int + (st - sb)
    printf "RAM   %8d bytes = %s of the %s budget%s\n", used, kb(used), kb(budget), pct(used, budget)
    printf "  static data      %8d  (.data %d + .bss %d)\n", data + bss, data, bss
    where = (psram > 0) ? "  [in PSRAM]" : ""
    printf "  pool             %8d  (VM stack %d + runtime tables)%s\n", pe - ps, vms * 4, where
    printf "  heap             %8d  (OCaml heap region)%s\n", he - hs, where
    printf "  C stack          %8d\n", st - sb
    if (psram > 0) printf "PSRAM %8d bytes = pool + heap (external RAM)\n", psram
  }'

# ---- the network stack's share (images linking lwIP, see net/net.mk) ----
if printf '%s\n' "$syms" | grep -q ' T xq_net_start$'; then
  python3 "$(dirname "$0")/../ports/xtensa-qemu/net/size-net.py" "$elf"
fi
