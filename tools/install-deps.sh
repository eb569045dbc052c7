#!/bin/sh
# Installs the Debian packages ucaml builds and tests with.  As root it runs
# apt-get; otherwise it prints the command to run.
pkgs="ocaml-nox ocaml-findlib ocaml-source gcc gcc-multilib qemu-user clang libclang-rt-14-dev make python3 time
      gcc-xtensa-lx106 binutils-xtensa-lx106 picolibc-xtensa-lx106-elf qemu-system-misc gcc-12-source
      gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
      liblwt-ocaml-dev libcstruct-ocaml-dev libcohttp-lwt-ocaml-dev curl wrk"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing:$missing"
  apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; } ||
    { echo "apt-get install failed for:$missing" >&2; exit 1; }
else
  echo "ucaml needs these Debian packages; run:" >&2
  echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi
