#!/bin/sh
# ucaml's own tests, for any port: programs in tests/cases run under
#   RUNNER [FLAGS] prog.byte
# and compared with stock ocamlrun (differential), or with NAME.expected for
# behaviour ocamlrun does not have (heap and stack limits).  NAME.flags holds
# ucaml flags (e.g. --heap 16k), NAME.libs libraries to link (e.g. str.cma).
# NAME.env lists environments, one a line (VAR=value): the program runs once
# under each, on both sides.  Then the loader is fed malformed files.
# TESTS_SKIP="name ..." skips programs that cannot fit the port (a board's RAM).
# A case with NAME.board shows what a board lacks (Unix_error ENOSYS): it runs
# only when TESTS_BOARD=1 (the board's runs).
#
#   tests/run.sh                       host: ./ucaml exec
#   RUNNER="build/unix32/ucaml exec" tests/run.sh
#   RUNNER=ports/xtensa-qemu/exec.sh tests/run.sh
# Ends with 'N passed, N failed'; exit status 1 if anything failed.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
runner=${RUNNER:-$root/ucaml exec}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT INT TERM
pass=0; fail=0
ok() { pass=$((pass+1)); echo "PASS $1"; }
ko() { fail=$((fail+1)); echo "FAIL $1${2:+: $2}"; }

# Runs a command in dir once per environment line on stdin (once, as it is,
# without any), collecting output in dir/out and exit statuses in dir/out.exit.
run_each_env() {   # dir out command...
  dir=$1 out=$2; shift 2
  : >"$dir/$out"; : >"$dir/$out.exit"
  ran=0
  while IFS= read -r assignment || [ -n "$assignment" ]; do
    [ -n "$assignment" ] || continue
    ran=1; echo "[$assignment]" >>"$dir/$out"
    (cd "$dir" && env "$assignment" timeout 120 "$@" >>"$out" 2>&1; echo $? >>"$out.exit")
  done
  [ $ran = 1 ] || (cd "$dir" && timeout 120 "$@" >>"$out" 2>&1; echo $? >>"$out.exit")
}

# --- programs ---------------------------------------------------------------
for src in "$root"/tests/cases/*.ml; do
  name=$(basename "$src" .ml)
  case " ${TESTS_SKIP:-} " in *" $name "*) echo "SKIP $name"; continue ;; esac
  if [ -f "$root/tests/cases/$name.board" ] && [ "${TESTS_BOARD:-0}" != 1 ]; then echo "SKIP $name (board only)"; continue; fi
  d="$work/$name"; mkdir -p "$d"; cp "$src" "$d/"
  libs=""; [ -f "$root/tests/cases/$name.libs" ] && libs=$(cat "$root/tests/cases/$name.libs")
  (cd "$d" && ocamlc -g $libs "$name.ml" -o t.byte) >"$d/compile.log" 2>&1 || { ko "$name" "does not compile"; continue; }
  flags=""; [ -f "$root/tests/cases/$name.flags" ] && flags=$(cat "$root/tests/cases/$name.flags")
  envs="$root/tests/cases/$name.env"; [ -f "$envs" ] || envs=/dev/null
  run_each_env "$d" actual $runner $flags ./t.byte <"$envs"
  if [ -f "$root/tests/cases/$name.expected" ]; then
    cp "$root/tests/cases/$name.expected" "$d/expected"; echo 0 >"$d/expected.exit"
  else
    run_each_env "$d" expected ocamlrun ./t.byte <"$envs"
  fi
  if cmp -s "$d/expected" "$d/actual" && cmp -s "$d/expected.exit" "$d/actual.exit"; then ok "$name"
  else ko "$name" "output differs: $(diff "$d/expected" "$d/actual" | head -3 | tr '\n' ' ')"; fi
done

# --- the loader refuses bad input with one message and status 2 -------------
d="$work/errors"; mkdir -p "$d"; cd "$d" || exit 2
cp "$root/tests/cases/hello.ml" . && ocamlc hello.ml -o good.byte
size=$(wc -c <good.byte)
expect_refusal() {   # name file pattern
  out=$(timeout 20 $runner "$2" 2>&1); rc=$?
  if [ $rc = 2 ] && printf '%s' "$out" | grep -q -- "$3" && [ "$(printf '%s\n' "$out" | wc -l)" -le 2 ]; then ok "$1"
  else ko "$1" "status $rc, output: $(printf '%s' "$out" | head -c 200)"; fi
}
head -c $((size / 2)) good.byte >truncated.byte;           expect_refusal refuse_truncated truncated.byte "not a bytecode executable"
head -c 10 good.byte >tiny.byte;                             expect_refusal refuse_tiny tiny.byte "not a bytecode executable"
: >empty.byte;                                               expect_refusal refuse_empty empty.byte "not a bytecode executable"
head -c $((size - 4)) good.byte >badmagic.byte; printf 'X099' >>badmagic.byte
expect_refusal refuse_other_version badmagic.byte "another OCaml version"
# a section length that overruns the file
head -c $((size - 20)) good.byte >badtable.byte; printf '\377\377\377\377' >>badtable.byte; tail -c 16 good.byte >>badtable.byte
expect_refusal refuse_bad_section_table badtable.byte "inconsistent section table"
head -c 5000 /dev/urandom >random.byte; tail -c 16 good.byte >>random.byte
expect_refusal refuse_garbage random.byte "ucaml"
expect_refusal refuse_missing_file ./no-such-file.byte "no-such-file.byte"
# corrupt one code word: an unknown opcode
python3 - good.byte corrupt.byte <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
n = int.from_bytes(data[-16:-12], 'big')
table = len(data) - 16 - 8 * n
end = table; sections = []
for i in reversed(range(n)):
    e = data[table + 8 * i: table + 8 * i + 8]
    ln = int.from_bytes(e[4:8], 'big'); end -= ln; sections.append((e[:4].decode(), end, ln))
code = [s for s in sections if s[0] == 'CODE'][0]
data[code[1] + 40: code[1] + 44] = (0x7fff).to_bytes(4, 'little')
open(sys.argv[2], 'wb').write(data)
PY
expect_refusal refuse_bad_opcode corrupt.byte "malformed CODE section"
# a function entry without its RESTART: a partial application would resume
# in the middle of the code before it
python3 - good.byte norestart.byte <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
n = int.from_bytes(data[-16:-12], 'big')
table = len(data) - 16 - 8 * n
end = table; sections = []
for i in reversed(range(n)):
    e = data[table + 8 * i: table + 8 * i + 8]
    ln = int.from_bytes(e[4:8], 'big'); end -= ln; sections.append((e[:4].decode(), end, ln))
base, ln = [(s[1], s[2]) for s in sections if s[0] == 'CODE'][0]
words = [int.from_bytes(data[base + 4 * i: base + 4 * i + 4], 'little') for i in range(ln // 4)]
at = next(i for i in range(len(words) - 1) if words[i] == 41 and words[i + 1] == 42)   # RESTART; GRAB
data[base + 4 * at: base + 4 * at + 4] = (0).to_bytes(4, 'little')                      # ACC0
open(sys.argv[2], 'wb').write(data)
PY
expect_refusal refuse_grab_without_restart norestart.byte "GRAB without RESTART"
cat >prim.ml <<'ML'
external missing : int -> int = "ucaml_test_no_such_primitive"
external missing2 : int -> int = "ucaml_test_other_missing"
let () = print_int (missing 1 + missing2 2)
ML
# ocamlc refuses to link unknown primitives unless told they exist.
(ocamlrun -p; echo ucaml_test_no_such_primitive; echo ucaml_test_other_missing) >prims.txt
ocamlc -use-prims prims.txt prim.ml -o prim.byte 2>/dev/null
expect_refusal refuse_unknown_primitives prim.byte "unknown primitives: ucaml_test_no_such_primitive ucaml_test_other_missing"
# the primitive table lists it, but no instruction calls it
echo 'let () = print_endline "unused primitive is fine"' >unused.ml
ocamlc -use-prims prims.txt unused.ml -o unused.byte 2>/dev/null
out=$(timeout 20 $runner unused.byte 2>&1)
[ "$out" = "unused primitive is fine" ] && ok accept_unused_unknown_primitive || ko accept_unused_unknown_primitive "$out"

# --- UCAML_STATS=2: what each module keeps live, and the heap by kind -------
d="$work/census"; mkdir -p "$d"; cd "$d" || exit 2
cat >big.ml <<'ML'
let rec build acc i = if i = 0 then acc else build (string_of_int i :: acc) (i - 1)
let keep = build [] 2000
ML
echo 'let () = Printf.printf "%d\n" (List.length Big.keep)' >main.ml
ocamlc -g big.ml main.ml -o census.byte
UCAML_STATS=2 timeout 60 $runner census.byte >out 2>err
# 2000 list cells of 3 words and 2000 strings of 2: 10000 words kept by Big.
# Modules are named by file where the port reads debug info, else by global.
if grep -q '^ucaml-census: after stdlib\.ml' err; then big='big\.ml'; else big='global [0-9]*'; fi
grown=$(sed -n "s/^ucaml-census: after $big: live [0-9]* words (+\([0-9]*\)).*/\1/p" err | sort -n | tail -n 1)
fields=$(sed -n 's/^ucaml-census:   blocks of fields *\([0-9]*\) words.*/\1/p' err)
strings=$(sed -n 's/^ucaml-census:   strings *\([0-9]*\) words.*/\1/p' err)
if [ "$(cat out)" = 2000 ] && [ "${grown:-0}" -ge 10000 ] && [ "${fields:-0}" -ge 6000 ] &&
   [ "${strings:-0}" -ge 4000 ] && grep -q '^ucaml-census:   closures ' err; then
  ok stats_census
else ko stats_census "grown=${grown:-none} fields=${fields:-none} strings=${strings:-none}: $(tail -c 300 err)"; fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
