#!/usr/bin/env python3
"""Independent checker of detwasm trace files, written from SPEC.md §Trace alone.

It shares no code with detwasm (Python standard library only: hashlib, struct).
For every trace it parses each event field by field, re-encodes the event from the
parsed fields and requires the same bytes, recomputes the hash chain and checks the
trailer's count and hash. For a vector directory it also checks the trace against
expected/result.txt (trace hash, event counts, gas, outcome and digests) and that
expected/stdout and expected/stderr hash to the end event's digests.
For a vectors directory it also rebuilds both schedule listings from SPEC.md alone
(SPEC.md §Gas, schedule listing; §Host gas and §Host imports) and requires their
SHA-256 to equal every start event's gas_schedule_sha256 / host_schedule_sha256 and
the committed gas_schedule.txt / host_schedule.txt.

Usage:
    check_trace.py VECTORS_DIR      check every vector that stores a trace.bin
    check_trace.py FILE.bin ...     check trace files; print each trace hash
Exit status 0 when everything agrees, 1 otherwise.
"""
import hashlib
import os
import struct
import sys

MAGIC = b"dwtrace\x00"
VERSION = 2
DOMAIN = b"detwasm/trace"
KIND_START, KIND_HOST_CALL, KIND_END, KIND_CHECKPOINT = 1, 2, 3, 4
TRAP_NAMES = {
    1: "unreachable", 2: "integer_overflow", 3: "integer_divide_by_zero",
    4: "invalid_conversion_to_integer", 5: "memory_out_of_bounds",
    6: "table_out_of_bounds", 7: "undefined_element", 8: "uninitialized_element",
    9: "indirect_call_type_mismatch", 10: "call_stack_exhausted",
    11: "value_stack_exhausted", 12: "out_of_gas", 13: "uncaught_exception",
    14: "host_error", 15: "null_reference", 16: "exit", 17: "internal",
    18: "exception_limit",
}
VALTYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64",
            0x70: "funcref", 0x6F: "externref", 0x69: "exnref"}


class Bad(Exception):
    pass


class Reader:
    def __init__(self, data, base=0):
        self.data, self.pos, self.base = data, 0, base

    def take(self, n, what):
        if n > len(self.data) - self.pos:
            raise Bad(f"truncated: {what} at byte {self.base + self.pos}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self, what): return self.take(1, what)[0]
    def u32(self, what): return struct.unpack("<I", self.take(4, what))[0]
    def i32(self, what): return struct.unpack("<i", self.take(4, what))[0]
    def u64(self, what): return struct.unpack("<Q", self.take(8, what))[0]
    def digest(self, what): return self.take(32, what)

    def bool(self, what):
        b = self.u8(what)
        if b > 1:
            raise Bad(f"{what}: {b} is not a bool")
        return b

    def count(self, what, min_item):
        n = self.u64(what)
        if n * min_item > len(self.data) - self.pos:
            raise Bad(f"truncated: {what} count {n} exceeds the input")
        return n

    def bytes(self, what):
        return self.take(self.count(what, 1), what)

    def str(self, what):
        b = self.bytes(what)
        try:
            return b.decode("utf-8")
        except UnicodeDecodeError:
            raise Bad(f"{what} is not UTF-8")

    def value(self, what):
        t = self.u8(what)
        if t not in VALTYPES:
            raise Bad(f"{what}: unknown value type {t:#x}")
        bits = self.u64(what)
        if t in (0x7F, 0x7D) and bits >> 32:
            raise Bad(f"{what}: 32-bit value with high bits")
        if t == 0x70 and bits > 1 << 32:
            raise Bad(f"{what}: funcref beyond any function index space")
        if t == 0x69 and bits > 1:
            raise Bad(f"{what}: exnref other than 0 or 1")
        return (t, bits)

    def values(self, what):
        return [self.value(what) for _ in range(self.count(what, 9))]

    def done(self):
        return self.pos == len(self.data)


class Writer:
    def __init__(self):
        self.out = bytearray()

    def u8(self, v): self.out += struct.pack("<B", v)
    def u32(self, v): self.out += struct.pack("<I", v)
    def i32(self, v): self.out += struct.pack("<i", v)
    def u64(self, v): self.out += struct.pack("<Q", v)
    def digest(self, d): self.out += d
    def bytes(self, b): self.u64(len(b)); self.out += b
    def str(self, s): self.bytes(s.encode("utf-8"))
    def value(self, v): self.u8(v[0]); self.u64(v[1])

    def values(self, vs):
        self.u64(len(vs))
        for v in vs:
            self.value(v)


# ---- events: parse into dicts, re-encode from the dicts -------------------------

def parse_start(r):
    e = {"kind": "start"}
    e["format_version"] = r.u32("format_version")
    e["module_sha256"] = r.digest("module_sha256")
    e["entry"] = r.str("entry")
    e["entry_args"] = r.values("entry_args")
    e["gas_limit"] = r.u64("gas_limit")
    e["gas_metering"] = r.bool("gas_metering")
    e["gas_schedule_version"] = r.u32("gas_schedule_version")
    e["gas_schedule_sha256"] = r.digest("gas_schedule_sha256")
    e["host_schedule_version"] = r.u32("host_schedule_version")
    e["host_schedule_sha256"] = r.digest("host_schedule_sha256")
    e["seed"] = r.u64("seed")
    e["clock_start_ns"] = r.u64("clock_start_ns")
    e["clock_step_ns"] = r.u64("clock_step_ns")
    e["args"] = [r.str("arg") for _ in range(r.count("args", 8))]
    e["env"] = [(r.str("env name"), r.str("env value")) for _ in range(r.count("env", 16))]
    e["stdin_len"] = r.u64("stdin_len")
    e["stdin_sha256"] = r.digest("stdin_sha256")
    e["fs_sha256"] = r.digest("fs_sha256")
    e["max_file_bytes"] = r.u64("max_file_bytes")
    e["max_fs_bytes"] = r.u64("max_fs_bytes")
    e["limits"] = [r.u64("limit") for _ in range(20)]
    e["checkpoint_interval"] = r.u64("checkpoint_interval")
    return e


def encode_start(e):
    w = Writer()
    w.u32(e["format_version"]); w.digest(e["module_sha256"]); w.str(e["entry"])
    w.values(e["entry_args"]); w.u64(e["gas_limit"]); w.u8(e["gas_metering"])
    w.u32(e["gas_schedule_version"]); w.digest(e["gas_schedule_sha256"])
    w.u32(e["host_schedule_version"]); w.digest(e["host_schedule_sha256"])
    w.u64(e["seed"]); w.u64(e["clock_start_ns"]); w.u64(e["clock_step_ns"])
    w.u64(len(e["args"]))
    for a in e["args"]:
        w.str(a)
    w.u64(len(e["env"]))
    for k, v in e["env"]:
        w.str(k); w.str(v)
    w.u64(e["stdin_len"]); w.digest(e["stdin_sha256"]); w.digest(e["fs_sha256"])
    w.u64(e["max_file_bytes"]); w.u64(e["max_fs_bytes"])
    for l in e["limits"]:
        w.u64(l)
    w.u64(e["checkpoint_interval"])
    return bytes(w.out)


def parse_host_call(r):
    e = {"kind": "host_call"}
    e["module"] = r.str("module")
    e["name"] = r.str("name")
    e["args"] = r.values("args")
    e["results"] = r.values("results")
    e["trap_code"] = r.u8("trap_code")
    if e["trap_code"] != 0 and e["trap_code"] not in TRAP_NAMES:
        raise Bad(f"unknown trap code {e['trap_code']}")
    e["trap_status"] = r.i32("trap_status")
    e["writes"] = [(r.u32("address"), r.bytes("data")) for _ in range(r.count("writes", 12))]
    # Canonical write runs (SPEC.md §Trace events): non-empty, increasing addresses,
    # each starting after the previous run's end plus one (no overlap, no contact).
    end = None
    for i, (addr, data) in enumerate(e["writes"]):
        if not data or (end is not None and addr <= end):
            raise Bad(f"host call {e['name']}: write {i} at {addr} is not a canonical run")
        end = addr + len(data)
    e["reads_sha256"] = r.digest("reads_sha256")
    e["gas_charged"] = r.u64("gas_charged")
    e["gas_used"] = r.u64("gas_used")
    return e


def encode_host_call(e):
    w = Writer()
    w.str(e["module"]); w.str(e["name"]); w.values(e["args"]); w.values(e["results"])
    w.u8(e["trap_code"]); w.i32(e["trap_status"])
    w.u64(len(e["writes"]))
    for addr, data in e["writes"]:
        w.u32(addr); w.bytes(data)
    w.digest(e["reads_sha256"]); w.u64(e["gas_charged"]); w.u64(e["gas_used"])
    return bytes(w.out)


DIGESTS = ["memory_sha256", "globals_sha256", "tables_sha256", "fs_sha256",
           "stdout_sha256", "stderr_sha256"]


def parse_end(r):
    e = {"kind": "end"}
    k = r.u8("outcome")
    if k == 0:
        e["outcome"] = ("returned", r.values("results"))
    elif k == 1:
        e["outcome"] = ("exit", r.i32("status"))
    elif k == 2:
        code = r.u8("trap code")
        if code not in TRAP_NAMES or code == 16:
            raise Bad(f"end event trap code {code}")
        e["outcome"] = ("trap", (code, r.u32("function"), r.u32("offset")))
    else:
        raise Bad(f"unknown outcome kind {k}")
    e["gas_used"] = r.u64("gas_used")
    for d in DIGESTS:
        e[d] = r.digest(d)
    return e


def encode_end(e):
    w = Writer()
    kind, v = e["outcome"]
    if kind == "returned":
        w.u8(0); w.values(v)
    elif kind == "exit":
        w.u8(1); w.i32(v)
    else:
        w.u8(2); w.u8(v[0]); w.u32(v[1]); w.u32(v[2])
    w.u64(e["gas_used"])
    for d in DIGESTS:
        w.digest(e[d])
    return bytes(w.out)


def parse_checkpoint(r):
    return {"kind": "checkpoint", "index": r.u64("index"), "gas_used": r.u64("gas_used"),
            "func_index": r.u32("func_index"), "offset": r.u32("offset"),
            "state_sha256": r.digest("state_sha256")}


def encode_checkpoint(e):
    w = Writer()
    w.u64(e["index"]); w.u64(e["gas_used"]); w.u32(e["func_index"]); w.u32(e["offset"])
    w.digest(e["state_sha256"])
    return bytes(w.out)


PARSERS = {KIND_START: (parse_start, encode_start),
           KIND_HOST_CALL: (parse_host_call, encode_host_call),
           KIND_END: (parse_end, encode_end),
           KIND_CHECKPOINT: (parse_checkpoint, encode_checkpoint)}


def check_file(data):
    """Checks one trace file; returns (events, trace hash hex)."""
    r = Reader(data)
    if r.take(8, "magic") != MAGIC:
        raise Bad("bad magic")
    version = r.u32("version")
    if version != VERSION:
        raise Bad(f"unsupported version {version}")
    h = hashlib.sha256(DOMAIN + struct.pack("<I", version)).digest()
    events = []
    while True:
        kind = r.u8("event kind")
        if kind == 0:
            break
        length = r.u64("payload length")
        at = r.base + r.pos
        payload = r.take(length, "payload")
        h = hashlib.sha256(h + struct.pack("<BQ", kind, length) + payload).digest()
        if kind in PARSERS:
            parse, encode = PARSERS[kind]
            pr = Reader(payload, at)
            e = parse(pr)
            if not pr.done():
                raise Bad(f"event {len(events)}: {len(payload) - pr.pos} extra payload bytes")
            if encode(e) != payload:
                raise Bad(f"event {len(events)}: re-encoding differs from the file")
        else:
            e = {"kind": f"unknown({kind})"}
        events.append(e)
    count = r.u64("trailer count")
    recorded = r.digest("trailer hash")
    if not r.done():
        raise Bad("bytes after the trailer")
    if count != len(events):
        raise Bad(f"trailer count {count}, {len(events)} events")
    if recorded != h:
        raise Bad(f"hash mismatch: trailer {recorded.hex()}, chain {h.hex()}")
    kinds = [e["kind"] for e in events]
    if len(kinds) < 2 or kinds[0] != "start" or kinds[-1] != "end" \
            or "start" in kinds[1:] or "end" in kinds[:-1]:
        raise Bad(f"bad event order: {kinds[:3]}...{kinds[-2:]}")
    if events[0]["format_version"] != version:
        raise Bad("start event version differs from the header")
    if events[0]["checkpoint_interval"] == 0 and "checkpoint" in kinds:
        raise Bad("a checkpoint event in a trace whose checkpoint interval is 0")
    return events, h.hex()


# ---- vectors: compare with expected/result.txt ---------------------------------

def value_text(v):
    t, bits = v
    name = VALTYPES[t]
    if name == "i32":
        return f"i32:{bits - (1 << 32) if bits >> 31 else bits}"
    if name == "i64":
        return f"i64:{bits - (1 << 64) if bits >> 63 else bits}"
    if name == "f32":
        return f"f32:{bits:#010x}"
    if name == "f64":
        return f"f64:{bits:#018x}"
    return f"{name}:null" if bits == 0 else f"{name}:{bits - 1}"


def outcome_text(o):
    kind, v = o
    if kind == "returned":
        return " ".join(["returned"] + [value_text(x) for x in v])
    if kind == "exit":
        return f"exit {v}"
    code, func, _ = v
    return f"trap {TRAP_NAMES[code]} func {'none' if func == 0xFFFFFFFF else func}"


def read_kv(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k.strip()] = v[1:] if v.startswith(" ") else v
    return out


def spec_text():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "SPEC.md")
    with open(path, encoding="utf-8") as f:
        return f.read()


def spec_section(spec, heading):
    """The text of the section that starts with the line `heading`, up to the next
    heading of any level."""
    start = spec.index("\n" + heading + "\n") + len(heading) + 2
    rest = spec[start:]
    end = min((i for i in (rest.find("\n#"),) if i >= 0), default=len(rest))
    return rest[:end]


def gas_listing_from_spec(spec):
    """SPEC.md §Gas, schedule listing: the gas-schedule block with class names
    replaced by their costs."""
    start = spec.index("```gas-schedule\n") + len("```gas-schedule\n")
    block = spec[start:spec.index("```", start)]
    cost = {}
    out = []
    for line in block.splitlines():
        w = line.split(" ")
        if w[0] == "version":
            out.append("detwasm gas schedule " + w[1])
        elif w[0] == "class":
            cost[w[1]] = w[2]
            out.append(line)
        elif w[0] == "op":
            out.append("op %s %s" % (w[1], cost[w[2]]))
        else:
            out.append(line)
    return "".join(l + "\n" for l in out)


def host_listing_from_spec(spec):
    """SPEC.md §Trace digests: `detwasm host schedule V`, each §Host gas constant as
    `NAME VALUE` in table order, then `func NAME BASE` for each function of §Host
    imports in byte order of names (PATH_CALL_BASE for path_*, else CALL_BASE)."""
    gas = spec_section(spec, "### §Host gas")
    version = gas.split("host schedule version ", 1)[1].split(")", 1)[0]
    consts = []
    for line in gas.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[1].isdigit():
            consts.append((cells[0].strip("`"), int(cells[1])))
    imports = spec_section(spec, "### §Host imports")
    funcs = set()
    for line in imports.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for i in (0, 2):
            if i < len(cells) and cells[i].startswith("`"):
                funcs.add(cells[i].strip("`"))
    base = dict(consts)
    out = ["detwasm host schedule " + version]
    out += ["%s %d" % c for c in consts]
    for name in sorted(funcs, key=lambda n: n.encode()):
        cost = base["PATH_CALL_BASE"] if name.startswith("path_") else base["CALL_BASE"]
        out.append("func %s %d" % (name, cost))
    if len(funcs) != 45:
        raise Bad("SPEC.md §Host imports lists %d functions, not 45" % len(funcs))
    return "".join(l + "\n" for l in out)


def check_schedules(root, traces):
    """The listings rebuilt from SPEC.md against the committed files and every
    start event."""
    spec = spec_text()
    for name, listing, field in (
        ("gas_schedule.txt", gas_listing_from_spec(spec), "gas_schedule_sha256"),
        ("host_schedule.txt", host_listing_from_spec(spec), "host_schedule_sha256"),
    ):
        digest = hashlib.sha256(listing.encode("ascii")).digest()
        with open(os.path.join(root, name), "rb") as f:
            if f.read() != listing.encode("ascii"):
                raise Bad(f"{name} differs from the listing rebuilt from SPEC.md")
        for vname, start in traces:
            if start[field] != digest:
                raise Bad(f"{vname}: {field} is not the hash of the listing rebuilt from SPEC.md")
        print(f"ok {name} rebuilt from SPEC.md: {digest.hex()}")


def check_vector(vdir):
    with open(os.path.join(vdir, "trace.bin"), "rb") as f:
        events, hexhash = check_file(f.read())
    exp = read_kv(os.path.join(vdir, "expected", "result.txt"))
    end = events[-1]
    got = {
        "trace_hash": hexhash,
        "events": str(len(events)),
        "host_calls": str(sum(1 for e in events if e["kind"] == "host_call")),
        "gas_used": str(end["gas_used"]),
        "outcome": outcome_text(end["outcome"]),
    }
    for d in DIGESTS:
        got[d] = end[d].hex()
    for k, v in got.items():
        if exp.get(k) != v:
            raise Bad(f"{k}: expected/result.txt says {exp.get(k)!r}, the trace says {v!r}")
    for stream in ("stdout", "stderr"):
        with open(os.path.join(vdir, "expected", stream), "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != got[stream + "_sha256"]:
                raise Bad(f"expected/{stream} does not hash to the end event's digest")
    return hexhash, events[0]


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    failed = 0
    if len(argv) == 2 and os.path.isdir(argv[1]):
        root = argv[1]
        starts = []
        for name in sorted(os.listdir(root)):
            vdir = os.path.join(root, name)
            if not os.path.isfile(os.path.join(vdir, "trace.bin")):
                if os.path.isfile(os.path.join(vdir, "run.conf")):
                    print(f"skip {name}: no trace.bin (hash-only vector)")
                continue
            try:
                hexhash, start = check_vector(vdir)
                starts.append((name, start))
                print(f"ok {name} {hexhash}")
            except (Bad, OSError, KeyError) as e:
                failed += 1
                print(f"FAIL {name}: {e}")
        try:
            check_schedules(root, starts)
        except (Bad, OSError, KeyError, ValueError, IndexError) as e:
            failed += 1
            print(f"FAIL schedules: {e}")
    else:
        for path in argv[1:]:
            try:
                with open(path, "rb") as f:
                    print(f"ok {path} {check_file(f.read())[1]}")
            except (Bad, OSError) as e:
                failed += 1
                print(f"FAIL {path}: {e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
