//! The hostile-input suite (issue 13, item 4): modules generated at the extremes of
//! every SPEC.md §Limits field and just past them, deep nesting, a huge `br_table`, many
//! locals, 64k functions, memory and table bombs, bulk-memory operations of 4 GiB,
//! element segments of 10^6 items, 50k-entry directories, symlink loops, hostile WASI
//! pointers and lengths, and truncated or byte-flipped modules and traces.
//!
//! Every case must end with a clean error, trap or result (never a panic, an abort or
//! an internal error) within 2 seconds beyond the time of the gas it burns (and of
//! hashing its linear memory once, which the end-of-run state digest does) and within
//! 64 MiB beyond the guest's own memory (linear memory, one 8-byte slot per table
//! element and global, `MODULE_BYTE_FACTOR` bytes per module byte; see `guest_bytes`
//! and BENCHMARKS.md "Hostile inputs"), both through the library (`session::run`,
//! with and without the gas profile; the trace is always recorded) and through the
//! `detwasm` binary, with and without `--summary`, `--gas-profile` and `--trace`.
//! Library memory is the peak of the bytes the test thread holds allocated (a counting
//! global allocator); the binary's is its peak RSS from `wait4`, taken by a small
//! python3 parent (see `WAIT4_PY`). The time per gas unit
//! is calibrated in the same test run. Depends on detwasm, wat and python3 (for `wait4`).

// Test helpers fail loudly; the counting allocator needs `unsafe`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unsafe_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use detwasm::session::{self, RunConfig};
use detwasm::validate::ValidateErrorKind;
use detwasm::wasi::{fs::Dir, Preopen, WasiConfig};
use detwasm::{Config, Error, Extern, GlobalAddr, MemAddr, TableAddr, TrapCode};

// ---------------------------------------------------------------------------------
// Measuring: a per-thread counting allocator, child rusage, the gas-time calibration.

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{peak_heap, Counting};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: u64 = 1024 * 1024;
/// Host memory a case may use beyond its guest's memory.
const SLACK_BYTES: u64 = 64 * MIB;
/// Time a case may take beyond the time of the gas it burns.
const SLACK_TIME: Duration = Duration::from_secs(2);
/// How much slower than the calibration loop a gas unit may run (host calls, bulk
/// operations, a loaded machine with tests in parallel).
const GAS_TIME_FACTOR: f64 = 10.0;
/// A child still running after this long is killed and the case fails.
const WATCHDOG: Duration = Duration::from_secs(180);

/// Nanoseconds per gas unit, measured once per test run: the slower of a plain
/// instruction loop and a loop of cheap host calls, both through `session::run`.
fn ns_per_gas() -> f64 {
    static CAL: OnceLock<f64> = OnceLock::new();
    *CAL.get_or_init(|| {
        let instr = wat::parse_str(
            r#"(module (func (export "spin") (param i32) (result i32)
                (loop $l local.get 0 i32.const 1 i32.sub local.tee 0 br_if $l)
                local.get 0))"#,
        )
        .unwrap();
        let host = wat::parse_str(
            r#"(module (import "wasi_snapshot_preview1" "sched_yield" (func $y (result i32)))
                (func (export "spin") (param i32) (result i32)
                (loop $l call $y drop local.get 0 i32.const 1 i32.sub local.tee 0 br_if $l)
                local.get 0))"#,
        )
        .unwrap();
        let mut worst: f64 = 0.0;
        for (bytes, n) in [(instr, 20_000_000u32), (host, 200_000)] {
            let start = Instant::now();
            let out = session::run(&bytes, invoke_config("spin", &[&n.to_string()])).unwrap();
            let ns = start.elapsed().as_nanos() as f64 / out.gas_used as f64;
            worst = worst.max(ns);
        }
        eprintln!("calibration: {worst:.3} ns per gas unit");
        worst
    })
}

/// Nanoseconds per byte of SHA-256 over guest memory, measured once per test run: the
/// end-of-run state digest (SPEC.md §Trace digests) hashes every byte of every memory,
/// so a run's time includes it whatever gas it burns.
fn ns_per_hashed_byte() -> f64 {
    static CAL: OnceLock<f64> = OnceLock::new();
    *CAL.get_or_init(|| {
        use sha2::Digest;
        let block = vec![0u8; 64 * MIB as usize];
        let start = Instant::now();
        let d = sha2::Sha256::digest(&block);
        let ns = start.elapsed().as_nanos() as f64 / block.len() as f64;
        eprintln!("calibration: {ns:.3} ns per hashed byte ({:02x})", d[0]);
        ns
    })
}

/// Nanoseconds per byte of loading a module (validation, translation, instantiation),
/// measured once per test run on 100 000 one-instruction functions: the per-function
/// costs make it the slowest shape per byte, and the `max_funcs` case at its limit is
/// ten times as big. Without it, the time of a case that burns little gas on a huge
/// module would be bounded by the slack alone, which a loaded machine can exceed.
fn ns_per_module_byte() -> f64 {
    static CAL: OnceLock<f64> = OnceLock::new();
    *CAL.get_or_init(|| {
        const N: usize = 100_000;
        let bytes = Bin::new()
            .vec_section(1, 1, FT_I32)
            .vec_section(3, N as u64, &[0x00].repeat(N))
            .vec_section(7, 1, &export_f(0))
            .vec_section(10, N as u64, &BODY_ONE.repeat(N))
            .bytes();
        let start = Instant::now();
        let out = session::run(&bytes, invoke_config("f", &[])).unwrap();
        assert!(
            out.trap.is_none(),
            "calibration module trapped: {:?}",
            out.trap
        );
        let ns = start.elapsed().as_nanos() as f64 / bytes.len() as f64;
        eprintln!("calibration: {ns:.3} ns per module byte");
        ns
    })
}

/// The time a case burning `gas` with `guest` bytes of linear memory, on an input
/// (module or trace) of `input` bytes, may take: the slack, the calibrated time of its
/// gas, of hashing its memory once and of loading a module of its size, each times
/// `GAS_TIME_FACTOR`.
fn time_bound(gas: u64, guest_memory: u64, input: usize) -> Duration {
    let ns = gas as f64 * ns_per_gas()
        + guest_memory as f64 * ns_per_hashed_byte()
        + input as f64 * ns_per_module_byte();
    SLACK_TIME + Duration::from_secs_f64(ns * GAS_TIME_FACTOR * 1e-9)
}

fn invoke_config(name: &str, args: &[&str]) -> RunConfig {
    RunConfig {
        invoke: Some((
            name.to_string(),
            args.iter().map(|a| a.to_string()).collect(),
        )),
        wasi: WasiConfig {
            args: vec!["case.wasm".into()],
            ..WasiConfig::default()
        },
        ..RunConfig::default()
    }
}

/// What one run of the binary did.
#[derive(Debug)]
struct Child {
    code: Option<i32>,
    signal: Option<i32>,
    stdout: String,
    stderr: String,
    wall: Duration,
    peak_rss: u64,
}

/// A fresh temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("detwasm-hostile-{}-{n}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_string()
    }
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Spawns the binary and reports its exit status, peak RSS and wall time.
///
/// NOTE: Linux folds the high-water RSS of the address space a process replaces at
/// `exec` into that process's `ru_maxrss`. Spawned straight from this test process,
/// detwasm would be charged with the test's own RSS (hundreds of MiB once the big
/// modules are built). So a small python3 process forks, the fork execs detwasm, and
/// python reports `wait4`'s `ru_maxrss` of that child: the figure is detwasm's peak RSS
/// or python's (about 10 MiB) if that is larger, never less than detwasm's. The child
/// gets `SIGALRM` after the watchdog time (an `alarm` survives `exec`).
const WAIT4_PY: &str = r#"
import os, sys, time, signal
t = time.monotonic()
pid = os.fork()
if pid == 0:
    signal.alarm(int(sys.argv[2]))
    os.execv(sys.argv[3], sys.argv[3:])
_, status, ru = os.wait4(pid, 0)
w = time.monotonic() - t
with open(sys.argv[1], "w") as f:
    f.write(f"{os.waitstatus_to_exitcode(status)} {ru.ru_maxrss} {w}")
"#;

/// Runs the binary with `args`, stdin from `stdin` (or empty), stdout and stderr to
/// files, and measures its wall time and peak RSS with `wait4` (see [`WAIT4_PY`]).
fn detwasm(args: &[String], stdin: Option<&str>, tmp: &TempDir) -> Child {
    let out_path = tmp.path("child.stdout");
    let err_path = tmp.path("child.stderr");
    let usage_path = tmp.path("child.usage");
    let _ = std::fs::remove_file(&usage_path);
    let stdin = match stdin {
        Some(p) => Stdio::from(std::fs::File::open(p).unwrap()),
        None => Stdio::null(),
    };
    let status = Command::new("python3")
        .arg("-c")
        .arg(WAIT4_PY)
        .arg(&usage_path)
        .arg(WATCHDOG.as_secs().to_string())
        .arg(env!("CARGO_BIN_EXE_detwasm"))
        .args(args)
        .env_clear()
        .stdin(stdin)
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .status()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&std::fs::read(&err_path).unwrap()).into_owned();
    assert!(status.success(), "the wait4 wrapper failed: {stderr}");
    let usage = std::fs::read_to_string(&usage_path).unwrap();
    let fields: Vec<&str> = usage.split(' ').collect();
    // python's exit code of the child: its status, or minus the signal that ended it.
    let status: i32 = fields[0].parse().unwrap();
    let (code, signal) = if status >= 0 {
        (Some(status), None)
    } else {
        (None, Some(-status))
    };
    Child {
        code,
        signal,
        stdout: String::from_utf8_lossy(&std::fs::read(&out_path).unwrap()).into_owned(),
        stderr,
        wall: Duration::from_secs_f64(fields[2].parse().unwrap()),
        // Linux reports ru_maxrss in KiB.
        peak_rss: fields[1].parse::<u64>().unwrap() * 1024,
    }
}

/// Fails on a panic, an abort, a signal or an internal error of the binary.
fn assert_clean_exit(what: &str, c: &Child) {
    assert!(c.signal.is_none(), "{what}: killed by signal: {c:?}");
    assert_ne!(c.code, Some(101), "{what}: panicked: {c:?}");
    assert_ne!(c.code, Some(70), "{what}: internal error: {c:?}");
    assert!(!c.stderr.contains("panicked at"), "{what}: panic: {c:?}");
    assert!(!c.stderr.contains("internal error"), "{what}: {c:?}");
}

// ---------------------------------------------------------------------------------
// Binary module encoding, for modules too large or too exact for WAT.

fn leb(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn sleb(mut v: i64, out: &mut Vec<u8>) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        out.push(if done { byte } else { byte | 0x80 });
        if done {
            return;
        }
    }
}

/// A module assembled section by section, in the order the sections are added.
#[derive(Default)]
struct Bin(Vec<u8>);

impl Bin {
    fn new() -> Bin {
        Bin(b"\0asm\x01\0\0\0".to_vec())
    }
    /// Appends section `id` holding `count` entries whose bytes are `entries`.
    fn vec_section(self, id: u8, count: u64, entries: &[u8]) -> Bin {
        let mut body = Vec::with_capacity(entries.len() + 5);
        leb(count, &mut body);
        body.extend_from_slice(entries);
        self.raw_section(id, &body)
    }
    fn raw_section(mut self, id: u8, body: &[u8]) -> Bin {
        self.0.push(id);
        leb(body.len() as u64, &mut self.0);
        self.0.extend_from_slice(body);
        self
    }
    fn bytes(self) -> Vec<u8> {
        self.0
    }
}

fn name(s: &str, out: &mut Vec<u8>) {
    leb(s.len() as u64, out);
    out.extend_from_slice(s.as_bytes());
}

/// The function type `() -> i32`.
const FT_I32: &[u8] = &[0x60, 0x00, 0x01, 0x7f];
/// The function type `() -> ()`.
const FT_VOID: &[u8] = &[0x60, 0x00, 0x00];
/// A body returning `i32.const 1`, with its size.
const BODY_ONE: &[u8] = &[0x04, 0x00, 0x41, 0x01, 0x0b];

/// An export section with one function export `"f"` of function `index`.
fn export_f(index: u64) -> Vec<u8> {
    let mut e = Vec::new();
    name("f", &mut e);
    e.push(0x00);
    leb(index, &mut e);
    e
}

/// The code section entry of a body with the given content (local declarations,
/// instructions, final `end`).
fn body(content: &[u8]) -> Vec<u8> {
    let mut b = Vec::with_capacity(content.len() + 5);
    leb(content.len() as u64, &mut b);
    b.extend_from_slice(content);
    b
}

/// One function `f: () -> i32` (type 0) returning `body_content`'s value, plus
/// whatever sections `middle` adds between the function and export sections, and
/// `tail` after the code section.
fn with_f(types: &[u8], type_count: u64, middle: impl FnOnce(Bin) -> Bin) -> Bin {
    let b = Bin::new()
        .vec_section(1, type_count, types)
        .vec_section(3, 1, &[0x00]);
    middle(b)
        .vec_section(7, 1, &export_f(0))
        .vec_section(10, 1, BODY_ONE)
}

// ---------------------------------------------------------------------------------
// Cases.

/// What a case must end with.
#[derive(Clone, Debug)]
enum Expect {
    /// Rejected by validation with a `Limit` error naming this field.
    Limit(&'static str),
    /// Trapped with this code.
    Trap(TrapCode),
    /// `--invoke` returned these values, as the binary prints them.
    Results(&'static [&'static str]),
    /// The WASI command exited with this status.
    Exit(i32),
}

/// One generated input and how to run it.
struct Case {
    name: String,
    wasm: Vec<u8>,
    /// Limits set by name (`Config::set_limit`, `--limit`), lowered where the default
    /// would make the input too big to build quickly.
    limits: Vec<(&'static str, u64)>,
    /// The export to invoke with its arguments; `None` runs `_start`.
    invoke: Option<(&'static str, Vec<String>)>,
    /// Gas limit; `None` is the binary's default (no limit in practice) and 2^64 - 1
    /// for the library.
    gas: Option<u64>,
    /// Preopen an empty directory at `/d` (fd 3).
    dir: bool,
    /// stdin bytes.
    stdin: Vec<u8>,
    expect: Expect,
}

impl Case {
    fn new(name: impl Into<String>, wasm: Vec<u8>, expect: Expect) -> Case {
        Case {
            name: name.into(),
            wasm,
            limits: Vec::new(),
            invoke: Some(("f", Vec::new())),
            gas: None,
            dir: false,
            stdin: Vec::new(),
            expect,
        }
    }
    fn wat(name: impl Into<String>, wat: &str, expect: Expect) -> Case {
        Case::new(name, wat::parse_str(wat).expect("case wat"), expect)
    }
    fn limit(mut self, field: &'static str, value: u64) -> Case {
        self.limits.push((field, value));
        self
    }
    fn invoke(mut self, export: &'static str, args: &[&str]) -> Case {
        self.invoke = Some((export, args.iter().map(|a| a.to_string()).collect()));
        self
    }
    fn start(mut self) -> Case {
        self.invoke = None;
        self
    }
    fn gas(mut self, gas: u64) -> Case {
        self.gas = Some(gas);
        self
    }
    fn dir(mut self) -> Case {
        self.dir = true;
        self
    }
    fn stdin(mut self, bytes: &[u8]) -> Case {
        self.stdin = bytes.to_vec();
        self
    }

    fn config(&self) -> RunConfig {
        let mut config = Config {
            gas_limit: self.gas.unwrap_or(u64::MAX),
            ..Config::default()
        };
        for (field, value) in &self.limits {
            config.set_limit(field, *value).unwrap();
        }
        let mut wasi = WasiConfig {
            args: vec!["case.wasm".into()],
            stdin: self.stdin.clone(),
            ..WasiConfig::default()
        };
        if self.dir {
            wasi.preopens.push(Preopen {
                guest_path: "/d".into(),
                tree: Dir::new(),
            });
        }
        RunConfig {
            config,
            wasi,
            invoke: self
                .invoke
                .as_ref()
                .map(|(n, a)| (n.to_string(), a.clone())),
            ..RunConfig::default()
        }
    }
}

/// What the library run measured, to bound the binary's runs of the same case.
struct LibRun {
    /// Time and memory bounds the runs broke (checked after every variant ran).
    over: Vec<String>,
    gas_used: u64,
    /// The guest's own memory (see `guest_bytes`).
    guest_bytes: u64,
    /// Its linear memory alone.
    linear_bytes: u64,
    worst_wall: Duration,
    worst_heap: u64,
}

/// Bytes of guest memory of a run, for the memory bound (`SLACK_BYTES` beyond it):
/// `.0` the linear memory (every memory's pages at the end, times 64 KiB), `.1` the
/// whole guest's own memory: the linear memory, plus one 8-byte slot (SPEC.md §Values)
/// per table element and per global, plus `MODULE_BYTE_FACTOR` bytes per byte of the
/// module (its translated code, element and data segments, types and names).
fn guest_bytes(out: &session::RunOutcome, module_len: usize) -> (u64, u64) {
    let linear: u64 = (0..)
        .map_while(|i| out.store.memory(MemAddr(i)))
        .map(|m| out.store.memory_data(m).unwrap_or_default())
        .map(|d| d.len() as u64)
        .sum();
    let tables: u64 = (0..)
        .map_while(|i| out.store.table(TableAddr(i)))
        .map(|t| out.store.table_elements(t).unwrap_or_default())
        .map(|t| t.len() as u64)
        .sum();
    let globals = (0..)
        .take_while(|i| out.store.global(GlobalAddr(*i)).is_some())
        .count() as u64;
    let module = module_len as u64 * MODULE_BYTE_FACTOR;
    (linear, linear + 8 * (tables + globals) + module)
}

/// Host bytes allowed per module byte. BENCHMARKS.md ("Module size and memory"):
/// about 12 bytes of `Module::new` peak per byte for real programs; the densest
/// module the limits allow, 10^6 empty functions in 6 MB, needs about 44 (each
/// function's compiled header, code and side table, and its store entry).
const MODULE_BYTE_FACTOR: u64 = 48;

/// Runs `case` through `session::run`, without and with the gas profile, and checks
/// its outcome, time and memory.
fn run_library(case: &Case) -> LibRun {
    let mut lib = LibRun {
        over: Vec::new(),
        gas_used: 0,
        guest_bytes: 0,
        linear_bytes: 0,
        worst_wall: Duration::ZERO,
        worst_heap: 0,
    };
    for profile in [false, true] {
        let mut rc = case.config();
        rc.gas_profile = profile;
        let what = format!("{} (library, gas profile {profile})", case.name);
        let start = Instant::now();
        let (result, heap) = peak_heap(|| session::run(&case.wasm, rc));
        let wall = start.elapsed();
        let (gas, guest) = match (&case.expect, result) {
            (Expect::Limit(field), Err(Error::Validate(e))) => {
                match &e.kind {
                    ValidateErrorKind::Limit { what: w, .. } => {
                        assert_eq!(w, field, "{what}: {e}")
                    }
                    other => panic!("{what}: expected limit {field}, got {other}"),
                }
                (0, (0, 0))
            }
            (expect, Ok(out)) => {
                match expect {
                    Expect::Trap(code) => {
                        let got = out.trap.as_ref().map(|t| t.code());
                        assert_eq!(got, Some(*code), "{what}: exit {:?}", out.exit_code);
                    }
                    Expect::Results(want) => {
                        assert!(out.trap.is_none(), "{what}: trap {:?}", out.trap);
                        let got: Vec<String> = out
                            .results
                            .iter()
                            .map(detwasm::text::format_value)
                            .collect();
                        assert_eq!(got, *want, "{what}");
                    }
                    Expect::Exit(status) => {
                        assert!(out.trap.is_none(), "{what}: trap {:?}", out.trap);
                        assert_eq!(
                            out.exit_code,
                            Some(*status),
                            "{what}: stdout {:?}",
                            String::from_utf8_lossy(&out.stdout)
                        );
                    }
                    Expect::Limit(_) => {
                        panic!("{what}: expected {expect:?}, the module was accepted")
                    }
                }
                if let Some(t) = &out.trap {
                    assert_ne!(t.code(), TrapCode::Internal, "{what}");
                }
                if profile {
                    let folded = out.gas_profile_folded.as_deref().unwrap_or("");
                    let sum: u64 = folded
                        .lines()
                        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
                        .sum();
                    assert_eq!(sum, out.gas_used, "{what}: the profile sums to gas used");
                }
                (out.gas_used, guest_bytes(&out, case.wasm.len()))
            }
            (expect, Err(e)) => panic!("{what}: expected {expect:?}, got error {e}"),
        };
        let (linear, guest) = guest;
        lib.gas_used = gas;
        lib.guest_bytes = guest;
        lib.linear_bytes = linear;
        let bound_t = time_bound(gas, linear, case.wasm.len());
        let bound_b = guest + SLACK_BYTES;
        if wall > bound_t {
            lib.over.push(format!(
                "{what}: took {wall:?} for {gas} gas, bound {bound_t:?}"
            ));
        }
        if heap > bound_b {
            lib.over.push(format!(
                "{what}: held {} MiB of heap with {} MiB of guest memory (bound {} MiB)",
                heap / MIB,
                guest / MIB,
                bound_b / MIB
            ));
        }
        lib.worst_wall = lib.worst_wall.max(wall);
        lib.worst_heap = lib.worst_heap.max(heap);
    }
    lib
}

/// The command-line variants every case runs under.
fn variants(tmp: &TempDir) -> Vec<Vec<String>> {
    let profile = tmp.path("gas.folded");
    let trace = tmp.path("run.trace");
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        Vec::new(),
        s(&["--summary=json"]),
        s(&["--summary", "--gas-profile", &profile]),
        s(&["--trace", &trace]),
        s(&[
            "--summary=json",
            "--gas-profile",
            &profile,
            "--trace",
            &trace,
        ]),
    ]
}

/// Runs `case` through the binary under every variant and checks each run.
/// Returns the worst wall time and peak RSS; bounds broken are added to `lib.over`.
fn run_cli(case: &Case, lib: &mut LibRun) -> (Duration, u64) {
    let tmp = TempDir::new("case");
    let module = tmp.file("case.wasm", &case.wasm);
    let stdin = tmp.file("stdin", &case.stdin);
    let dir = tmp.path("d");
    std::fs::create_dir_all(&dir).unwrap();
    let bound_t = time_bound(lib.gas_used, lib.linear_bytes, case.wasm.len());
    let bound_b = lib.guest_bytes + SLACK_BYTES;
    let mut worst = (Duration::ZERO, 0);
    for variant in variants(&tmp) {
        let mut args = vec!["run".to_string()];
        args.extend(variant.iter().cloned());
        args.extend(["--stdin".to_string(), stdin.clone()]);
        if let Some(gas) = case.gas {
            args.extend(["--gas".to_string(), gas.to_string()]);
        }
        for (field, value) in &case.limits {
            args.extend(["--limit".to_string(), format!("{field}={value}")]);
        }
        if case.dir {
            args.extend(["--dir".to_string(), format!("{dir}::/d")]);
        }
        if let Some((export, _)) = &case.invoke {
            args.extend(["--invoke".to_string(), export.to_string()]);
        }
        args.push(module.clone());
        if let Some((_, a)) = &case.invoke {
            args.extend(a.iter().cloned());
        }
        let what = format!("{} (detwasm {})", case.name, variant.join(" "));
        let c = detwasm(&args, None, &tmp);
        assert_clean_exit(&what, &c);
        let first = c.stderr.lines().next().unwrap_or("");
        match &case.expect {
            Expect::Limit(field) => {
                assert_eq!(c.code, Some(2), "{what}: {c:?}");
                assert!(first.starts_with("error: "), "{what}: {c:?}");
                assert!(first.contains(field), "{what}: {c:?}");
            }
            Expect::Trap(code) => {
                assert_eq!(c.code, Some(134), "{what}: {c:?}");
                assert!(
                    first.starts_with(&format!("trap: {}", code.message())),
                    "{what}: {c:?}"
                );
            }
            Expect::Results(want) => {
                assert_eq!(c.code, Some(0), "{what}: {c:?}");
                assert_eq!(c.stdout.lines().collect::<Vec<_>>(), *want, "{what}");
            }
            Expect::Exit(status) => assert_eq!(c.code, Some(*status), "{what}: {c:?}"),
        }
        if variant.iter().any(|a| a == "--summary=json") && c.code != Some(2) {
            let json = c.stderr.lines().last().unwrap_or("");
            assert!(
                json.starts_with('{') && json.contains(&format!("\"gas_used\":{}", lib.gas_used)),
                "{what}: summary {json:?} should report {} gas",
                lib.gas_used
            );
        }
        if c.wall > bound_t {
            lib.over.push(format!(
                "{what}: took {:?} for {} gas, bound {bound_t:?}",
                c.wall, lib.gas_used
            ));
        }
        if c.peak_rss > bound_b {
            lib.over.push(format!(
                "{what}: peak RSS {} MiB with {} MiB of guest memory (bound {} MiB)",
                c.peak_rss / MIB,
                lib.guest_bytes / MIB,
                bound_b / MIB
            ));
        }
        worst.0 = worst.0.max(c.wall);
        worst.1 = worst.1.max(c.peak_rss);
    }
    worst
}

/// Runs every case through the library and the binary; a case that fails does not
/// stop the others, and the test fails at the end listing every failed case.
fn check_cases(cases: Vec<Case>) {
    let mut failures = Vec::new();
    for case in cases {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut lib = run_library(&case);
            let (wall, rss) = run_cli(&case, &mut lib);
            eprintln!(
                "case {}: gas {}, guest {} MiB; library {:.3} s, {} MiB heap; binary {:.3} s, {} MiB RSS",
                case.name,
                lib.gas_used,
                lib.guest_bytes / MIB,
                lib.worst_wall.as_secs_f64(),
                lib.worst_heap / MIB,
                wall.as_secs_f64(),
                rss / MIB
            );
            lib.over
        }));
        if let Ok(over) = outcome {
            failures.extend(over);
        } else if let Err(payload) = outcome {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(message);
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `detwasm validate` on a module the default limits judge: exit 0 `valid`, or exit 1
/// naming the field.
fn check_validate_cli(name: &str, wasm: &[u8], expect: &Expect) {
    let tmp = TempDir::new("validate");
    let module = tmp.file("m.wasm", wasm);
    let c = detwasm(&["validate".to_string(), module], None, &tmp);
    let what = format!("{name} (detwasm validate)");
    assert_clean_exit(&what, &c);
    match expect {
        Expect::Limit(field) => {
            assert_eq!(c.code, Some(1), "{what}: {c:?}");
            assert!(
                c.stdout.contains(field) || c.stderr.contains(field),
                "{what}: {c:?}"
            );
        }
        _ => assert_eq!(
            (c.code, c.stdout.trim()),
            (Some(0), "valid"),
            "{what}: {c:?}"
        ),
    }
}

// ---------------------------------------------------------------------------------
// §Limits: every field at its value and one past it.

/// A module whose shape puts `n` on `field`, with an export `f: () -> i32` returning 1
/// (or, for `max_memory_pages`, the memory size) to invoke.
fn at_limit(field: &str, n: u64) -> Vec<u8> {
    let repeat = |entry: &[u8]| -> Vec<u8> {
        let mut v = Vec::with_capacity(entry.len() * n as usize);
        for _ in 0..n {
            v.extend_from_slice(entry);
        }
        v
    };
    match field {
        "max_types" => Bin::new()
            .vec_section(1, n, &repeat(FT_I32))
            .vec_section(3, 1, &[0x00])
            .vec_section(7, 1, &export_f(0))
            .vec_section(10, 1, BODY_ONE)
            .bytes(),
        "max_funcs" => Bin::new()
            .vec_section(1, 1, FT_I32)
            .vec_section(3, n, &repeat(&[0x00]))
            .vec_section(7, 1, &export_f(0))
            .vec_section(10, n, &repeat(BODY_ONE))
            .bytes(),
        "max_imports" => {
            let mut import = Vec::new();
            name("wasi_snapshot_preview1", &mut import);
            name("sched_yield", &mut import);
            import.extend_from_slice(&[0x00, 0x01]);
            let mut types = FT_I32.to_vec();
            types.extend_from_slice(&[0x60, 0x00, 0x01, 0x7f]);
            Bin::new()
                .vec_section(1, 2, &types)
                .vec_section(2, n, &repeat(&import))
                .vec_section(3, 1, &[0x00])
                .vec_section(7, 1, &export_f(n))
                .vec_section(10, 1, BODY_ONE)
                .bytes()
        }
        "max_exports" => {
            let mut exports = export_f(0);
            for i in 1..n {
                name(&format!("e{i}"), &mut exports);
                exports.extend_from_slice(&[0x00, 0x00]);
            }
            Bin::new()
                .vec_section(1, 1, FT_I32)
                .vec_section(3, 1, &[0x00])
                .vec_section(7, n, &exports)
                .vec_section(10, 1, BODY_ONE)
                .bytes()
        }
        "max_globals" => with_f(FT_I32, 1, |b| {
            b.vec_section(6, n, &repeat(&[0x7f, 0x00, 0x41, 0x00, 0x0b]))
        })
        .bytes(),
        "max_tables" => with_f(FT_I32, 1, |b| {
            b.vec_section(4, n, &repeat(&[0x70, 0x00, 0x00]))
        })
        .bytes(),
        "max_tags" => {
            let mut types = FT_I32.to_vec();
            types.extend_from_slice(FT_VOID);
            with_f(&types, 2, |b| b.vec_section(13, n, &repeat(&[0x00, 0x01]))).bytes()
        }
        "max_data_segments" => Bin::new()
            .vec_section(1, 1, FT_I32)
            .vec_section(3, 1, &[0x00])
            .vec_section(7, 1, &export_f(0))
            .vec_section(10, 1, BODY_ONE)
            .vec_section(11, n, &repeat(&[0x01, 0x00]))
            .bytes(),
        "max_elem_segments" => Bin::new()
            .vec_section(1, 1, FT_I32)
            .vec_section(3, 1, &[0x00])
            .vec_section(7, 1, &export_f(0))
            .vec_section(9, n, &repeat(&[0x01, 0x00, 0x00]))
            .vec_section(10, 1, BODY_ONE)
            .bytes(),
        "max_locals_per_func" => {
            let mut content = vec![0x01];
            leb(n, &mut content);
            content.extend_from_slice(&[0x7f, 0x41, 0x01, 0x0b]);
            Bin::new()
                .vec_section(1, 1, FT_I32)
                .vec_section(3, 1, &[0x00])
                .vec_section(7, 1, &export_f(0))
                .vec_section(10, 1, &body(&content))
                .bytes()
        }
        "max_func_body_bytes" => {
            // The body's size excludes its size prefix: one local-declaration byte,
            // nops, then `i32.const 1; end`.
            let mut content = vec![0x00];
            content.resize(n as usize - 3, 0x01);
            content.extend_from_slice(&[0x41, 0x01, 0x0b]);
            Bin::new()
                .vec_section(1, 1, FT_I32)
                .vec_section(3, 1, &[0x00])
                .vec_section(7, 1, &export_f(0))
                .vec_section(10, 1, &body(&content))
                .bytes()
        }
        "max_control_depth" => {
            // The body counts as one level: n levels are n - 1 nested blocks.
            let blocks = n as usize - 1;
            let mut content = vec![0x00];
            content.extend(std::iter::repeat_n([0x02, 0x40], blocks).flatten());
            content.extend(std::iter::repeat_n(0x0b, blocks));
            content.extend_from_slice(&[0x41, 0x01, 0x0b]);
            Bin::new()
                .vec_section(1, 1, FT_I32)
                .vec_section(3, 1, &[0x00])
                .vec_section(7, 1, &export_f(0))
                .vec_section(10, 1, &body(&content))
                .bytes()
        }
        "max_memory_pages" => {
            let mut mem = vec![0x00];
            leb(n, &mut mem);
            let mut exports = export_f(0);
            name("memory", &mut exports);
            exports.extend_from_slice(&[0x02, 0x00]);
            Bin::new()
                .vec_section(1, 1, FT_I32)
                .vec_section(3, 1, &[0x00])
                .vec_section(5, 1, &mem)
                .vec_section(7, 2, &exports)
                .vec_section(10, 1, &body(&[0x00, 0x3f, 0x00, 0x0b]))
                .bytes()
        }
        "max_table_elements" => {
            let mut table = vec![0x70, 0x00];
            leb(n, &mut table);
            Bin::new()
                .vec_section(1, 1, FT_I32)
                .vec_section(3, 1, &[0x00])
                .vec_section(4, 1, &table)
                .vec_section(7, 1, &export_f(0))
                .vec_section(10, 1, &body(&[0x00, 0xfc, 0x10, 0x00, 0x0b]))
                .bytes()
        }
        "max_data_bytes" => {
            // Two active segments whose total is n, into a memory of 16 pages.
            let mut data = Vec::new();
            for len in [n / 2, n - n / 2] {
                data.extend_from_slice(&[0x00, 0x41, 0x00, 0x0b]);
                leb(len, &mut data);
                data.resize(data.len() + len as usize, 0xab);
            }
            with_f(FT_I32, 1, |b| b.vec_section(5, 1, &[0x00, 0x10]))
                .vec_section(11, 2, &data)
                .bytes()
        }
        "max_elem_items" => {
            // One active segment of n references to function 0, in a table of n.
            let mut table = vec![0x70, 0x00];
            leb(n, &mut table);
            let mut elem = vec![0x00, 0x41, 0x00, 0x0b];
            leb(n, &mut elem);
            elem.resize(elem.len() + n as usize, 0x00);
            Bin::new()
                .vec_section(1, 1, FT_I32)
                .vec_section(3, 1, &[0x00])
                .vec_section(4, 1, &table)
                .vec_section(7, 1, &export_f(0))
                .vec_section(9, 1, &elem)
                .vec_section(10, 1, BODY_ONE)
                .bytes()
        }
        "max_module_bytes" => {
            // A small module padded with a custom section to exactly n bytes.
            let base = with_f(FT_I32, 1, |b| b).bytes();
            let mut pad = Vec::new();
            name("pad", &mut pad);
            let mut m = base.clone();
            let mut fill = n as usize - base.len() - pad.len() - 1;
            // The section size prefix takes 1 to 3 bytes for the sizes used here.
            loop {
                let mut size = Vec::new();
                leb((pad.len() + fill) as u64, &mut size);
                if base.len() + 1 + size.len() + pad.len() + fill == n as usize {
                    break;
                }
                fill -= 1;
            }
            let mut section = pad;
            section.resize(section.len() + fill, 0);
            m = Bin(m).raw_section(0, &section).bytes();
            assert_eq!(m.len() as u64, n);
            m
        }
        other => panic!("no generator for {other}"),
    }
}

/// The result `f` returns at the limit.
fn at_result(field: &str) -> &'static [&'static str] {
    match field {
        "max_memory_pages" => &["16384"],
        "max_table_elements" => &["10000000"],
        _ => &["1"],
    }
}

/// Every §Limits field with the value the case uses and whether it is lowered from
/// the default (then the comment in `limit_cases` says why).
fn limit_values() -> Vec<(&'static str, u64, bool)> {
    let d = Config::default();
    let l = &d.limits;
    vec![
        // 256 MiB modules take too long to build and load: lowered to 64 KiB.
        ("max_module_bytes", 65_536, true),
        ("max_types", l.max_types.into(), false),
        ("max_funcs", l.max_funcs.into(), false),
        ("max_imports", l.max_imports.into(), false),
        ("max_exports", l.max_exports.into(), false),
        ("max_globals", l.max_globals.into(), false),
        ("max_tables", l.max_tables.into(), false),
        ("max_tags", l.max_tags.into(), false),
        ("max_data_segments", l.max_data_segments.into(), false),
        ("max_elem_segments", l.max_elem_segments.into(), false),
        ("max_locals_per_func", l.max_locals_per_func.into(), false),
        ("max_func_body_bytes", l.max_func_body_bytes.into(), false),
        ("max_control_depth", l.max_control_depth.into(), false),
        ("max_memory_pages", l.max_memory_pages.into(), false),
        ("max_table_elements", l.max_table_elements.into(), false),
        // 256 MiB of data segments: lowered to 1 000 000 bytes.
        ("max_data_bytes", 1_000_000, true),
        // 10^7 element items: lowered to 10^6 (a 10^6-item segment at the default
        // limit is among the execution cases).
        ("max_elem_items", 1_000_000, true),
    ]
}

fn limit_cases(fields: &[&str]) -> Vec<Case> {
    let mut cases = Vec::new();
    for (field, n, lowered) in limit_values() {
        if !fields.contains(&field) {
            continue;
        }
        for (m, expect) in [
            (n, Expect::Results(at_result(field))),
            (n + 1, Expect::Limit(field)),
        ] {
            let wasm = at_limit(field, m);
            if !lowered {
                check_validate_cli(&format!("{field} = {m}"), &wasm, &expect);
            }
            let mut case = Case::new(format!("{field} = {m} (limit {n})"), wasm, expect);
            if lowered {
                case = case.limit(field, n);
            }
            cases.push(case);
        }
    }
    cases
}

#[test]
fn limits_small_fields_at_and_past() {
    check_cases(limit_cases(&[
        "max_module_bytes",
        "max_tables",
        "max_locals_per_func",
        "max_control_depth",
        "max_memory_pages",
        "max_data_bytes",
    ]));
}

#[test]
fn limits_section_counts_at_and_past() {
    check_cases(limit_cases(&[
        "max_types",
        "max_imports",
        "max_exports",
        "max_tags",
        "max_data_segments",
        "max_elem_segments",
    ]));
}

#[test]
fn limits_big_fields_at_and_past() {
    check_cases(limit_cases(&[
        "max_funcs",
        "max_globals",
        "max_func_body_bytes",
        "max_table_elements",
        "max_elem_items",
    ]));
}

#[test]
fn every_limit_field_has_cases() {
    let covered: Vec<&str> = limit_values().iter().map(|v| v.0).collect();
    let config = Config::default();
    for name in covered.iter() {
        assert!(config.limit(name).is_some(), "{name} is a limit");
    }
    // Every §Limits field of the configuration is covered (the §Stack numbers are
    // runtime cases below).
    for name in [
        "max_module_bytes",
        "max_types",
        "max_funcs",
        "max_imports",
        "max_exports",
        "max_globals",
        "max_tables",
        "max_tags",
        "max_data_segments",
        "max_elem_segments",
        "max_locals_per_func",
        "max_func_body_bytes",
        "max_control_depth",
        "max_memory_pages",
        "max_table_elements",
        "max_data_bytes",
        "max_elem_items",
    ] {
        assert!(covered.contains(&name), "{name} has no case");
    }
    // The other three named numbers are run-time limits with their own cases: the
    // §Stack numbers in `deep_nesting_and_recursion`, `max_live_exceptions` in
    // `exception_floods`.
    assert_eq!(config.limit_values().len(), covered.len() + 3);
}

// ---------------------------------------------------------------------------------
// Execution: deep nesting and recursion, huge br_table, many locals, 64k functions,
// memory and table bombs, 4 GiB bulk operations, 10^6-item element segments.

/// A body of `blocks` nested blocks (the body itself is one more level) whose
/// innermost instruction branches out of all of them.
fn nested_blocks(blocks: usize) -> Vec<u8> {
    let mut content = vec![0x00];
    content.extend(std::iter::repeat_n([0x02, 0x40], blocks).flatten());
    content.push(0x0c);
    leb(blocks as u64 - 1, &mut content);
    content.extend(std::iter::repeat_n(0x0b, blocks));
    content.extend_from_slice(&[0x41, 0x07, 0x0b]);
    Bin::new()
        .vec_section(1, 1, FT_I32)
        .vec_section(3, 1, &[0x00])
        .vec_section(7, 1, &export_f(0))
        .vec_section(10, 1, &body(&content))
        .bytes()
}

/// `f(i)` runs a `br_table` of `n` entries (all 0 but the last, 1; default 1) on `i`:
/// 1 when `i < n - 1`, else 2.
fn br_table(n: u64) -> Vec<u8> {
    let mut content = vec![0x00, 0x02, 0x40, 0x02, 0x40, 0x20, 0x00, 0x0e];
    leb(n, &mut content);
    content.resize(content.len() + n as usize - 1, 0x00);
    content.extend_from_slice(&[0x01, 0x01]);
    content.extend_from_slice(&[0x0b, 0x41, 0x01, 0x0f, 0x0b, 0x41, 0x02, 0x0b]);
    Bin::new()
        .vec_section(1, 1, &[0x60, 0x01, 0x7f, 0x01, 0x7f])
        .vec_section(3, 1, &[0x00])
        .vec_section(7, 1, &export_f(0))
        .vec_section(10, 1, &body(&content))
        .bytes()
}

/// `f(n)` recurses through a function with `locals` i64 locals plus its parameter,
/// `n` deep, and returns the last local of the deepest call.
fn many_locals(locals: u64) -> String {
    format!(
        r#"(module (func $f (export "f") (param i32) (result i64)
            (local {})
            (local.set {locals} (i64.extend_i32_u (local.get 0)))
            (if (local.get 0) (then
              (local.set {locals} (call $f (i32.sub (local.get 0) (i32.const 1))))))
            (local.get {locals})))"#,
        "i64 ".repeat(locals as usize)
    )
}

/// 65 536 functions, each returning its index, called in turn through a table by `f`,
/// which returns their sum.
fn many_funcs(n: u32) -> Vec<u8> {
    let mut types = FT_I32.to_vec();
    types.extend_from_slice(FT_I32);
    let mut funcs = vec![0x01];
    funcs.resize(n as usize + 1, 0x00);
    let mut table = vec![0x70, 0x00];
    leb(n.into(), &mut table);
    let mut elem = vec![0x00, 0x41, 0x00, 0x0b];
    leb(n.into(), &mut elem);
    for i in 1..=n {
        leb(i.into(), &mut elem);
    }
    // f: (local i32 i32) loop: acc += call_indirect(i); i++; br_if i < n.
    let mut f = vec![0x01, 0x02, 0x7f];
    f.extend_from_slice(&[0x03, 0x40]);
    f.extend_from_slice(&[0x20, 0x01, 0x20, 0x00, 0x11, 0x00, 0x00, 0x6a, 0x21, 0x01]);
    f.extend_from_slice(&[0x20, 0x00, 0x41, 0x01, 0x6a, 0x22, 0x00, 0x41]);
    sleb(n.into(), &mut f);
    f.extend_from_slice(&[0x49, 0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b]);
    let mut code = body(&f);
    for i in 0..n {
        let mut content = vec![0x00, 0x41];
        sleb(i.into(), &mut content);
        content.push(0x0b);
        code.extend(body(&content));
    }
    Bin::new()
        .vec_section(1, 2, &types)
        .vec_section(3, u64::from(n) + 1, &funcs)
        .vec_section(4, 1, &table)
        .vec_section(7, 1, &export_f(0))
        .vec_section(9, 1, &elem)
        .vec_section(10, u64::from(n) + 1, &code)
        .bytes()
}

const RECURSION: &str = r#"(module
  (func $r (export "f") (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then unreachable))
    (call $g (i32.sub (local.get 0) (i32.const 1))))
  (func $g (param i32) (result i32) (call $r (local.get 0))))"#;

const MEMORY_BOMB: &str = r#"(module (memory (export "memory") 1)
  (func (export "f") (result i32)
    (drop (memory.grow (i32.const 0xffffffff)))
    (if (i32.ne (memory.grow (i32.const 16383)) (i32.const 1)) (then unreachable))
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
    ;; Touch every page so the whole GiB is resident.
    (memory.fill (i32.const 0) (i32.const 0xab) (i32.const 0x40000000))
    (i32.add (memory.size) (i32.load8_u (i32.const 0x3fffffff)))))"#;

const TABLE_BOMB: &str = r#"(module (table $t 0 funcref) (func $z) (elem declare func $z)
  (func (export "f") (result i32)
    (if (i32.ne (table.grow $t (ref.null func) (i32.const 10000000)) (i32.const 0))
      (then unreachable))
    (if (i32.ne (table.grow $t (ref.null func) (i32.const 1)) (i32.const -1))
      (then unreachable))
    (table.fill $t (i32.const 0) (ref.func $z) (i32.const 10000000))
    (table.size $t)))"#;

/// Bulk operations of 2^32 - 1 bytes or elements on a one-page memory holding
/// "hello" at 0 and a 2-element table: each must trap at once and change nothing.
fn bulk_4gib(op: &str) -> String {
    format!(
        r#"(module (memory (export "memory") 1) (data (i32.const 0) "hello") (data $p "passive")
          (table $t 2 funcref) (elem $e func $z $z) (func $z)
          (func (export "f") (result i32) {op} (i32.const 0)))"#
    )
}

const BULK_OPS: &[(&str, &str, TrapCode)] = &[
    (
        "memory.fill 0xFFFFFFFF",
        "(memory.fill (i32.const 0) (i32.const 0xff) (i32.const 0xffffffff))",
        TrapCode::MemoryOutOfBounds,
    ),
    (
        "memory.fill at 0xFFFFFFFF",
        "(memory.fill (i32.const 0xffffffff) (i32.const 0xff) (i32.const 2))",
        TrapCode::MemoryOutOfBounds,
    ),
    (
        "memory.copy 0xFFFFFFFF",
        "(memory.copy (i32.const 1) (i32.const 0) (i32.const 0xffffffff))",
        TrapCode::MemoryOutOfBounds,
    ),
    (
        "memory.init 0xFFFFFFFF",
        "(memory.init $p (i32.const 0) (i32.const 0) (i32.const 0xffffffff))",
        TrapCode::MemoryOutOfBounds,
    ),
    (
        "table.fill 0xFFFFFFFF",
        "(table.fill $t (i32.const 0) (ref.null func) (i32.const 0xffffffff))",
        TrapCode::TableOutOfBounds,
    ),
    (
        "table.copy 0xFFFFFFFF",
        "(table.copy $t $t (i32.const 1) (i32.const 0) (i32.const 0xffffffff))",
        TrapCode::TableOutOfBounds,
    ),
    (
        "table.init 0xFFFFFFFF",
        "(table.init $t $e (i32.const 0) (i32.const 0) (i32.const 0xffffffff))",
        TrapCode::TableOutOfBounds,
    ),
];

/// A table of `table` elements filled by one active segment of `items` references,
/// then, passively, by `table.init` of the same count; `f` calls the last element.
fn elem_items(table: u64, items: u64) -> String {
    let refs = "0 ".repeat(items as usize);
    format!(
        r#"(module (type $t (func (result i32))) (table $tab {table} funcref)
          (func $z (result i32) (i32.const 5))
          (elem (i32.const 0) func {refs})
          (elem $p func {refs})
          (func (export "f") (result i32)
            (table.init $tab $p (i32.const 0) (i32.const 0) (i32.const {items}))
            (call_indirect (type $t) (i32.const {last}))))"#,
        last = items - 1
    )
}

#[test]
fn deep_nesting_and_recursion() {
    check_cases(vec![
        // max_control_depth counts the body: 9 999 blocks are depth 10 000.
        Case::new(
            "9999 nested blocks",
            nested_blocks(9_999),
            Expect::Results(&["7"]),
        ),
        Case::new(
            "10000 nested blocks",
            nested_blocks(10_000),
            Expect::Limit("max_control_depth"),
        ),
        Case::new(
            "10001 nested blocks",
            nested_blocks(10_001),
            Expect::Limit("max_control_depth"),
        ),
        // The 10 000-deep recursion that traps: it took 5.9 s and 640 MB with
        // --summary=json before the gas profile folded recursion.
        Case::wat(
            "10000-deep recursion that traps",
            r#"(module (func $r (export "f") (param i32) (result i32)
                (if (i32.eqz (local.get 0)) (then unreachable))
                (call $r (i32.sub (local.get 0) (i32.const 1)))))"#,
            Expect::Trap(TrapCode::Unreachable),
        )
        .invoke("f", &["9999"]),
        Case::wat(
            "9999-deep mutual recursion that traps",
            RECURSION,
            Expect::Trap(TrapCode::Unreachable),
        )
        .invoke("f", &["4999"]),
        Case::wat(
            "recursion past max_call_depth",
            RECURSION,
            Expect::Trap(TrapCode::CallStackExhausted),
        )
        .invoke("f", &["100000"]),
        Case::wat(
            "recursion under a lowered max_call_depth",
            RECURSION,
            Expect::Trap(TrapCode::CallStackExhausted),
        )
        .limit("max_call_depth", 100)
        .invoke("f", &["50"]),
        Case::wat(
            "recursion at a lowered max_call_depth",
            RECURSION,
            Expect::Trap(TrapCode::Unreachable),
        )
        .limit("max_call_depth", 100)
        .invoke("f", &["49"]),
        Case::wat(
            "infinite loop under a gas limit",
            r#"(module (func (export "f") (loop $l (br $l))))"#,
            Expect::Trap(TrapCode::OutOfGas),
        )
        .gas(100_000_000),
    ]);
}

#[test]
fn huge_br_table_and_many_locals() {
    check_cases(vec![
        Case::new(
            "br_table of 10^6 entries, hit",
            br_table(1_000_000),
            Expect::Results(&["1"]),
        )
        .invoke("f", &["999998"]),
        Case::new(
            "br_table of 10^6 entries, default",
            br_table(1_000_000),
            Expect::Results(&["2"]),
        )
        .invoke("f", &["0xffffffff"]),
        Case::wat(
            "50000 locals",
            &many_locals(49_999),
            Expect::Results(&["0"]),
        )
        .invoke("f", &["3"]),
        // Each frame is about 50 000 slots: max_stack_height stops the recursion.
        Case::wat(
            "50000 locals, deep recursion",
            &many_locals(49_999),
            Expect::Trap(TrapCode::CallStackExhausted),
        )
        .invoke("f", &["1000"]),
        Case::wat(
            "50000 locals under a lowered max_stack_height",
            &many_locals(49_999),
            Expect::Trap(TrapCode::CallStackExhausted),
        )
        .limit("max_stack_height", 50_000)
        .invoke("f", &["0"]),
        Case::new(
            "65536 functions called through a table",
            many_funcs(65_536),
            Expect::Results(&["2147450880"]),
        ),
    ]);
}

#[test]
fn memory_and_table_bombs() {
    let mut cases = vec![
        Case::wat(
            "memory.grow to max_memory_pages",
            MEMORY_BOMB,
            Expect::Results(&["16555"]),
        ),
        Case::wat(
            "memory.grow past a lowered max_memory_pages",
            MEMORY_BOMB,
            Expect::Trap(TrapCode::Unreachable),
        )
        .limit("max_memory_pages", 100),
        Case::wat(
            "declared maximum beyond the limit",
            r#"(module (memory 0 65536) (func (export "f") (result i32)
                 (drop (memory.grow (i32.const 16384)))
                 (memory.grow (i32.const 1))))"#,
            Expect::Results(&["-1"]),
        ),
        Case::wat(
            "table.grow to max_table_elements",
            TABLE_BOMB,
            Expect::Results(&["10000000"]),
        ),
        Case::wat(
            "table.grow past a lowered max_table_elements",
            TABLE_BOMB,
            Expect::Trap(TrapCode::Unreachable),
        )
        .limit("max_table_elements", 1000),
        Case::wat(
            "element segments of 10^6 items",
            &elem_items(1_000_000, 1_000_000),
            Expect::Results(&["5"]),
        ),
        Case::wat(
            "element segment of 10^6 items past its table",
            &elem_items(999_999, 1_000_000),
            Expect::Trap(TrapCode::TableOutOfBounds),
        ),
    ];
    for (name, op, code) in BULK_OPS {
        cases.push(Case::wat(*name, &bulk_4gib(op), Expect::Trap(*code)));
    }
    check_cases(cases);
}

#[test]
fn bulk_operations_of_4_gib_change_nothing() {
    for (name, op, code) in BULK_OPS {
        let wasm = wat::parse_str(bulk_4gib(op)).unwrap();
        let start = Instant::now();
        let out = session::run(&wasm, invoke_config("f", &[])).unwrap();
        let wall = start.elapsed();
        assert_eq!(out.trap.as_ref().map(|t| t.code()), Some(*code), "{name}");
        assert!(wall < Duration::from_secs(1), "{name}: took {wall:?}");
        let inst = out.instance.unwrap();
        let Some(Extern::Memory(m)) = out.store.instance_export(inst, "memory") else {
            panic!("{name}: no memory");
        };
        let data = out.store.memory_data(m).unwrap();
        assert_eq!(&data[..5], b"hello", "{name}");
        assert!(data[5..].iter().all(|&b| b == 0), "{name}: memory changed");
    }
}

// ---------------------------------------------------------------------------------
// WASI: hostile pointers and lengths, symlink loops, a 50k-entry directory, floods.

/// A module importing the WASI functions the probes use, with one page of memory
/// (bytes 1000.. hold `data`), exporting `f` with `body` (which must leave an i32).
fn wasi_probe(data: &str, body: &str) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink" (func $path_readlink (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 1000) "{data}")
  (func $iov (param $at i32) (param $buf i32) (param $len i32)
    (i32.store (local.get $at) (local.get $buf))
    (i32.store (i32.add (local.get $at) (i32.const 4)) (local.get $len)))
  (func (export "f") (result i32) {body}))"#
    )
}

/// Hostile pointers and lengths: (name, body, expected errno or result).
const POINTER_PROBES: &[(&str, &str, &str)] = &[
    (
        "fd_write iovec buffer past memory",
        "(call $iov (i32.const 0) (i32.const 65530) (i32.const 100))
         (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16))",
        "21",
    ),
    (
        "fd_write iovec array past memory",
        "(call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 16))",
        "21",
    ),
    (
        "fd_write 0xFFFFFFFF iovecs",
        "(call $fd_write (i32.const 1) (i32.const 0) (i32.const -1) (i32.const 16))",
        "28",
    ),
    (
        "fd_write iovec of length 0xFFFFFFFF",
        "(call $iov (i32.const 0) (i32.const 0) (i32.const -1))
         (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16))",
        "21",
    ),
    (
        "fd_write iovec wrapping past 2^32",
        "(call $iov (i32.const 0) (i32.const -16) (i32.const 32))
         (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16))",
        "21",
    ),
    (
        "fd_write nwritten past memory writes nothing",
        "(call $iov (i32.const 0) (i32.const 1000) (i32.const 5))
         (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 65534))",
        "21",
    ),
    (
        "fd_read into overlapping iovecs",
        "(call $iov (i32.const 0) (i32.const 100) (i32.const 10))
         (call $iov (i32.const 8) (i32.const 105) (i32.const 10))
         (i32.or (i32.shl (call $fd_read (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 16))
                          (i32.const 16))
                 (i32.load (i32.const 16)))",
        "20",
    ),
    (
        "fd_read 1025 iovecs",
        "(call $fd_read (i32.const 0) (i32.const 0) (i32.const 1025) (i32.const 16))",
        "28",
    ),
    (
        "fd_read nread overlapping its own iovec",
        "(call $iov (i32.const 0) (i32.const 0) (i32.const 8))
         (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 4))",
        "0",
    ),
    (
        "random_get of 0xFFFFFFFF bytes",
        "(call $random_get (i32.const 0) (i32.const -1))",
        "21",
    ),
    (
        "random_get wrapping past 2^32",
        "(call $random_get (i32.const -1) (i32.const 2))",
        "21",
    ),
    (
        "random_get of the whole memory",
        "(call $random_get (i32.const 0) (i32.const 65536))",
        "0",
    ),
    (
        "clock_time_get result straddling the end",
        "(call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 65532))",
        "21",
    ),
    (
        "args_get pointers at the end of memory",
        "(call $args_get (i32.const 65535) (i32.const 65534))",
        "21",
    ),
    (
        "path_open path of length 0xFFFFFFFF",
        "(call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const -1)
           (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 16))",
        "37",
    ),
    (
        "path_open path past memory",
        "(call $path_open (i32.const 3) (i32.const 0) (i32.const 65530) (i32.const 100)
           (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 16))",
        "21",
    ),
    (
        "fd_readdir buffer of length 0xFFFFFFFF",
        "(call $fd_readdir (i32.const 3) (i32.const 0) (i32.const -1) (i64.const 0) (i32.const 16))",
        "21",
    ),
    (
        "poll_oneoff of 0xFFFFFFFF subscriptions",
        "(call $poll_oneoff (i32.const 0) (i32.const 0) (i32.const -1) (i32.const 16))",
        "21",
    ),
    (
        "fd_prestat_dir_name wrapping past 2^32",
        "(call $fd_prestat_dir_name (i32.const 3) (i32.const -2) (i32.const 10))",
        "21",
    ),
    (
        "fd_write to fd 0xFFFFFFFF",
        "(call $fd_write (i32.const -1) (i32.const 0) (i32.const 1) (i32.const 16))",
        "8",
    ),
];

/// Symlink loops and bombs (name, data at 1000, body, expected errno).
fn symlink_probes() -> Vec<(String, String, String, &'static str)> {
    let path_stat = |at: u32, len: usize| {
        format!(
            "(call $path_filestat_get (i32.const 3) (i32.const 1) (i32.const {at}) (i32.const {len}) (i32.const 2000))"
        )
    };
    let symlink = |target: (u32, usize), link: (u32, usize)| {
        format!(
            "(drop (call $path_symlink (i32.const {}) (i32.const {}) (i32.const 3) (i32.const {}) (i32.const {})))",
            target.0, target.1, link.0, link.1
        )
    };
    let mut probes = Vec::new();
    // data "ab": "a" at 1000, "b" at 1001.
    probes.push((
        "two-symlink loop".to_string(),
        "ab".to_string(),
        format!(
            "{} {} {}",
            symlink((1001, 1), (1000, 1)),
            symlink((1000, 1), (1001, 1)),
            path_stat(1000, 1)
        ),
        "32",
    ));
    probes.push((
        "self loop".to_string(),
        "s".to_string(),
        format!("{} {}", symlink((1000, 1), (1000, 1)), path_stat(1000, 1)),
        "32",
    ));
    // "l" -> "l/x": every hop adds a component.
    probes.push((
        "growing loop through a directory component".to_string(),
        "l/x/y".to_string(),
        format!(
            "{} (call $path_create_directory (i32.const 3) (i32.const 1000) (i32.const 5))",
            symlink((1000, 3), (1000, 1))
        ),
        "32",
    ));
    // "e" -> "e/e/.../e" (2 000 components): 32 hops of 2 000 components each.
    let bomb = vec!["e"; 2000].join("/");
    probes.push((
        "symlink expansion bomb".to_string(),
        bomb.clone(),
        format!(
            "{} {}",
            symlink((1000, bomb.len()), (1000, 1)),
            path_stat(1000, 1)
        ),
        "32",
    ));
    // A chain c00 -> c01 -> ... -> cNN; cNN a directory. 32 hops resolve, 33 do not.
    for hops in [32usize, 33] {
        let names: String = (0..=hops).map(|i| format!("c{i:02}")).collect();
        let mut body = String::new();
        for i in 0..hops {
            let at = |k: usize| 1000 + 3 * k as u32;
            body.push_str(&symlink((at(i + 1), 3), (at(i), 3)));
        }
        body.push_str(&format!(
            "(drop (call $path_create_directory (i32.const 3) (i32.const {}) (i32.const 3)))",
            1000 + 3 * hops as u32
        ));
        body.push_str(&path_stat(1000, 3));
        probes.push((
            format!("chain of {hops} symlinks"),
            names,
            body,
            if hops == 32 { "0" } else { "32" },
        ));
    }
    probes
}

/// `_start` creates `n` directories `00000`, `00001`, ... in fd 3, lists fd 3 with
/// `fd_readdir` through a 32 KiB buffer, and exits 0 if it saw `n + 2` entries.
fn big_directory(n: u32) -> String {
    let body = format!(
        r#"(local $i i32) (local $count i32) (local $cookie i64) (local $used i32) (local $pos i32)
    (loop $make
      (call $name (local.get $i))
      (if (call $path_create_directory (i32.const 3) (i32.const 0) (i32.const 5))
        (then (call $proc_exit (i32.const 2))))
      (br_if $make (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const {n}))))
    (loop $list
      (if (call $fd_readdir (i32.const 3) (i32.const 8192) (i32.const 32768) (local.get $cookie) (i32.const 16))
        (then (call $proc_exit (i32.const 3))))
      (local.set $used (i32.load (i32.const 16)))
      (local.set $pos (i32.const 0))
      (block $done
        (loop $entry
          (br_if $done (i32.gt_u (i32.add (local.get $pos) (i32.const 24)) (local.get $used)))
          (br_if $done (i32.gt_u
            (i32.add (i32.add (local.get $pos) (i32.const 24))
                     (i32.load (i32.add (i32.const 8208) (local.get $pos))))
            (local.get $used)))
          (local.set $cookie (i64.load (i32.add (i32.const 8192) (local.get $pos))))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          (local.set $pos (i32.add (i32.add (local.get $pos) (i32.const 24))
                                   (i32.load (i32.add (i32.const 8208) (local.get $pos)))))
          (br $entry)))
      (br_if $list (i32.eq (local.get $used) (i32.const 32768))))
    (call $proc_exit (i32.ne (local.get $count) (i32.const {total})))"#,
        total = n + 2
    );
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func $name (param $i i32) (local $k i32)
    (local.set $k (i32.const 4))
    (loop $digit
      (i32.store8 (local.get $k) (i32.add (i32.const 48) (i32.rem_u (local.get $i) (i32.const 10))))
      (local.set $i (i32.div_u (local.get $i) (i32.const 10)))
      (br_if $digit (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
    (i32.store8 (i32.const 0) (i32.add (i32.const 48) (i32.rem_u (local.get $i) (i32.const 10)))))
  (func (export "_start") {body}))"#
    )
}

/// `_start` writes `chunks` times the 64 KiB memory to `fd` (1: stdout).
fn flood_stdout(chunks: u32) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32)
    (i32.store (i32.const 0) (i32.const 0))
    (i32.store (i32.const 4) (i32.const 65536))
    (loop $l
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const {chunks}))))))"#
    )
}

/// `_start` makes `calls` host calls of the cheapest kind.
fn flood_host_calls(calls: u32) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "sched_yield" (func $y (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32)
    (loop $l
      (drop (call $y))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const {calls}))))))"#
    )
}

#[test]
fn hostile_wasi_pointers_and_lengths() {
    let cases = POINTER_PROBES
        .iter()
        .map(|(name, body, want)| {
            Case::wat(
                *name,
                &wasi_probe("hello", body),
                Expect::Results(std::slice::from_ref(want)),
            )
            .dir()
            .stdin(b"0123456789abcdefghijklmnopqrstuvwxyz")
        })
        .collect();
    check_cases(cases);
}

#[test]
fn symlink_loops_and_bombs() {
    let cases = symlink_probes()
        .into_iter()
        .map(|(name, data, body, want)| {
            let want: &'static [&'static str] = Box::leak(vec![want].into_boxed_slice());
            Case::wat(name, &wasi_probe(&data, &body), Expect::Results(want)).dir()
        })
        .collect();
    check_cases(cases);
}

#[test]
fn directory_of_50k_entries() {
    check_cases(vec![Case::wat(
        "50000-entry directory",
        &big_directory(50_000),
        Expect::Exit(0),
    )
    .start()
    .dir()]);
}

#[test]
fn output_and_host_call_floods() {
    check_cases(vec![
        Case::wat("128 MiB to stdout", &flood_stdout(2048), Expect::Exit(0)).start(),
        Case::wat(
            "10^6 host calls",
            &flood_host_calls(1_000_000),
            Expect::Exit(0),
        )
        .start(),
    ]);
}

/// `n` exceptions thrown, caught by reference and dropped; returns `n`.
const EXCEPTION_CHURN: &str = r#"(module (tag $e (param i32 i64 f64))
  (func (export "f") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (block $h (result exnref)
        (try_table (catch_all_ref $h)
          (throw $e (local.get $i) (i64.const 1) (f64.const 2)))
        (unreachable))
      (drop)
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))
    (local.get $i)))"#;

/// Keeps every caught exception in a 100 000-element table until a throw traps.
const EXCEPTION_HOARD: &str = r#"(module (tag $e (param i64 i64 i64 i64))
  (table $t 100000 exnref)
  (func (export "f") (local $i i32) (local $x exnref)
    (loop $l
      (local.set $x
        (block $h (result exnref)
          (try_table (catch_all_ref $h)
            (throw $e (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)))
          (unreachable)))
      (table.set $t (local.get $i) (local.get $x))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))"#;

#[test]
fn exception_floods() {
    check_cases(vec![
        // SPEC.md §Exceptions: collections keep the store at <= 2 x 2048 exceptions.
        Case::wat(
            "10^6 exceptions dropped",
            EXCEPTION_CHURN,
            Expect::Results(&["1000000"]),
        )
        .invoke("f", &["1000000"]),
        // 4096 reachable at the collection: exception_limit, at the default and at
        // the largest value a 32-bit limit takes (the table fills first: out of
        // bounds at element 100 000).
        Case::wat(
            "exceptions hoarded past max_live_exceptions",
            EXCEPTION_HOARD,
            Expect::Trap(TrapCode::ExceptionLimit),
        ),
        Case::wat(
            "exceptions hoarded, max_live_exceptions 2^32-1",
            EXCEPTION_HOARD,
            Expect::Trap(TrapCode::TableOutOfBounds),
        )
        .limit("max_live_exceptions", u64::from(u32::MAX)),
        Case::wat(
            "exceptions hoarded, max_live_exceptions 1",
            EXCEPTION_HOARD,
            Expect::Trap(TrapCode::ExceptionLimit),
        )
        .limit("max_live_exceptions", 1),
    ]);
}

// ---------------------------------------------------------------------------------
// Truncated and byte-flipped modules and traces.

/// Runs `f` on this thread with the time and heap bounds of a run burning `gas` with
/// no guest memory beyond `guest`, on inputs of `input` bytes; returns a description
/// of a broken bound.
fn bounded<T>(
    what: &str,
    (gas, guest, input): (u64, u64, usize),
    f: impl FnOnce() -> T,
) -> (T, Option<String>) {
    let start = Instant::now();
    let (out, heap) = peak_heap(f);
    let wall = start.elapsed();
    let mut over = None;
    if wall > time_bound(gas, guest, input) {
        over = Some(format!("{what}: took {wall:?} for {gas} gas"));
    }
    if heap > guest + SLACK_BYTES {
        over = Some(format!("{what}: held {} MiB of heap", heap / MIB));
    }
    (out, over)
}

/// The mutations of a module or trace: every prefix up to 256 bytes, then every
/// `step`-th prefix, and at every `step`-th byte (offset by 7) the byte inverted, its
/// top bit flipped, zeroed and set to 0xff.
fn mutations(bytes: &[u8], step: usize) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for len in (0..bytes.len().min(256)).chain((256..bytes.len()).step_by(step)) {
        out.push((format!("prefix of {len} bytes"), bytes[..len].to_vec()));
    }
    for at in (7..bytes.len()).step_by(step) {
        for (how, f) in [
            ("inverted", (|b: u8| !b) as fn(u8) -> u8),
            ("top bit flipped", |b| b ^ 0x80),
            ("zeroed", |_| 0),
            ("set to 0xff", |_| 0xff),
        ] {
            let mut m = bytes.to_vec();
            m[at] = f(m[at]);
            if m[at] != bytes[at] {
                out.push((format!("byte {at} {how}"), m));
            }
        }
    }
    out
}

fn program(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

/// A mutated module through the library: validation and, if accepted, a run under
/// 10^7 gas; never a panic or an internal error, within the bounds.
fn library_module(what: &str, wasm: &[u8]) -> Option<String> {
    const GAS: u64 = 10_000_000;
    let caught = std::panic::catch_unwind(|| {
        bounded(what, (GAS, 0, wasm.len()), || {
            let rc = RunConfig {
                config: Config {
                    gas_limit: GAS,
                    ..Config::default()
                },
                wasi: WasiConfig {
                    args: vec!["m.wasm".into()],
                    ..WasiConfig::default()
                },
                gas_profile: true,
                ..RunConfig::default()
            };
            match session::run(wasm, rc) {
                Ok(out) => {
                    let internal = out.trap.as_ref().map(|t| t.code()) == Some(TrapCode::Internal);
                    (!internal)
                        .then_some(guest_bytes(&out, wasm.len()).0)
                        .ok_or("internal trap")
                }
                Err(Error::Internal(m)) => Err(m),
                Err(_) => Ok(0),
            }
        })
    });
    match caught {
        Err(_) => Some(format!("{what}: the library panicked")),
        Ok((Err(m), _)) => Some(format!("{what}: internal error {m}")),
        // A run whose guest grew memory is judged with that memory.
        Ok((Ok(0), Some(over))) => Some(over),
        Ok(_) => None,
    }
}

/// The binary on one input: every command given must end cleanly within the bounds
/// (10^7 gas at most for runs).
fn binary_checks(what: &str, runs: &[Vec<String>], tmp: &TempDir) -> Vec<String> {
    let mut over = Vec::new();
    for args in runs {
        let c = detwasm(args, None, tmp);
        let label = format!("{what}: detwasm {}", args.join(" "));
        if let Err(p) = std::panic::catch_unwind(|| assert_clean_exit(&label, &c)) {
            over.push(p.downcast_ref::<String>().cloned().unwrap_or_default());
        }
        if c.wall > time_bound(10_000_000, 0, 0) {
            over.push(format!("{label}: took {:?}", c.wall));
        }
        if c.peak_rss > SLACK_BYTES {
            over.push(format!("{label}: peak RSS {} MiB", c.peak_rss / MIB));
        }
    }
    over
}

#[test]
fn truncated_and_flipped_modules() {
    let wasm = program("tests/programs/wc.wasm");
    let tmp = TempDir::new("modules");
    let mut failures = Vec::new();
    let all = mutations(&wasm, 151);
    for (i, (how, m)) in all.iter().enumerate() {
        let what = format!("wc.wasm {how}");
        failures.extend(library_module(&what, m));
        // The binary on one mutation in 25, under every variant.
        if i % 25 == 0 {
            let file = tmp.file("m.wasm", m);
            let stdin = tmp.file("stdin", b"some words\n");
            let mut runs = vec![vec!["validate".to_string(), file.clone()]];
            for variant in variants(&tmp) {
                let mut args = vec!["run".to_string(), "--gas".into(), "10000000".into()];
                args.extend(variant);
                args.extend(["--stdin".to_string(), stdin.clone(), file.clone()]);
                runs.push(args);
            }
            failures.extend(binary_checks(&what, &runs, &tmp));
        }
    }
    eprintln!("{} module mutations checked", all.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn truncated_and_flipped_traces() {
    let wasm = program("tests/programs/wc.wasm");
    let tmp = TempDir::new("traces");
    let module = tmp.file("wc.wasm", &wasm);
    let stdin = tmp.file("stdin", b"one two three\nfour five\n");
    let trace_path = tmp.path("good.trace");
    let rec = detwasm(
        &[
            "run".into(),
            "--trace".into(),
            trace_path.clone(),
            "--stdin".into(),
            stdin,
            module.clone(),
        ],
        None,
        &tmp,
    );
    assert_eq!(rec.code, Some(0), "{rec:?}");
    let trace = std::fs::read(&trace_path).unwrap();
    let mut failures = Vec::new();
    let all = mutations(&trace, 13);
    for (i, (how, t)) in all.iter().enumerate() {
        let what = format!("wc trace {how}");
        let caught = std::panic::catch_unwind(|| {
            bounded(&what, (10_000_000, 0, t.len() + wasm.len()), || {
                let _ = detwasm::trace::show_json_lines(t);
                if let Ok(parsed) = detwasm::trace::Trace::from_bytes(t) {
                    let _ = detwasm::trace::replay(&wasm, &parsed);
                }
            })
        });
        match caught {
            Err(_) => failures.push(format!("{what}: the library panicked")),
            Ok((_, Some(over))) => failures.push(over),
            Ok(_) => {}
        }
        if i % 20 == 0 {
            let file = tmp.file("m.trace", t);
            let runs = vec![
                vec!["trace".to_string(), "show".into(), file.clone()],
                vec!["replay".to_string(), file.clone(), module.clone()],
                vec!["diff".to_string(), trace_path.clone(), file.clone()],
            ];
            failures.extend(binary_checks(&what, &runs, &tmp));
        }
    }
    eprintln!("{} trace mutations checked", all.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
