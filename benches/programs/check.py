#!/usr/bin/env python3
"""Checks the benchmark programs' results in detwasm against native code.

For each program listed in CALLS, compiles its C source natively with gcc
(check_native.c, with -ffp-contract=off so that floats round as in wasm), runs
the listed calls natively and in detwasm (`detwasm run --invoke`), and checks
that both agree (f64 results by bits) and, where check_native.c has an
independent reference implementation, that it agrees too. Prints a markdown
table of the results per program, as in README.md.

Usage: check.py [DETWASM]   (default: target/release/detwasm, or $CARGO_TARGET_DIR)
Needs gcc and a built detwasm (cargo build --release). fib, sha256 and matmul are
checked by README.md's other means and not listed here.
"""

import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

CALLS = {
    "nbody": [("nbody", n) for n in (0, 1, 10, 100, 1000)],
    "sieve": [("sieve", n) for n in (-1, 0, 2, 3, 100, 1000, 150000, 1000000, 4194304, 4194305)],
    "lz": [("lz_ratio", 0), ("lz_ratio", 1)] + [("lz_bench", n) for n in (0, 1, 2, 10)],
    "vm": [("vm_collatz", n) for n in (0, 1, 10, 100, 150, 1000)] + [("vm_steps", n) for n in (10, 150)],
    "hashtab": [("hashtab", n) for n in (-1, 0, 1, 100, 25000, 32768, 32769)],
    "sort": [("sort_bench", n) for n in (-1, 0, 1, 10, 1000, 10000, 65536, 65537)],
}


def f64_bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def main():
    if len(sys.argv) > 1:
        detwasm = sys.argv[1]
    else:
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(HERE, "..", "..", "target"))
        detwasm = os.path.join(target, "release", "detwasm")
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for program, calls in CALLS.items():
            exe = os.path.join(tmp, program)
            subprocess.run(
                ["gcc", "-O2", "-ffp-contract=off", "-Wall", "-Wno-attributes",
                 f"-DPROG_{program}", "-o", exe, os.path.join(HERE, "check_native.c"), "-lm"],
                check=True,
            )
            args = [str(a) for call in calls for a in call]
            lines = subprocess.run([exe] + args, check=True, capture_output=True,
                                   text=True).stdout.splitlines()
            native = {}
            reference = {}
            for line in lines:
                fields = line.split()
                if fields[0] == "ref":
                    reference[(fields[1], int(fields[2]))] = int(fields[4])
                elif fields[2] == "f64":
                    native[(fields[0], int(fields[1]))] = f64_bits(float.fromhex(fields[3]))
                else:
                    native[(fields[0], int(fields[1]))] = int(fields[3])
            print(f"### {program}.wasm\n")
            print("| call | result |\n|---|---|")
            for export, arg in calls:
                out = subprocess.run(
                    [detwasm, "run", "--invoke", export, os.path.join(HERE, f"{program}.wasm"), str(arg)],
                    check=True, capture_output=True, text=True,
                ).stdout.strip()
                want = native[(export, arg)]
                got = f64_bits(float(out)) if "." in out or "e" in out or "inf" in out else int(out)
                ok = got == want
                if (export, arg) in reference and reference[(export, arg)] != want:
                    ok = False
                note = "" if ok else f" MISMATCH: native {want}, reference {reference.get((export, arg))}"
                failures += not ok
                print(f"| `{export}({arg})` | {out} |{note}")
            print()
    if failures:
        print(f"{failures} mismatches", file=sys.stderr)
        sys.exit(1)
    print("all results agree with native code and the references", file=sys.stderr)


if __name__ == "__main__":
    main()
