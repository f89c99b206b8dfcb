#!/usr/bin/env python3
"""Reference runner: runs a WASI command module under wasmtime-py
(`pip install wasmtime`) with the same options `detwasm run` takes, so the
expected outputs in expected/ can be regenerated and cross-checked.

  ref_run.py [--dir HOST[::GUEST]]... [--env K=V]... [--stdin FILE]
             [--fs-out DIR] [--stdout FILE] [--stderr FILE] [--fuel]
             MODULE [ARGS...]

Like detwasm, the host directory is never written: each --dir is copied to a
temporary directory first, and --fs-out DIR receives the final tree(s)
(one subdirectory per mount, named after the guest path without '/').
argv[0] is the module's file name, as wasmtime's CLI sets it.
Exit status: the guest's exit code (a trap prints its message and gives 134).
"""
import argparse, os, shutil, sys, tempfile
import wasmtime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", action="append", default=[])
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--stdin")
    ap.add_argument("--fs-out")
    ap.add_argument("--stdout")
    ap.add_argument("--stderr")
    ap.add_argument("--fuel", action="store_true",
                    help="count wasm operators executed (wasmtime fuel) and print it to stderr")
    ap.add_argument("module")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    o = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="ref_run.")
    try:
        config = wasmtime.Config()
        config.consume_fuel = o.fuel
        engine = wasmtime.Engine(config)
        store = wasmtime.Store(engine)
        if o.fuel:
            store.set_fuel(2**62)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        cfg = wasmtime.WasiConfig()
        cfg.argv = [os.path.basename(o.module)] + o.args
        cfg.env = [tuple(kv.split("=", 1)) for kv in o.env]
        mounts = []
        for i, d in enumerate(o.dir):
            host, _, guest = d.partition("::")
            guest = guest or host
            copy = os.path.join(tmp, "mnt%d" % i)
            shutil.copytree(host, copy, symlinks=True)
            cfg.preopen_dir(copy, guest)
            mounts.append((copy, guest))
        if o.stdin:
            cfg.stdin_file = o.stdin
        out = o.stdout or os.path.join(tmp, "stdout")
        err = o.stderr or os.path.join(tmp, "stderr")
        cfg.stdout_file = out
        cfg.stderr_file = err
        store.set_wasi(cfg)
        module = wasmtime.Module.from_file(engine, o.module)
        inst = linker.instantiate(store, module)
        code = 0
        try:
            inst.exports(store)["_start"](store)
        except wasmtime.ExitTrap as e:
            code = e.code
        except wasmtime.Trap as e:
            print("trap: %s" % e, file=sys.stderr)
            code = 134
        if o.fuel:
            print("ref_run: fuel consumed %d" % (2**62 - store.get_fuel()), file=sys.stderr)
        if not o.stdout:
            sys.stdout.write(open(out, errors="replace").read())
        if not o.stderr:
            sys.stderr.write(open(err, errors="replace").read())
        if o.fs_out:
            for copy, guest in mounts:
                dst = os.path.join(o.fs_out, guest.strip("/").replace("/", "_") or "root")
                shutil.rmtree(dst, ignore_errors=True)
                shutil.copytree(copy, dst, symlinks=True)
        return code
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
