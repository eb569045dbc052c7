#!/usr/bin/env python3
"""Prebuilds the global data of a bytecode executable for a 32-bit
little-endian board: the DATA section (marshalled) becomes assembly for
read-only memory holding the blocks as the runtime lays them out, so that
the constants (string literals, structured constants, predefined
exceptions) are used in place from flash instead of being unmarshalled
into the heap.  Only the root block (the global table, which the program
fills as its modules initialise) is copied into the heap at load.

    python3 tools/static-data.py BYTECODE > static.S

Defines ucaml_static_start/ucaml_static_end (the blocks) and
ucaml_static_root (a word: the root block, or 0 when the data cannot be
prebuilt -- then the runtime unmarshals it as usual).  The linker resolves
the pointers between blocks; atoms point into uc_atom_table and custom
blocks at the runtime's operations (uc_int32_ops, ...).
"""
import struct
import sys

MAGIC_SMALL = 0x8495A6BE
INFIX_TAG, FORWARD_TAG, OBJECT_TAG, CLOSURE_TAG = 249, 250, 248, 247
STRING_TAG, DOUBLE_TAG, DOUBLE_ARRAY_TAG, CUSTOM_TAG = 252, 253, 254, 255
MAX_WOSIZE = (1 << 22) - 1
CUSTOM_OPS = {"_i": ("uc_int32_ops", 4), "_j": ("uc_int64_ops", 8), "_n": ("uc_nativeint_ops", 4)}


class Unsupported(Exception):
    pass


def sections(image):
    if image[:2] == b"#!":
        image = image[image.index(b"\n") + 1:]
    if len(image) < 16 or image[-12:-4] != b"Caml1999":
        raise Unsupported("not a bytecode executable")
    n = struct.unpack(">I", image[-16:-12])[0]
    table = len(image) - 16 - 8 * n
    end, out = table, {}
    for i in reversed(range(n)):
        name, length = struct.unpack(">4sI", image[table + 8 * i:table + 8 * i + 8])
        out[name.decode("latin-1")] = image[end - length:end]
        end -= length
    return out


def header(wosize, tag):
    return (wosize << 10) | tag   # colour 0: the collector never marks these


class Reader:
    """Decodes the marshalled data like vm/prim_intern.c, into blocks:
    (tag, wosize, payload) where payload is a list of fields (('int', n),
    ('ref', index), ('atom', tag)) or raw bytes."""

    def __init__(self, data):
        if len(data) < 20 or struct.unpack(">I", data[:4])[0] != MAGIC_SMALL:
            raise Unsupported("not small-format marshalled data")
        self.data, self.pos = data, 20
        self.blocks, self.objs = [], []

    def u(self, n):
        if self.pos + n > len(self.data):
            raise Unsupported("truncated data")
        v = int.from_bytes(self.data[self.pos:self.pos + n], "big")
        self.pos += n
        return v

    def s(self, n):
        v = self.u(n)
        return v - (1 << (8 * n)) if v >> (8 * n - 1) else v

    def new(self, tag, wosize, payload, record=True):
        if wosize > MAX_WOSIZE:
            raise Unsupported("block too large")
        self.blocks.append([tag, wosize, payload])
        ref = ("ref", len(self.blocks) - 1)
        if record:
            self.objs.append(ref)
        return ref

    def string(self, n):
        if self.pos + n > len(self.data):
            raise Unsupported("truncated string")
        raw = self.data[self.pos:self.pos + n]
        self.pos += n
        wosize = n // 4 + 1
        pad = wosize * 4 - n
        return self.new(STRING_TAG, wosize, raw + b"\0" * (pad - 1) + bytes([pad - 1]))

    def doubles(self, count, little):
        raw = b""
        for _ in range(count):
            d = self.data[self.pos:self.pos + 8]
            if len(d) != 8:
                raise Unsupported("truncated float")
            self.pos += 8
            raw += d if little else d[::-1]
        return raw

    def custom(self, code):
        nul = self.data.index(b"\0", self.pos)
        ident = self.data[self.pos:nul].decode("latin-1")
        self.pos = nul + 1
        if ident not in CUSTOM_OPS:
            raise Unsupported("custom block " + ident)
        ops, size = CUSTOM_OPS[ident]
        if code == 0x18:   # CODE_CUSTOM_LEN: sizes on 32- and 64-bit hosts
            self.u(12)
        if ident == "_n":
            if self.u(1) != 1:
                raise Unsupported("native integer too large")
            n = self.s(4)
        else:
            n = self.s(size)
        return self.new(CUSTOM_TAG, 1 + size // 4, (ops, n.to_bytes(size, "little", signed=True)))

    def item(self, code, todo):
        if code >= 0x80:
            return self.block(code & 0xF, (code >> 4) & 7, todo)
        if code >= 0x40:
            return ("int", code & 0x3F)
        if code >= 0x20:
            return self.string(code & 0x1F)
        if code == 0x00: return ("int", self.s(1))
        if code == 0x01: return ("int", self.s(2))
        if code == 0x02: return ("int", self.s(4))
        if code in (0x04, 0x05, 0x06):
            ofs = self.u({0x04: 1, 0x05: 2, 0x06: 4}[code])
            if ofs == 0 or ofs > len(self.objs):
                raise Unsupported("bad shared reference")
            return self.objs[len(self.objs) - ofs]
        if code == 0x08:
            hd = self.u(4)
            return self.block(hd & 0xFF, hd >> 10, todo)
        if code == 0x09: return self.string(self.u(1))
        if code == 0x0A: return self.string(self.u(4))
        if code in (0x0B, 0x0C):
            return self.new(DOUBLE_TAG, 2, self.doubles(1, code == 0x0C))
        if code in (0x0D, 0x0E, 0x0F, 0x07):
            n = self.u(1 if code in (0x0D, 0x0E) else 4)
            little = code in (0x0E, 0x07)
            if n == 0:
                self.objs.append(("atom", 0))
                return ("atom", 0)
            return self.new(DOUBLE_ARRAY_TAG, 2 * n, self.doubles(n, little))
        if code in (0x18, 0x19):
            return self.custom(code)
        raise Unsupported("code 0x%02x" % code)   # code pointers, 64-bit codes

    def block(self, tag, wosize, todo):
        if wosize == 0:
            if tag >= CLOSURE_TAG:
                raise Unsupported("empty block of tag %d" % tag)
            return ("atom", tag)
        # Closures, forwards, infix: never constants.  Objects: predefined
        # exceptions only (checked after parsing), which keep their ids.
        if tag >= CLOSURE_TAG and not (tag == OBJECT_TAG and wosize >= 2):
            raise Unsupported("block of tag %d" % tag)
        fields = [("int", 0)] * wosize
        ref = self.new(tag, wosize, fields)
        todo.append([fields, 0])
        return ref

    def parse(self):
        root = [None]
        todo = [[root, 0]]
        while todo:
            top = todo[-1]
            fields, i = top
            if i == len(fields):
                todo.pop()
                continue
            top[1] = i + 1
            code = self.u(1)
            if code == 0x11:   # CODE_INFIXPOINTER
                raise Unsupported("infix pointer")
            fields[i] = self.item(code, todo)
        return root[0]


def word(v):
    kind, x = v
    if kind == "int":
        if not -(1 << 30) <= x < (1 << 30):
            raise Unsupported("integer too large")
        return "0x%08x" % (((x << 1) | 1) & 0xFFFFFFFF)
    if kind == "atom":
        return "uc_atom_table + %d" % (4 * (x + 1))
    return ".Lsd%d" % x


def emit(r, root):
    out = []
    w = out.append
    w("/* Generated by tools/static-data.py: do not edit. */\n")
    w('        .section .rodata.ucaml_static, "a"\n        .balign 8\n')
    w("        .global ucaml_static_start\n        .global ucaml_static_end\n")
    w("        .global ucaml_static_root\nucaml_static_start:\n")
    for i, (tag, wosize, payload) in enumerate(r.blocks):
        w("        .word 0x%08x\n.Lsd%d:\n" % (header(wosize, tag), i))
        if tag == CUSTOM_TAG:
            ops, raw = payload
            w("        .word %s\n" % ops)
            payload = raw
        if isinstance(payload, bytes):
            for k in range(0, len(payload), 16):
                w("        .byte %s\n" % ",".join(str(b) for b in payload[k:k + 16]))
        else:
            for k in range(0, len(payload), 8):
                w("        .word %s\n" % ", ".join(word(f) for f in payload[k:k + 8]))
    w("ucaml_static_end:\n        .balign 4\nucaml_static_root:\n        .word %s\n" % root)
    return "".join(out)


def main():
    image = open(sys.argv[1], "rb").read()
    try:
        r = Reader(sections(image).get("DATA", b""))
        root = r.parse()
        if root[0] != "ref" or r.blocks[root[1]][0] != 0:
            raise Unsupported("the root is not a block")
        for tag, _, fields in r.blocks:   # others would get fresh ids at load
            if tag == OBJECT_TAG and not (fields[1][0] == "int" and fields[1][1] < 0):
                raise Unsupported("object with an id")
        sys.stdout.write(emit(r, word(root)))
    except (Unsupported, ValueError, KeyError, IndexError, struct.error) as e:
        sys.stdout.write("/* Generated by tools/static-data.py: global data not prebuilt (%s). */\n" % e)
        sys.stdout.write('        .section .rodata.ucaml_static, "a"\n        .balign 4\n')
        sys.stdout.write("        .global ucaml_static_start\n        .global ucaml_static_end\n")
        sys.stdout.write("        .global ucaml_static_root\n")
        sys.stdout.write("ucaml_static_start:\nucaml_static_end:\nucaml_static_root:\n        .word 0\n")


if __name__ == "__main__":
    main()
