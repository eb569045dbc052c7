#!/usr/bin/env python3
"""ucaml benchmark driver (see docs/performance.md).

Builds each benchmark with ocamlc (bytecode) and ocamlopt (native), checks
that ucaml prints exactly what ocamlrun prints, then times ucaml, ocamlrun
and the native executable alternately and prints a markdown table.

Environment:
  UCAML              command prefix for ucaml (default: "<repo>/ucaml exec";
                     a bare path to a ucaml binary gets "exec" appended;
                     UCAML=ocamlrun uses ocamlrun as a stand-in)
  OCAMLRUN           reference bytecode interpreter (default: ocamlrun)
  BENCH_CACHE        build/cache directory (default: bench/_build)
  BENCH_TIMEOUT      per-process timeout in seconds (default: 300)
  XTENSA_CYCLES_CMD  optional command; run as `$XTENSA_CYCLES_CMD prog.byte
                     args...`, its output's last integer is reported as the
                     emulated Xtensa cycle count of one run
"""

import argparse
import math
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
OWN_DIR = os.path.join(BENCH_DIR, "programs")

SRC_TAR = "/usr/src/ocaml-source-4.13.1.tar"
ORIG_TGZ = "ocaml-4.13.1/ocaml_4.13.1.orig.tar.gz"
TS = "ocaml-4.13.1/testsuite/tests/"

# name, origin, source files (or "kb"), arguments, runs per measurement,
# size description.  Programs with a fixed size and a short run time are
# run `runs` times back to back (separate processes) per measurement.
BENCHMARKS = [
    # OCaml 4.13.1 testsuite (tests/misc, tests/misc-kb)
    ("bdd", "ts", ["misc/bdd.ml"], ["21"], 1,
     "n=21 variables, 10 tests"),
    ("boyer", "ts", ["misc/boyer.ml"], [], 4,
     "fixed (10 proofs); x4 runs"),
    ("fib", "ts", ["misc/fib.ml"], ["37"], 1, "n=37"),
    ("hamming", "ts", ["misc/hamming.ml"], [], 4,
     "fixed (numbers 88000..88100); x4 runs"),
    ("kb", "ts", "kb", [], 6,
     "fixed (group completion); x6 runs"),
    ("nucleic", "ts", ["misc/nucleic.ml"], [], 10,
     "fixed (pseudoknot); x10 runs"),
    ("sieve", "ts", ["misc/sieve.ml"], [], 20,
     "fixed (primes <= 50000); x20 runs"),
    ("sorts", "ts", ["misc/sorts.ml"], [], 1,
     "fixed (default -teststd mode, lengths 0..2323)"),
    ("takc", "ts", ["misc/takc.ml"], [], 5,
     "fixed (200 x tak 18 12 6, curried); x5 runs"),
    ("taku", "ts", ["misc/taku.ml"], [], 3,
     "fixed (200 x tak 18 12 6, tupled); x3 runs"),
    # bench/programs
    ("bintrees", "own", ["bintrees.ml"], ["16"], 1, "depth=16"),
    ("buffers", "own", ["buffers.ml"], ["2000000"], 1, "packets=2000000"),
    ("closures", "own", ["closures.ml"], ["20000"], 1, "rounds=20000"),
    ("exn_loop", "own", ["exn_loop.ml"], ["1000000"], 1, "iterations=1000000"),
    ("hashtbl_bench", "own", ["hashtbl_bench.ml"], ["400000"], 1, "n=400000"),
    ("mandelbrot", "own", ["mandelbrot.ml"], ["600"], 1, "600x600, 100 iter"),
    ("marshal_bench", "own", ["marshal_bench.ml"], ["6000"], 1,
     "round trips=6000"),
    ("nbody", "own", ["nbody.ml"], ["400000"], 1, "5 bodies, 400000 steps"),
    ("printf_bench", "own", ["printf_bench.ml"], ["80000"], 1, "lines=80000"),
    ("strbuf", "own", ["strbuf.ml"], ["200"], 1, "rounds=200"),
]

# --quick: one short benchmark, one repetition (smoke test).
QUICK = ("printf_bench", "own", ["printf_bench.ml"], ["3000"], 1, "lines=3000")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def die(msg, code=2):
    log("bench: " + msg)
    sys.exit(code)


# ---------------------------------------------------------------- sources

def testsuite_dir(cache):
    """Extract tests/misc and tests/misc-kb from Debian's ocaml-source."""
    dest = os.path.join(cache, "src")
    stamp = os.path.join(dest, ".extracted")
    if os.path.exists(stamp):
        return os.path.join(dest, TS)
    if not os.path.exists(SRC_TAR):
        if os.geteuid() == 0:
            log("bench: %s missing, installing ocaml-source" % SRC_TAR)
            cmd = "apt-get install -y ocaml-source || " \
                  "(apt-get update && apt-get install -y ocaml-source)"
            subprocess.call(["sh", "-c", cmd])
        if not os.path.exists(SRC_TAR):
            die("%s not found; install it with:\n"
                "  sudo apt-get install ocaml-source" % SRC_TAR)
    log("bench: extracting testsuite programs from %s" % SRC_TAR)
    os.makedirs(dest, exist_ok=True)
    with tarfile.open(SRC_TAR) as outer:
        inner_f = outer.extractfile(ORIG_TGZ)
        with tarfile.open(fileobj=inner_f, mode="r:gz") as inner:
            members = [m for m in inner.getmembers()
                       if m.isfile() and (m.name.startswith(TS + "misc/")
                                          or m.name.startswith(TS + "misc-kb/"))]
            for m in members:
                out = os.path.join(dest, m.name)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                with inner.extractfile(m) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    open(stamp, "w").close()
    return os.path.join(dest, TS)


def kb_sources(ts):
    """Link order of misc-kb from the ocamltest header of kbmain.ml."""
    d = os.path.join(ts, "misc-kb")
    with open(os.path.join(d, "kbmain.ml")) as f:
        header = f.read(500)
    m = re.search(r'modules\s*=\s*"([^"]*)"', header)
    if not m:
        die("cannot find the module list in misc-kb/kbmain.ml")
    files = []
    for ml in m.group(1).split() + ["kbmain.ml"]:
        mli = ml[:-3] + ".mli"
        if os.path.exists(os.path.join(d, mli)):
            files.append("misc-kb/" + mli)
        files.append("misc-kb/" + ml)
    return files


# ---------------------------------------------------------------- build

def build(bench, cache, ts):
    """Compile to <cache>/build/<name>/<name>.byte and .native."""
    name, origin, srcs = bench[0], bench[1], bench[2]
    if origin == "ts":
        base = ts
        if srcs == "kb":
            srcs = kb_sources(ts)
    else:
        base = OWN_DIR
    paths = [os.path.join(base, s) for s in srcs]
    bdir = os.path.join(cache, "build", name)
    byte = os.path.join(bdir, name + ".byte")
    native = os.path.join(bdir, name + ".native")
    newest = max(os.path.getmtime(p) for p in paths)
    if all(os.path.exists(x) and os.path.getmtime(x) >= newest
           for x in (byte, native)):
        return byte, native
    os.makedirs(bdir, exist_ok=True)
    local = []
    for p in paths:  # compile a private copy: no .cm* next to the sources
        shutil.copy(p, bdir)
        local.append(os.path.basename(p))
    for cmd in (["ocamlc", "-o", os.path.basename(byte)] + local,
                ["ocamlopt", "-o", os.path.basename(native)] + local):
        r = subprocess.run(cmd, cwd=bdir, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            die("build of %s failed: %s\n%s" % (name, " ".join(cmd), r.stdout))
    return byte, native


# ---------------------------------------------------------------- running

TIME = "/usr/bin/time"  # GNU time, for the peak RSS of one process


def run_once(cmd, env=None, capture=False, timeout=300.0, rss_file=None):
    """Run one process; return (wall s, maxrss KB, status, stdout, stderr).

    With rss_file, the process runs under GNU time, which reports its peak
    RSS (%M); the wall time is measured here in either case."""
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    if rss_file:
        cmd = [TIME, "-f", "%M", "-o", rss_file] + cmd
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                         stderr=out, env=env, start_new_session=True)
    timer = threading.Timer(timeout, lambda: os.killpg(p.pid, 9))
    timer.start()
    try:
        stdout, stderr = p.communicate()
    finally:
        timer.cancel()
    t1 = time.perf_counter()
    rss = None
    if rss_file:
        with open(rss_file) as f:
            nums = re.findall(r"^\d+$", f.read(), re.M)
        rss = int(nums[-1]) if nums else None
    return t1 - t0, rss, p.returncode, stdout, stderr


def measure(cmd, runs, env, timeout, rss_file):
    """Time `runs` consecutive runs; return (total s, max RSS KB, ok)."""
    total, rss = 0.0, 0
    for _ in range(runs):
        t, r, status, _, _ = run_once(cmd, env, False, timeout, rss_file)
        if status != 0:
            return total, rss, False
        total += t
        rss = max(rss, r or 0)
    return total, rss, True


def xtensa_cycles(byte, args):
    cmd = os.environ.get("XTENSA_CYCLES_CMD")
    if not cmd:
        return None
    r = subprocess.run(["sh", "-c", cmd + ' "$@"', "sh", byte] + args,
                       stdout=subprocess.PIPE, text=True)
    nums = re.findall(r"\d+", r.stdout)
    return int(nums[-1]) if r.returncode == 0 and nums else None


def ucaml_command():
    u = os.environ.get("UCAML")
    if not u:
        path = os.path.join(REPO, "ucaml")
        if not os.path.exists(path):
            die("%s not found: build it with `make`, or set UCAML "
                "(e.g. UCAML=ocamlrun as a stand-in)" % path)
        return [path, "exec"]
    words = shlex.split(u)
    if len(words) == 1 and os.path.basename(words[0]) == "ucaml":
        words.append("exec")
    if shutil.which(words[0]) is None:
        die("UCAML command not found: %s" % words[0])
    return words


# ---------------------------------------------------------------- report

def fmt_s(x):
    return "%.3f" % x if x is not None else "-"


def fmt_ratio(a, b):
    return "%.2f" % (a / b) if a is not None and b else "-"


def geomean(xs):
    xs = [x for x in xs if x]
    if not xs:
        return None
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d CPUs" % (model, os.cpu_count() or 0)


def main():
    ap = argparse.ArgumentParser(description="ucaml benchmark suite")
    ap.add_argument("-n", type=int, default=5, metavar="REPS",
                    help="timed repetitions per implementation (default 5)")
    ap.add_argument("-f", metavar="FILTER", default=None,
                    help="run only benchmarks whose name matches this regex")
    ap.add_argument("--quick", action="store_true",
                    help="one short benchmark, one repetition (smoke test)")
    opts = ap.parse_args()

    ucaml = ucaml_command()
    ocamlrun = shlex.split(os.environ.get("OCAMLRUN", "ocamlrun"))
    cache = os.environ.get("BENCH_CACHE", os.path.join(BENCH_DIR, "_build"))
    timeout = float(os.environ.get("BENCH_TIMEOUT", "300"))
    for tool in ("ocamlc", "ocamlopt", ocamlrun[0]):
        if shutil.which(tool) is None:
            die("%s not found (apt-get install ocaml-nox)" % tool)
    ver = subprocess.run(["ocamlc", "-version"], stdout=subprocess.PIPE,
                         text=True).stdout.strip()
    if ver != "4.13.1":
        log("bench: warning: ocamlc is %s, expected 4.13.1" % ver)

    if opts.quick:
        benches, reps = [QUICK], 1
    else:
        benches, reps = BENCHMARKS, opts.n
        if opts.f:
            benches = [b for b in benches if re.search(opts.f, b[0])]
            if not benches:
                die("no benchmark matches %r" % opts.f)
    ts = None
    if any(b[1] == "ts" for b in benches):
        ts = testsuite_dir(cache)

    env_plain = dict(os.environ)
    env_plain.pop("UCAML_STATS", None)
    env_stats = dict(env_plain, UCAML_STATS="1")

    if not os.path.exists(TIME):
        if os.geteuid() == 0:
            subprocess.call(["sh", "-c", "apt-get install -y time || "
                             "(apt-get update && apt-get install -y time)"])
        if not os.path.exists(TIME):
            die("%s not found; install it with:\n  sudo apt-get install time"
                % TIME)
    os.makedirs(cache, exist_ok=True)
    rss_file = os.path.join(cache, "rss.txt")

    rows, failed = [], []
    for b in benches:
        name, args, runs = b[0], b[3], b[4]
        byte, native = build(b, cache, ts)
        cmds = {"ucaml": ucaml + [byte] + args,
                "ocamlrun": ocamlrun + [byte] + args,
                "native": [native] + args}
        log("bench: %s %s" % (name, " ".join(args)))

        # Check run (untimed for the full suite): outputs must agree.
        _, _, st_ref, out_ref, _ = run_once(cmds["ocamlrun"], env_plain,
                                                True, timeout)
        if st_ref != 0:
            die("%s fails under ocamlrun (status %d)" % (name, st_ref))
        _, _, st_u, out_u, err_u = run_once(cmds["ucaml"], env_stats,
                                              True, timeout)
        why = None
        if st_u != 0:
            why = "exit status %d" % st_u
        elif out_u != out_ref:
            why = "output differs from ocamlrun"
            ra, ua = out_ref.splitlines(), out_u.splitlines()
            n = min(len(ra), len(ua))
            i = next((i for i in range(n) if ra[i] != ua[i]), n)
            log("bench: first difference at line %d:\n  ocamlrun: %r\n"
                "  ucaml:    %r" % (i + 1,
                                   ra[i][:200] if i < len(ra) else b"<eof>",
                                   ua[i][:200] if i < len(ua) else b"<eof>"))
        _, _, st_n, out_n, _ = run_once(cmds["native"], env_plain, True,
                                        timeout)
        if st_n != 0 or out_n != out_ref:
            log("bench: note: %s native output differs from ocamlrun" % name)
        hw = None
        m = re.search(rb"ucaml-stats:.*heap_high_water_bytes=(\d+)", err_u)
        if m:
            hw = int(m.group(1)) // 1024
        if why:
            log("bench: %s FAILED: %s" % (name, why))
            failed.append(name)
            if err_u:
                log(err_u.decode(errors="replace")[-2000:])

        # Timed runs, implementations alternating, order rotated per rep.
        order = ["ucaml", "ocamlrun", "native"]
        if why:
            order.remove("ucaml")
        times = {k: [] for k in order}
        rss = {k: 0 for k in order}
        for rep in range(reps):
            rot = order[rep % len(order):] + order[:rep % len(order)]
            for impl in rot:
                t, r, ok = measure(cmds[impl], runs, env_plain, timeout,
                                   rss_file)
                if not ok:
                    die("%s: %s failed during timing" % (name, impl))
                times[impl].append(t)
                rss[impl] = max(rss[impl], r)
        med = {k: statistics.median(v) if v else None
               for k, v in times.items()}
        rows.append({
            "name": name, "size": b[5],
            "ocamlrun": med.get("ocamlrun"),
            "ucaml": med.get("ucaml"),
            "native": med.get("native"),
            "failed": why,
            "rss_o": rss.get("ocamlrun"),
            "rss_u": rss.get("ucaml"),
            "hw": hw,
            "xt": xtensa_cycles(byte, args),
        })

    print("ucaml: `%s`, reference: `%s`, %d timed repetition(s), "
          "machine: %s, %s" % (" ".join(ucaml), " ".join(ocamlrun), reps,
                               machine(), time.strftime("%Y-%m-%d")))
    print()
    print("| benchmark | size parameter | ocamlrun s | ucaml s | native s "
          "| ucaml/ocamlrun | ucaml/native | RSS ocamlrun KB | RSS ucaml KB "
          "| ucaml heap high-water KB | Xtensa cycles |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    r_o, r_n = [], []
    for r in rows:
        u = "FAILED" if r["failed"] else fmt_s(r["ucaml"])
        if not r["failed"]:
            if r["ucaml"] and r["ocamlrun"]:
                r_o.append(r["ucaml"] / r["ocamlrun"])
            if r["ucaml"] and r["native"]:
                r_n.append(r["ucaml"] / r["native"])
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["name"], r["size"], fmt_s(r["ocamlrun"]), u,
            fmt_s(r["native"]),
            "-" if r["failed"] else fmt_ratio(r["ucaml"], r["ocamlrun"]),
            "-" if r["failed"] else fmt_ratio(r["ucaml"], r["native"]),
            r["rss_o"] or "-", "-" if r["failed"] else (r["rss_u"] or "-"),
            r["hw"] if r["hw"] is not None else "-",
            r["xt"] if r["xt"] is not None else "-"))
    g_o, g_n = geomean(r_o), geomean(r_n)
    print()
    print("Geometric mean ucaml/ocamlrun: %s; ucaml/native: %s "
          "(over %d benchmark(s)); failed: %s" % (
              "%.2f" % g_o if g_o else "-", "%.2f" % g_n if g_n else "-",
              len(r_o), ", ".join(failed) if failed else "none"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
