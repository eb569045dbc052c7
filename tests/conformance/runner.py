#!/usr/bin/env python3
"""Differential runner for OCaml 4.13.1 testsuite programs.

Each test is built with the stock ocamlc from the sources in Debian's
ocaml-source package, then run under stock ocamlrun (the reference) and
under the runner command; stdout+stderr (merged) and the exit status must
be the same.  No expected output is stored anywhere.

    runner.py [-t TABLE.tsv]... [-l NAMES] [-j JOBS] [-k] RUNNER [ARGS...]

TABLE.tsv columns ('-' is empty): name; files to copy out of the source
tree (upstream-path=local-name); files to compile, in link order; ocamlc
flags; program arguments; environment; a source-tree file for stdin;
commands generating sources (ocamllex/ocamlyacc).  RUNNER is called as
`RUNNER... ./t.byte ARGS` in the test's directory.  TIMEOUT (seconds,
default 60) bounds each run.  The sources come from OCAML_SRC, or are
unpacked once from /usr/src/ocaml-source-4.13.1.tar into CONFORMANCE_CACHE
(default ~/.cache/ocaml-4.13.1-testsuite).  Prints PASS/FAIL per test and
ends with 'N passed, N failed'.
"""
import argparse
import concurrent.futures
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

TARBALL = "/usr/src/ocaml-source-4.13.1.tar"


def source_tree():
    if os.environ.get("OCAML_SRC"):
        return os.environ["OCAML_SRC"]
    cache = os.environ.get("CONFORMANCE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
        "ocaml-4.13.1-testsuite")
    tree = os.path.join(cache, "ocaml-4.13.1")
    if os.path.exists(os.path.join(tree, ".complete")):
        return tree
    if not os.path.exists(TARBALL):
        sys.exit("runner.py: %s is missing: apt-get install ocaml-source" % TARBALL)
    # Unpack beside the cache, then rename: concurrent runs never see half a tree.
    os.makedirs(cache, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=cache)
    cmd = ("tar -xOf %s ocaml-4.13.1/ocaml_4.13.1.orig.tar.gz | tar -xzf - -C %s ocaml-4.13.1/testsuite"
           % (shlex.quote(TARBALL), shlex.quote(tmp)))
    if subprocess.run(cmd, shell=True).returncode != 0:
        sys.exit("runner.py: could not unpack " + TARBALL)
    open(os.path.join(tmp, "ocaml-4.13.1", ".complete"), "w").close()
    try:
        os.rename(os.path.join(tmp, "ocaml-4.13.1"), tree)
    except OSError:
        pass    # another run got there first
    shutil.rmtree(tmp, ignore_errors=True)
    return tree


def read_table(path):
    tests = []
    with open(path) as f:
        for line in f.read().splitlines()[1:]:
            if not line.strip():
                continue
            cols = (line.split("\t") + ["-"] * 8)[:8]
            cols = ["" if c == "-" else c for c in cols]
            keys = ("name", "copies", "compile", "flags", "args", "env", "stdin", "generate")
            tests.append(dict(zip(keys, cols)))
    return tests


def run_capture(argv, cwd, env, stdin_path, timeout):
    """Runs argv; returns (merged output, exit status as the shell shows it)."""
    with open(stdin_path or os.devnull, "rb") as stdin:
        try:
            p = subprocess.run(argv, cwd=cwd, env=env, stdin=stdin, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            return (e.output or b"") + b"\n[timeout]\n", 124
    status = p.returncode if p.returncode >= 0 else 128 - p.returncode
    return p.stdout, status


def run_test(t, src, work, runner, timeout):
    """Returns (passed, reason)."""
    d = os.path.join(work, t["name"])
    os.makedirs(d)
    try:
        for c in t["copies"].split():
            up, _, local = c.partition("=")
            dest = os.path.join(d, local or os.path.basename(up))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy(os.path.join(src, up), dest)
    except OSError as e:
        return False, "could not copy the sources: %s" % e
    base_env = {k: v for k, v in os.environ.items() if k != "OCAMLRUNPARAM"}
    if t["generate"]:
        g = subprocess.run(t["generate"], shell=True, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if g.returncode != 0:
            return False, "could not generate the sources"
    c = subprocess.run(["ocamlc"] + shlex.split(t["flags"]) + ["-o", "t.byte"] + t["compile"].split(),
                       cwd=d, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if c.returncode != 0:
        return False, "could not build the test"
    env = dict(base_env)
    for kv in shlex.split(t["env"]):
        k, _, v = kv.partition("=")
        env[k] = v
    stdin = os.path.join(src, t["stdin"]) if t["stdin"] else None
    args = shlex.split(t["args"])
    # The reference runs in a copy: programs that create files (Unix tests)
    # must find the directory as ocamlc left it.
    ref = d + ".ref"
    shutil.copytree(d, ref, symlinks=True)
    want, want_st = run_capture(["ocamlrun", "./t.byte"] + args, ref, env, stdin, timeout)
    shutil.rmtree(ref, ignore_errors=True)
    got, got_st = run_capture(runner + ["./t.byte"] + args, d, env, stdin, timeout)
    for name, data in (("expected", want), ("actual", got)):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    if want == got and want_st == got_st:
        return True, ""
    if want_st != got_st:
        return False, "exit %d expected, %d got" % (want_st, got_st)
    return False, "output differs"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-t", dest="tables", action="append", required=True)
    ap.add_argument("-l", dest="names", help="file of test names to run")
    ap.add_argument("-j", dest="jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-k", dest="keep", action="store_true", help="keep failing tests' directories")
    ap.add_argument("runner", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if not a.runner:
        ap.error("no RUNNER given")
    for tool in ("ocamlc", "ocamlrun", "ocamllex", "ocamlyacc"):
        if shutil.which(tool) is None:
            sys.exit("runner.py: %s not found (apt-get install ocaml-nox)" % tool)
    runner = a.runner
    if os.sep in runner[0]:
        runner[0] = os.path.abspath(runner[0])
    tests = [t for table in a.tables for t in read_table(table)]
    if a.names:
        wanted = set(open(a.names).read().split())
        tests = [t for t in tests if t["name"] in wanted]
    src = source_tree()
    timeout = float(os.environ.get("TIMEOUT", "60"))
    work = tempfile.mkdtemp(prefix="ucaml-conformance.")
    passed = failed = 0
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            results = pool.map(lambda t: run_test(t, src, work, runner, timeout), tests)
            for t, (ok, reason) in zip(tests, results):
                if ok:
                    passed += 1
                    print("PASS " + t["name"], flush=True)
                    continue
                failed += 1
                print("FAIL %s (%s)" % (t["name"], reason), flush=True)
                if a.keep:
                    kept = tempfile.mkdtemp(prefix="ucaml-kept.")
                    shutil.copytree(os.path.join(work, t["name"]), os.path.join(kept, t["name"]))
                    print("  kept in " + os.path.join(kept, t["name"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
