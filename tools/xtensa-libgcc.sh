#!/bin/sh
# Builds the compiler support routines that Debian's xtensa-lx106 libgcc.a
# leaves out (on the ESP8266 they live in the mask ROM): 32-bit division,
# 64-bit multiply/divide and the soft-float double/float arithmetic.
#
#   sh tools/xtensa-libgcc.sh OUTDIR
#
# GCC's own assembly (libgcc/config/xtensa/lib1funcs.S) is extracted from the
# gcc-12-source package into OUTDIR/gcc-src at build time and assembled once
# per routine; the 64-bit wrappers come from ports/xtensa-qemu/divdi.c.
# Result: OUTDIR/libgcc-extra.a.  Nothing of GCC's source is kept elsewhere.
set -e
out=${1:?usage: xtensa-libgcc.sh OUTDIR}
here=$(cd "$(dirname "$0")/.." && pwd)
CC=${XTENSA_CC:-xtensa-lx106-elf-gcc}
AR=${XTENSA_AR:-xtensa-lx106-elf-ar}
tarball=${GCC_SRC_TARBALL:-$(ls /usr/src/gcc-12/gcc-12*.tar.xz 2>/dev/null | grep -v gm2 | head -1)}
plugin_inc=$($CC -print-file-name=plugin)/include

mkdir -p "$out/gcc-src" "$out/libgcc-obj"
dir="$out/gcc-src/gcc-12.2.0/libgcc/config/xtensa"
if [ ! -f "$dir/lib1funcs.S" ]; then
  if [ -z "$tarball" ] || [ ! -f "$tarball" ]; then
    echo "xtensa-libgcc.sh: GCC source not found; install gcc-12-source" >&2
    exit 1
  fi
  tar xJf "$tarball" -C "$out/gcc-src" --wildcards 'gcc-12.2.0/libgcc/config/xtensa/*'
fi

# Routines absent from the packaged libgcc.a (checked with nm).  Each -DL_x
# selects one part of lib1funcs.S (which includes ieee754-[ds]f.S itself).
funcs="udivsi3 divsi3 umodsi3 umulsidi3
  addsubsf3 mulsf3 fixsfsi fixunssfsi floatsisf
  addsubdf3 muldf3 divdf3 fixdfsi fixunsdfsi floatsidf
  truncdfsf2 extendsfdf2"
objs=
for f in $funcs; do
  o="$out/libgcc-obj/_$f.o"
  $CC -c -mtext-section-literals -I"$plugin_inc" -I"$dir" -DL_$f \
      "$dir/lib1funcs.S" -o "$o"
  objs="$objs $o"
done
o="$out/libgcc-obj/divdi.o"
$CC -c -std=c11 -Os -Wall -Wextra -Werror -mtext-section-literals \
    "$here/ports/xtensa-qemu/divdi.c" -o "$o"
objs="$objs $o"
rm -f "$out/libgcc-extra.a"
$AR rcs "$out/libgcc-extra.a" $objs
