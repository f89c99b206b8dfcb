#!/usr/bin/env python3
"""Differential WASI test: every case of cases.json runs under detwasm (the
binary given with --detwasm) and under wasmtime (wasmtime-py, through
ref_run.py, on a temporary copy of each --dir), and the two must agree on exit
code, stdout, stderr and the final tree of every mount (paths, types, file
bytes, symlink targets; not times, which come from detwasm's virtual clock).

The only differences allowed are those listed, each with its reason, in
wasi_differences.json: lines that depend on the clock or the random stream,
and the order of directory listings. Everything else that differs is printed
and makes the exit status 1.

Usage: wasi_diff.py --detwasm PATH [CASE...]   (run with a python that has
`wasmtime` installed; tests/wasi_differential.rs sets one up)
"""
import argparse, json, os, re, subprocess, sys, tempfile

from regen_expected import fs_manifest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def manifest(top, guest):
    """The tree under `top` as lines `GUEST/path dir|file SIZE SHA256|symlink -> T`,
    in regen_expected.py's format (and order)."""
    return ["%s/%s" % (guest.rstrip("/"), line) for line in fs_manifest(top)]


def normalize(case, text, rules):
    for r in rules:
        if r["case"] != case:
            continue
        if "drop_lines" in r:
            pat = re.compile(r["drop_lines"])
            text = "".join(l for l in text.splitlines(True) if not pat.search(l))
        if "sort_words_after" in r:
            prefix = r["sort_words_after"]
            def sort_words(m):
                return prefix + " ".join(sorted(m.group(1).split(), key=os.fsencode))
            text = re.sub("(?m)^" + re.escape(prefix) + "(.*)$", sort_words, text)
    return text


def run(case, engine, detwasm, tmp):
    """Runs `case` under `engine` ("detwasm" or "wasmtime"); returns
    (exit code, stdout, stderr, tree lines)."""
    out_dir = os.path.join(tmp, engine + "-fs")
    stdout_path = os.path.join(tmp, engine + "-stdout")
    stderr_path = os.path.join(tmp, engine + "-stderr")
    if engine == "wasmtime":
        cmd = [sys.executable, os.path.join(HERE, "ref_run.py")]
    else:
        cmd = [detwasm, "run"]
    for d in case.get("dirs", []):
        cmd += ["--dir", d]
    for e in case.get("env", []):
        cmd += ["--env", e]
    if "stdin" in case:
        cmd += ["--stdin", case["stdin"]]
    elif engine == "detwasm":
        cmd += ["--stdin", "none"]
    cmd += ["--fs-out", out_dir]
    if engine == "wasmtime":
        cmd += ["--stdout", stdout_path, "--stderr", stderr_path]
    cmd += [case["module"]] + case.get("args", [])
    if engine == "detwasm":
        with open(stdout_path, "wb") as so, open(stderr_path, "wb") as se:
            code = subprocess.run(cmd, cwd=ROOT, stdout=so, stderr=se,
                                  stdin=subprocess.DEVNULL).returncode
    else:
        code = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL).returncode
    stdout = open(stdout_path, "rb").read().decode("utf-8", "replace")
    stderr = open(stderr_path, "rb").read().decode("utf-8", "replace")
    tree = []
    for d in case.get("dirs", []):
        guest = d.partition("::")[2] or d
        sub = guest.strip("/").replace("/", "_") or "root"
        tree += manifest(os.path.join(out_dir, sub), guest)
    return code, stdout, stderr, tree


def first_difference(a, b):
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return "line %d:\n    detwasm:  %r\n    wasmtime: %r" % (i + 1, x, y)
    return "line %d: one output ends (detwasm %d lines, wasmtime %d lines)" % (
        min(len(la), len(lb)) + 1, len(la), len(lb))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--detwasm", required=True)
    ap.add_argument("cases", nargs="*")
    o = ap.parse_args()
    cases = json.load(open(os.path.join(HERE, "cases.json")))["cases"]
    rules = json.load(open(os.path.join(HERE, "wasi_differences.json")))["allowed"]
    known = {c["name"] for c in cases}
    for r in rules:
        if r["case"] not in known:
            sys.exit("wasi_differences.json names an unknown case %r" % r["case"])
        if not r.get("reason"):
            sys.exit("wasi_differences.json: a rule for %r has no reason" % r["case"])
    failures = 0
    ran = 0
    for c in cases:
        if o.cases and c["name"] not in o.cases:
            continue
        ran += 1
        with tempfile.TemporaryDirectory(prefix="wasi_diff.") as tmp:
            d = run(c, "detwasm", o.detwasm, tmp)
            w = run(c, "wasmtime", o.detwasm, tmp)
        problems = []
        if d[0] != w[0]:
            problems.append("exit code: detwasm %d, wasmtime %d" % (d[0], w[0]))
        for i, what in ((1, "stdout"), (2, "stderr")):
            a, b = normalize(c["name"], d[i], rules), normalize(c["name"], w[i], rules)
            if a != b:
                problems.append("%s differs at %s" % (what, first_difference(a, b)))
        if d[3] != w[3]:
            only_d = sorted(set(d[3]) - set(w[3]), key=os.fsencode)
            only_w = sorted(set(w[3]) - set(d[3]), key=os.fsencode)
            problems.append("final tree differs:\n    only detwasm:  %s\n    only wasmtime: %s"
                            % (only_d[:5], only_w[:5]))
        status = "ok" if not problems else "DIFFERENT"
        print("%-16s %s  (exit %d, stdout %d bytes, %d tree entries)"
              % (c["name"], status, d[0], len(d[1]), len(d[3])))
        for p in problems:
            print("  " + p)
        failures += bool(problems)
    print("%d passed, %d failed" % (ran - failures, failures))
    return 1 if failures or not ran else 0


if __name__ == "__main__":
    sys.exit(main())
