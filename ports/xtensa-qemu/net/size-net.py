#!/usr/bin/env python3
"""The network stack's share of a firmware image, for `ucaml size`
(tools/board-size.sh): lwIP, the NIC's buffers, the driver and the
sockets, in RAM and in flash.

  python3 ports/xtensa-qemu/net/size-net.py prog.elf

Counts input sections per library from the link map that port.mk writes
for the image (build/xtensa-qemu/img/NAME/image.map) when it is at least as
new as the image; otherwise symbol sizes, attributed by the list of each
library's symbols that net.mk writes (build/xtensa-qemu/net-symbols), which
misses literal pools and unnamed constants."""
import os
import re
import subprocess
import sys

elf = sys.argv[1]
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
build = os.path.join(root, "build", "xtensa-qemu")
cross = os.environ.get("XQ_CROSS", "xtensa-lx106-elf-")
ram = {"lwip": 0, "port": 0}
flash = {"lwip": 0, "port": 0}


def add(group, kind, size):
    if kind in ("bss", "data"):
        ram[group] += size
    if kind in ("text", "rodata", "data"):
        flash[group] += size


def kind_of_section(sec):
    if sec.startswith((".text", ".literal")):
        return "text"
    if sec.startswith(".rodata"):
        return "rodata"
    if sec.startswith(".data"):
        return "data"
    if sec.startswith((".bss", "COMMON")):
        return "bss"
    return None


def group_of_object(obj):
    if "liblwip.a" in obj:
        return "lwip"
    if "libucaml-net.a" in obj or "port_net.o" in obj:
        return "port"
    return None


symbols = subprocess.run([cross + "nm", "-S", elf], capture_output=True, text=True).stdout.split("\n")
nic = sum(int(f[1], 16) for f in (l.split() for l in symbols)
          if len(f) == 4 and f[3] in ("oeth_rx_buf", "oeth_tx_buf"))

map_file = os.path.join(build, "img", os.path.basename(elf), "image.map")
if os.path.exists(map_file) and os.path.getmtime(map_file) >= os.path.getmtime(elf) - 1:
    # " .sec  0xADDR 0xSIZE object", or the section name alone on its line
    # and the rest on the next.
    pending = None
    for line in open(map_file, errors="replace"):
        m = re.match(r"^ (\.\S+|COMMON)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)", line)
        if m:
            sec, size, obj = m.group(1), int(m.group(2), 16), m.group(3)
        else:
            m = re.match(r"^\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)", line)
            if pending and m:
                sec, size, obj = pending, int(m.group(1), 16), m.group(2)
            else:
                m = re.match(r"^ (\.\S+|COMMON)\s*$", line)
                pending = m.group(1) if m else None
                continue
        pending = None
        group, kind = group_of_object(obj), kind_of_section(sec)
        if group and kind and size:
            add(group, kind, size)
else:
    groups = {}
    syms_file = os.path.join(build, "net-symbols")
    if os.path.exists(syms_file):
        for l in open(syms_file):
            f = l.split()
            if len(f) == 2:
                groups[f[1]] = f[0]
    kinds = {"t": "text", "r": "rodata", "d": "data", "b": "bss"}
    for l in symbols:
        f = l.split()
        if len(f) == 4 and f[3] in groups and f[2].lower() in kinds:
            add(groups[f[3]], kinds[f[2].lower()], int(f[1], 16))


def kb(n):
    return "%.1f KB" % (n / 1024)


print("network stack (included above): RAM %s, flash %s"
      % (kb(ram["lwip"] + ram["port"]), kb(flash["lwip"] + flash["port"])))
print("  lwIP             %8d RAM (heap for segments, PCB pools), %d flash" % (ram["lwip"], flash["lwip"]))
print("  NIC buffers      %8d RAM (OpenCores MAC rings, net/opencores_eth.h)" % nic)
print("  sockets, driver  %8d RAM, %d flash (port_net.c, net/)" % (ram["port"] - nic, flash["port"]))
