#!/usr/bin/env python3
"""Writes a copy of a bytecode executable whose code is made ill-formed in
one way, for the verifier's refusal tests:
  corrupt.py MODE in.byte out.byte
MODE: return-underflow (first RETURN pops far more than its frame),
acc-beyond (first ACC reads far below its frame), pop-underflow (first POP
pops far more), off-the-end (the last instruction falls through past the
code), join (a PUSH put before a BRANCH: heights differ where it lands),
return-short (a RETURN pops one slot less than its frame: the caller
would resume at a local), appterm-short (the same for a tail call),
fall-into-restart (the RETURN before a function's RESTART becomes a POP:
the code falls into the RESTART)."""
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
elif mode == 'return-short':
    code[next(a for a in starts if code[a] == op['RETURN'] and code[a + 1] > 0) + 1] -= 1
elif mode == 'appterm-short':
    a = next(a for a in starts if code[a] in (op['APPTERM1'], op['APPTERM2'], op['APPTERM3'])
             and code[a + 1] > code[a] - op['APPTERM1'] + 1)
    code[a + 1] -= 1
elif mode == 'fall-into-restart':
    a = next(s for i, s in enumerate(starts[:-1])
             if code[s] == op['RETURN'] and code[starts[i + 1]] == op['RESTART'])
    code[a] = op['POP']
else:
    sys.exit('unknown mode ' + mode)
data[base:base + length] = struct.pack('<%di' % len(code), *code)
open(out, 'wb').write(data)
