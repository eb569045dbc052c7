#!/usr/bin/env python3
"""Enumerates the OCaml 4.13.1 testsuite into a runner.py table.

Reads the `(* TEST ... *)` header of every .ml under testsuite/tests of
the sources runner.py uses, and writes one table row (testsuite.tsv's
format) for every program that ocamlc builds as one bytecode executable
and ocamlrun runs: `bytecode` tests, and `run` steps after explicit
`ocamlc.byte` steps.  Everything else is skipped with a reason, printed
to stderr and counted by reason.

    enumerate.py [-o TABLE.tsv] [-v]

The headers are the testsuite's own test descriptions (ocamltest's
language): `* name` lines open nested tests, `var = "v"`, `var += "v"`,
`set VAR = "v"` and `include LIB` set up their environment.  Only what
changes the program or its run is kept (modules, flags, libraries,
arguments, stdin, OCAMLRUNPARAM); expected outputs are not: the reference
is ocamlrun on the same bytecode.
"""
import argparse
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import source_tree  # noqa: E402

# Tests that only check a property of the host: true here (Linux, amd64,
# ocamlc with shared libraries and flat float arrays) or false.
GUARDS_TRUE = {"hasunix", "libunix", "hassysthreads", "hasstr", "not-windows",
               "not-bsd", "arch64", "arch_amd64", "flat-float-array",
               "shared-libraries", "has_symlink", "no-flambda", "naked_pointers",
               "pass"}
GUARDS_FALSE = {"libwin32unix", "windows-unicode", "macos", "arch_power", "arch_arm",
                "arch_arm64", "arch_i386", "no-flat-float-array", "flambda",
                "no-shared-libraries", "instrumented-runtime", "csharp-compiler",
                "function_sections"}
# Steps that only set up or check the bytecode build, not change it.
BUILD_STEPS = {"setup-ocamlc.byte-build-env", "check-ocamlc.byte-output"}
NATIVE = {"native", "ocamlopt.byte", "ocamlopt.opt", "setup-ocamlopt.byte-build-env",
          "setup-ocamlopt.opt-build-env", "check-ocamlopt.byte-output",
          "check-ocamlopt.opt-output", "native-compiler", "native-dynlink"}
TOPLEVEL = {"expect", "toplevel", "ocaml", "setup-ocaml-build-env", "check-ocaml-output"}
TOOLS = {"ocamldoc", "ocamldebug", "debugger", "ocamlobjinfo", "ocamlmklib"}

# `include` names and `libraries` words as ocamlc arguments.
LIBRARIES = {
    "unix": ["unix.cma"],
    "str": ["str.cma"],
    "dynlink": ["dynlink.cma"],
    "threads": ["-I", "+threads", "threads.cma"],
    "ocamlcommon": ["-I", "+compiler-libs", "ocamlcommon.cma"],
    "ocamlbytecomp": ["-I", "+compiler-libs", "ocamlbytecomp.cma"],
    "ocamltoplevel": ["-I", "+compiler-libs", "ocamltoplevel.cma"],
}
INCLUDES = {"systhreads": ["unix", "threads"], "config": [], "testing": [], "principal": [],
            "tool-ocaml-lib": []}
# Source-tree modules some includes link before the test's own.
INCLUDE_MODULES = {"testing": ["testing.mli", "testing.ml"], "tool-ocaml-lib": ["lib.ml"]}


class Skip(Exception):
    pass


def header(text):
    """The TEST header's body, or None (a module used by other tests)."""
    m = re.search(r"\(\*\s*TEST(?!_BELOW)", text)
    if not m:
        return None
    depth, i = 1, m.end()
    while i < len(text):
        if text.startswith("(*", i):
            depth += 1
            i += 2
        elif text.startswith("*)", i):
            depth -= 1
            if depth == 0:
                return text[m.end():i]
            i += 2
        elif text[i] == '"':
            j = text.find('"', i + 1)
            i = len(text) if j < 0 else j + 1
        else:
            i += 1
    raise Skip("unterminated TEST header")


TOKEN = re.compile(r'\s+|\(\*.*?\*\)|(?P<depth>\*+)|(?P<op>\+=|=|,)|"(?P<str>(?:[^"\\]|\\.|\\\n)*)"'
                   r'|(?P<id>[A-Za-z0-9_.\-]+)', re.S)


def tokens(body):
    i, out = 0, []
    while i < len(body):
        m = TOKEN.match(body, i)
        if not m:
            raise Skip("header does not parse")
        i = m.end()
        if m.group("depth"):
            out.append(("depth", len(m.group("depth"))))
        elif m.group("op"):
            out.append(("op", m.group("op")))
        elif m.group("str") is not None:
            s = re.sub(r"\\\n[ \t]*(\\([ \t]))?", lambda g: g.group(2) or "", m.group("str"))
            out.append(("str", s.replace("\\", "")))
        elif m.group("id"):
            out.append(("id", m.group("id")))
    return out


def parse(body):
    """Root statements and the tests as (depth, name, statements) in order."""
    toks, root, tests = tokens(body), [], []
    stmts, i = root, 0
    while i < len(toks):
        kind, v = toks[i]
        if kind == "depth":
            if i + 1 >= len(toks) or toks[i + 1][0] != "id":
                raise Skip("header does not parse")
            stmts = []
            tests.append((v, toks[i + 1][1], stmts))
            i += 2
            if i < len(toks) and toks[i] == ("id", "with"):
                i += 1
                while i < len(toks) and toks[i][0] == "id":
                    stmts.append(("include", toks[i][1], None))
                    i += 1
                    if toks[i:i + 1] != [("op", ",")]:
                        break
                    i += 1
        elif kind == "id" and v == "include" and i + 1 < len(toks):
            stmts.append(("include", toks[i + 1][1], None))
            i += 2
        elif kind == "id" and v == "set":
            stmts.append(("set", toks[i + 1][1], toks[i + 3][1]))
            i += 4
        elif kind == "id" and i + 2 < len(toks) and toks[i + 1][0] == "op" and toks[i + 2][0] == "str":
            stmts.append(("=" if toks[i + 1][1] == "=" else "+=", v, toks[i + 2][1]))
            i += 3
        else:
            raise Skip("header does not parse")
    return root, tests


def paths(tests):
    """Every test with the chain of tests leading to it (itself last).  An
    ocamlc.byte sibling before a test of the chain is in it too: siblings
    share the build directory, so what it compiled is there."""
    stack = []
    for t in tests:
        while stack and stack[-1][0] >= t[0]:
            stack.pop()
        stack.append(t)
        yield sibling_steps(list(stack), tests)


def sibling_steps(chain, tests):
    out = []
    for node in chain:
        i = next(k for k, t in enumerate(tests) if t is node)
        before = []
        for t in reversed(tests[:i]):
            if t[0] < node[0]:
                break
            if t[0] == node[0] and t[1] == "ocamlc.byte":
                before.insert(0, (t[0], "ocamlc.byte sibling", t[2]))
        out += before + [node]
    return out


class Env:
    def __init__(self):
        self.vars, self.includes, self.exported = {}, [], {}

    def apply(self, stmts):
        for op, k, v in stmts:
            if op == "include":
                if k not in LIBRARIES and k not in INCLUDES:
                    raise Skip("library %s" % k)
                self.includes.append(k)
            elif op == "set":
                self.exported[k] = v
            elif op == "=":
                self.vars[k] = v
            else:
                self.vars[k] = self.vars.get(k, "") + v

    def get(self, k):
        v = self.vars.get(k, "")
        v = v.replace("${test_source_directory}", ".").replace("${test_build_directory}", ".")
        if "${" in v:
            raise Skip("ocamltest variable in %s" % k)
        return v

    def words(self, k):
        return self.get(k).split()


def ocamlc_args(env):
    """(flags, modules to compile before the test's) for one ocamlc step."""
    libs = []
    for inc in env.includes:
        libs += INCLUDES.get(inc, [inc])
    libs += env.words("libraries")
    if env.words("binary_modules"):     # compiler modules: in ocamlcommon here
        libs.append("ocamlcommon")
    flags, modules = [], []
    for inc in env.includes:
        modules += [m for m in INCLUDE_MODULES.get(inc, []) if m not in modules]
    for lib in dict.fromkeys(libs):
        if lib not in LIBRARIES:
            raise Skip("library %s" % lib)
        flags += [w for w in LIBRARIES[lib] if w.endswith(".cma") or w not in flags]
    flags += ["-principal"] if "principal" in env.includes else []
    return flags + env.words("flags") + env.words("ocamlc_flags"), modules


def sources(modules, generate):
    """Compile list for the modules, adding ocamllex/ocamlyacc steps."""
    out = []
    for m in modules:
        stem, ext = os.path.splitext(m)
        if ext in (".c", ".o", ".so", ".a", ".obj") or m.startswith("-"):
            raise Skip("C stubs or objects")
        if ext == ".mll":
            generate.append("ocamllex -q %s" % m)
            out.append(stem + ".ml")
        elif ext == ".mly":
            generate.append("ocamlyacc %s" % m)
            out += [stem + ".mli", stem + ".ml"]
        else:
            out.append(m)
    return out


def build_step(name, env, test_file, generate):
    """(flags, modules, output) of one ocamlc step; output is None for the
    program the test runs, ['-c'] or ['-o', FILE] for a part of it."""
    flags, pre = ocamlc_args(env)
    if name == "bytecode":
        return flags, sources(pre + env.words("modules") + [test_file], generate), None
    if env.get("module"):
        return compile_flags(flags), sources(env.words("module"), generate), ["-c"]
    mods = env.words("all_modules") or (env.words("modules") + [test_file])
    mods = sources([m for m in pre if m not in mods] + mods, generate)
    if env.get("compile_only") == "true":
        return compile_flags(flags), mods, ["-c"]
    prog = env.get("program")
    return flags, mods, ["-o", os.path.basename(prog)] if prog else None


def compile_flags(flags):
    """ocamlc flags without the libraries, which only linking takes."""
    return [f for f in flags if not f.endswith(".cma")]


def program(chain, root, test_file):
    """The row's fields for the bytecode program that `chain`'s last test runs."""
    env, generate, steps = Env(), [], []
    env.apply(root)
    for depth, name, stmts in chain[:-1] if chain[-1][1] == "run" else chain:
        if name != "ocamlc.byte sibling":
            env.apply(stmts)
        if name in GUARDS_TRUE or name in BUILD_STEPS or name == "check-program-output":
            continue
        if name in GUARDS_FALSE:
            raise Skip("guard false on this host")
        if name in NATIVE:
            raise Skip("native-only")
        if name in TOPLEVEL:
            raise Skip("toplevel/expect")
        if name in ("script", "copy", "cd", "file-exists", "compare-binary-files"):
            raise Skip("script/copy/cd step")
        if name == "ocamlc.byte sibling":
            part = Env()
            part.vars, part.includes = dict(env.vars), list(env.includes)
            part.apply(stmts)
            steps.append(build_step("ocamlc.byte", part, test_file, generate))
            continue
        if name in ("ocamlc.byte", "bytecode"):
            if env.get("ocamlc_byte_exit_status") not in ("", "0"):
                raise Skip("compiler error check (reference file)")
            steps.append(build_step(name, env, test_file, generate))
            continue
        if name == "run" and chain[-1][1] == "run":
            raise Skip("two runs in one chain")
        raise Skip("action %s" % name)
    if chain[-1][1] == "run":
        env.apply(chain[-1][2])
    # Earlier steps build the parts (objects, libraries) the last one links.
    while steps and steps[-1][2] == ["-c"]:
        steps.pop()
    if not steps:
        raise Skip("no linked program")
    for flags, mods, output in steps[:-1]:
        output = output or ["-o", "a.out"]
        generate.append(" ".join(quote(w) for w in ["ocamlc"] + flags + (output or []) + mods))
    flags, mods, _ = steps[-1]
    files = [test_file] + env.words("modules") + env.words("readonly_files") + env.words("files")
    env_col = ["OCAMLRUNPARAM=" + env.get("ocamlrunparam")] if env.get("ocamlrunparam") else []
    env_col += ["%s=%s" % kv for kv in env.exported.items()]
    return dict(flags=flags, compile=mods, files=files, args=env.get("arguments"),
                env=env_col, stdin=env.get("stdin"), generate=generate,
                includes=env.includes)


def programs(root, tests, test_file):
    """(program or None, skip reason) for every test of a file that is a program."""
    if not tests:
        tests = [(1, "bytecode", [])]
    found = []
    for chain in paths(tests):
        name = chain[-1][1]
        under_ocamlc = any(t[1] == "ocamlc.byte" for t in chain[:-1])
        if name == "bytecode" or (name == "run" and under_ocamlc):
            try:
                found.append((program(chain, root, test_file), None))
            except Skip as e:
                found.append((None, str(e)))
    if found:
        return found
    names = {t[1] for t in tests}
    for group, reason in ((TOPLEVEL, "toplevel/expect"), (NATIVE, "native-only"),
                          ({"script"}, "script/copy/cd step"), (TOOLS, "tool test (ocamldoc, debugger...)"),
                          ({"ocamlc.byte"}, "compiler output check (reference file)")):
        if names & group:
            return [(None, reason)]
    return [(None, "no bytecode program")]


def quote(word):
    return "'%s'" % word if re.search(r"[\s\"'\\$]", word) else word


def rows(src):
    tests_dir = os.path.join(src, "testsuite", "tests")
    skipped = collections.Counter()
    out = []
    for d, _, files in sorted(os.walk(tests_dir)):
        rel = os.path.relpath(d, tests_dir)
        for f in sorted(files):
            if not f.endswith(".ml"):
                continue
            path = os.path.join(rel, f)
            with open(os.path.join(d, f), errors="replace") as fh:
                text = fh.read()
            try:
                body = header(text)
                if body is None:
                    continue
                found = programs(*parse(body), f)
            except Skip as e:
                found = [(None, str(e))]
            base = re.sub(r"[^A-Za-z0-9]", "_", rel.replace(os.sep, "_") + "_" + f[:-3])
            n = sum(1 for p, _ in found if p)
            k = 0
            for p, reason in found:
                if p is None:
                    skipped[reason] += 1
                    print("skip %s: %s" % (path, reason), file=sys.stderr)
                    continue
                k += 1
                out.append(row(base if n == 1 else "%s_%d" % (base, k), rel, p))
    return out, skipped


def row(name, rel, p):
    up = lambda f: "testsuite/%s=%s" % (os.path.normpath(os.path.join("tests", rel, f)), f)
    lib = lambda f: "testsuite/lib/%s=%s" % (f, f)
    copies = [up(f) for f in dict.fromkeys(p["files"])]
    for inc in p["includes"]:
        copies += [lib(m) for m in INCLUDE_MODULES.get(inc, [])]
    stdin = os.path.normpath(os.path.join("testsuite", "tests", rel, p["stdin"])) if p["stdin"] else ""
    cols = [name, " ".join(dict.fromkeys(copies)), " ".join(p["compile"]),
            " ".join(quote(w) for w in p["flags"]), p["args"], " ".join(quote(w) for w in p["env"]),
            stdin, "; ".join(p["generate"])]
    return "\t".join(c.replace("\t", " ").replace("\n", " ") or "-" for c in cols)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", dest="output", help="table to write (default: stdout)")
    ap.add_argument("-v", dest="verbose", action="store_true", help="print every skip")
    a = ap.parse_args()
    if not a.verbose:
        sys.stderr = open(os.devnull, "w")
    out, skipped = rows(source_tree())
    sys.stderr = sys.__stderr__
    header_line = ("name\tcopy (upstream-path=local-name)\tcompile (in order)\tocamlc flags"
                   "\targs\tenv\tstdin\tgenerate")
    text = "\n".join([header_line] + out) + "\n"
    if a.output:
        with open(a.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    print("enumerated %d programs, skipped %d:" % (len(out), sum(skipped.values())), file=sys.stderr)
    for reason, n in skipped.most_common():
        print("  %4d %s" % (n, reason), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
