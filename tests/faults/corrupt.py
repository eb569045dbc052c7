#!/usr/bin/env python3
"""Writes a copy of a bytecode executable whose code is made ill-formed in
one way, for the verifier's refusal tests:
  corrupt.py MODE in.byte out.byte
MODE: return-underflow (first RETURN pops far more than its frame),
acc-beyond (first ACC reads far below its frame), pop-underflow (first POP
pops far more), off-the-end (the last instruction falls through past the
code), join (a PUSH put before a BRANCH: heights differ where it lands)."""
import re, struct, sys, os

here = os.path.dirname(os.path.abspath(__file__))
vm = os.path.join(here, '..', '..', 'vm')
src = open(os.path.join(vm, 'opcodes.h')).read()
body = src[src.index('UC_FOR_EACH_OPCODE(X)') + 21:src.index('#define UC_OPCODE_ENUM')]
names = re.findall(r'X\((\w+)\)', body)
op = {n: i for i, n in enumerate(names)}
v = open(os.path.join(vm, 'verify.c')).read()
table = v[v.index('uc_opcode_operands[OP_COUNT]'):]
table = table[:table.index('};')]
operands = dict((m[0], int(m[1])) for m in re.findall(r'\[OP_(\w+)\] = (-?\d+)', table))

mode, inp, out = sys.argv[1:4]
data = bytearray(open(inp, 'rb').read())
n = int.from_bytes(data[-16:-12], 'big')
table = len(data) - 16 - 8 * n
pos = table
sections = {}
for i in reversed(range(n)):
    e = data[table + 8 * i: table + 8 * i + 8]
    length = int.from_bytes(e[4:], 'big')
    pos -= length
    sections[e[:4].decode()] = (pos, length)
base, length = sections['CODE']
code = list(struct.unpack('<%di' % (length // 4), data[base:base + length]))

starts = []
at = 0
while at < len(code):
    starts.append(at)
    name = names[code[at]]
    if name == 'SWITCH':
        s = code[at + 1] & 0xFFFFFFFF
        at += 2 + (s & 0xFFFF) + (s >> 16)
    elif name == 'CLOSUREREC':
        at += 3 + code[at + 1]
    else:
        at += 1 + operands.get(name, 0)

def first(name):
    return next(a for a in starts if code[a] == op[name])

if mode == 'return-underflow':
    code[first('RETURN') + 1] = 1000
elif mode == 'acc-beyond':
    code[first('ACC') + 1] = 5000
elif mode == 'pop-underflow':
    code[first('POP') + 1] = 1000
elif mode == 'off-the-end':
    last = starts[-1]
    if code[last] == op['STOP']:
        code[last] = op['CHECK_SIGNALS']
    else:
        assert operands.get(names[code[last]], 0) == 1, names[code[last]]
        code[last] = op['ACC']   # same length, but falls through
elif mode == 'join':
    a = next(s for i, s in enumerate(starts[:-1])
             if code[s] in (op['CONST0'], op['CONST1'], op['ACC0'])
             and code[starts[i + 1]] == op['BRANCH'])
    code[a] = op['PUSH']
else:
    sys.exit('unknown mode ' + mode)
data[base:base + length] = struct.pack('<%di' % len(code), *code)
open(out, 'wb').write(data)
