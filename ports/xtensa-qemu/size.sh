#!/bin/sh
# Flash and RAM use of an xtensa-qemu firmware image.
#   sh ports/xtensa-qemu/size.sh prog.elf
set -e
elf=${1:?usage: size.sh prog.elf}
nm=${XQ_CROSS:-xtensa-lx106-elf-}nm
size=${XQ_CROSS:-xtensa-lx106-elf-}size
sym() { $nm "$elf" | awk -v s="$1" '$3 == s { print "0x" $1 }'; }
$size -A "$elf" | awk -v f="$elf" \
  -v hs="$(( $(sym __uc_heap_start) ))" -v he="$(( $(sym __uc_heap_end) ))" \
  -v ps="$(( $(sym __uc_pool_start) ))" -v pe="$(( $(sym __uc_pool_end) ))" \
  -v sb="$(( $(sym __stack_bottom) ))" -v st="$(( $(sym __stack_top) ))" '
  $1 == ".text" || $1 == ".rodata" { code += $2 }
  $1 == ".ucaml_bytecode" { bc = $2 }
  $1 == ".data" { data = $2 }
  $1 == ".bss" { bss = $2 }
  END {
    printf "%s: flash %d bytes (code+rodata %d, bytecode %d, data %d)\n", f, code + bc + data, code, bc, data
    printf "%s: RAM %d bytes = data %d + bss %d + pool %d + heap %d + C stack %d\n", f, \
      st - 1073217536, data, bss, pe - ps, he - hs, st - sb
  }'
