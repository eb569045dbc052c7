#!/usr/bin/env python3
"""Mutation test: runs mutants of real bytecode executables and fails if one
kills the VM by a signal (or an ASan/UBSan report) instead of a refusal, an
exception or a normal end.
  mutate.py [--count N] [--seed S] [--timeout T] RUNNER PROG.byte...
RUNNER is a command line (e.g. "./ucaml exec").  Mutants, chosen by the seed
(deterministic; CI uses a fixed one, long hunts a random one): bit flips and
random words (any, an opcode or small operand, a SWITCH's sizes) in the
CODE and DATA sections, truncations, edits of the section table (a bit,
a length, two lengths swapped, the count).  Prints one line per death and 'N passed, N failed'."""
import os, random, shlex, subprocess, sys, tempfile

def sections(data):
    n = int.from_bytes(data[-16:-12], 'big')
    table = len(data) - 16 - 8 * n
    pos, out = table, {}
    for i in reversed(range(n)):
        e = data[table + 8 * i: table + 8 * i + 8]
        length = int.from_bytes(e[4:], 'big')
        pos -= length
        out[e[:4].decode('latin-1')] = (pos, length, table + 8 * i)
    return out

def mutant(data, rng):
    data = bytearray(data)
    secs = sections(data)
    kind = rng.choice(['code-bit', 'code-bit', 'code-word', 'data-bit', 'data-bit',
                       'data-byte', 'truncate', 'table'])
    if kind.startswith('code') and 'CODE' in secs:
        base, length, _ = secs['CODE']
        for _ in range(rng.randint(1, 4)):
            at = base + rng.randrange(length)
            if kind == 'code-bit': data[at] ^= 1 << rng.randrange(8)
            else:   # a random word, an opcode or small operand, a SWITCH's sizes
                word = rng.choice([rng.getrandbits(32), rng.randrange(150), rng.randrange(-8, 300) & 0xFFFFFFFF,
                                   rng.randrange(1 << 15) << 16 | rng.randrange(64)])
                data[at & ~3:(at & ~3) + 4] = word.to_bytes(4, 'little')
    elif kind.startswith('data') and 'DATA' in secs:
        base, length, _ = secs['DATA']
        for _ in range(rng.randint(1, 4)):
            at = base + rng.randrange(length)
            if kind == 'data-bit': data[at] ^= 1 << rng.randrange(8)
            else: data[at] = rng.randrange(256)
    elif kind == 'truncate':
        data = data[:rng.randrange(len(data))]
    else:   # the section table: a bit of an entry, a length, two lengths swapped, the count
        name = rng.choice(list(secs))
        entry = secs[name][2]
        how = rng.randrange(4)
        if how == 0:
            data[entry + rng.randrange(8)] ^= 1 << rng.randrange(8)
        elif how == 1:
            old = int.from_bytes(data[entry + 4:entry + 8], 'big')
            new = max(0, old + rng.choice([-8, -4, -1, 1, 4, 8, rng.randrange(-old, old + 1)]))
            data[entry + 4:entry + 8] = new.to_bytes(4, 'big')
        elif how == 2:
            other = secs[rng.choice(list(secs))][2]
            a, b = data[entry + 4:entry + 8], data[other + 4:other + 8]
            data[entry + 4:entry + 8], data[other + 4:other + 8] = b, a
        else:
            n = int.from_bytes(data[-16:-12], 'big')
            data[-16:-12] = max(0, n + rng.choice([-2, -1, 1, 2])).to_bytes(4, 'big')
    return kind, bytes(data)

def main():
    args = sys.argv[1:]
    count, seed, timeout = 200, 1, 10
    while args and args[0].startswith('--'):
        opt = args.pop(0)
        if opt == '--count': count = int(args.pop(0))
        elif opt == '--seed': seed = int(args.pop(0))
        elif opt == '--timeout': timeout = int(args.pop(0))
        else: sys.exit(__doc__)
    if seed < 0: seed = random.SystemRandom().randrange(1 << 30)
    runner, progs = shlex.split(args[0]), args[1:]
    rng = random.Random(seed)
    passed = failed = 0
    env = dict(os.environ, ASAN_OPTIONS='detect_leaks=0', UBSAN_OPTIONS='halt_on_error=1')
    with tempfile.TemporaryDirectory() as work:
        originals = [open(p, 'rb').read() for p in progs]
        for i in range(count):
            which = rng.randrange(len(progs))
            kind, data = mutant(originals[which], rng)
            path = os.path.join(work, 'm.byte')
            open(path, 'wb').write(data)
            try:
                r = subprocess.run(runner + [path], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, timeout=timeout, env=env, cwd=work)
                err = r.stderr.decode('latin-1')
                dead = r.returncode < 0 or r.returncode >= 128 and r.returncode != 124 or \
                    'Sanitizer' in err or 'runtime error:' in err
            except subprocess.TimeoutExpired:
                dead = False   # a mutant may loop: that is allowed
                err = ''
            if dead:
                failed += 1
                keep = os.path.join(tempfile.gettempdir(), 'ucaml-mutant-%d-%d.byte' % (seed, i))
                open(keep, 'wb').write(data)
                print('FAIL mutant %d (%s of %s, seed %d): status %s, kept as %s %s' %
                      (i, kind, os.path.basename(progs[which]), seed, r.returncode, keep,
                       err.strip().splitlines()[-1][:200] if err.strip() else ''))
            else:
                passed += 1
    print('%d passed, %d failed' % (passed, failed))
    sys.exit(1 if failed else 0)

main()
