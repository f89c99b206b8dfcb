//! The cost of the hashed execution trace (SPEC.md §Trace): the same WASI run with the
//! trace recorded (the default: every run has a trace hash) and with recording off
//! (`TraceOptions::record = false`, which also removes the host-call hook, so guest
//! memory accesses are neither copied nor hashed). Programs: `wc`, `fs_ops` and
//! `clock_rand` from tests/programs, a synthetic host-call stress loop (40 000 host
//! calls, each writing or reading guest memory, almost no wasm work: the worst case),
//! and the SQLite demo (`examples/`, 2 200 host calls, 600 M gas).
//!
//! A third mode installs a hook that does nothing, with recording off: the engine then
//! captures each host call's memory writes and hashes its reads, so the difference
//! between "hook" and "off" is the engine's share of the cost and the rest is the
//! recorder's (encoding and chaining events, digesting the final state).
//!
//! Runs alternate between the modes so drift hits all; each figure is the median of
//! the runs. Prints one line per program: host calls, trace bytes, median times and
//! the overhead of the trace in percent. Run with `cargo bench --bench trace` (about a minute on two
//! cores; `DETWASM_BENCH_RUNS=N` sets the runs per mode, default 7, 3 for SQLite).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::{Duration, Instant};

use detwasm::session::{self, RunConfig, TraceOptions};
use detwasm::wasi::fs::Dir;
use detwasm::wasi::{Preopen, WasiConfig};
use detwasm::{HostCall, HostCallOutcome, TraceHook};

const STRESS_WAT: &str = r#"
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (memory 1)
  (func (export "_start") (local $i i32)
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 64))
    (loop $l
      (drop (call $random_get (i32.const 64) (i32.const 64)))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 20000))))))
"#;

struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    wasi: WasiConfig,
    runs: usize,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn program(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/programs").join(format!("{name}.wasm"))).unwrap()
}

fn wasi(args: &[&str]) -> WasiConfig {
    WasiConfig {
        args: args.iter().map(|s| s.to_string()).collect(),
        ..WasiConfig::default()
    }
}

fn cases(runs: usize) -> Vec<Case> {
    let data = Dir::load_host(root().join("tests/programs/data")).unwrap();
    let mut wc = wasi(&["wc.wasm"]);
    wc.stdin = std::fs::read(root().join("tests/programs/input/words.txt")).unwrap();
    let mut fs_ops = wasi(&["fs_ops.wasm"]);
    fs_ops.preopens.push(Preopen {
        guest_path: "/data".into(),
        tree: data,
    });
    let mut sqlite = wasi(&["sqlite3.wasm", "/data/demo.db"]);
    sqlite.stdin = std::fs::read(root().join("examples/sql/demo.sql")).unwrap();
    sqlite.preopens.push(Preopen {
        guest_path: "/data".into(),
        tree: Dir::load_host(root().join("examples/sql")).unwrap(),
    });
    vec![
        Case {
            name: "wc",
            bytes: program("wc"),
            wasi: wc,
            runs,
        },
        Case {
            name: "fs_ops",
            bytes: program("fs_ops"),
            wasi: fs_ops,
            runs,
        },
        Case {
            name: "clock_rand",
            bytes: program("clock_rand"),
            wasi: wasi(&["clock_rand.wasm"]),
            runs,
        },
        Case {
            name: "host_call_stress",
            bytes: wat::parse_str(STRESS_WAT).unwrap(),
            wasi: wasi(&["stress.wasm"]),
            runs,
        },
        Case {
            name: "sqlite_demo",
            bytes: std::fs::read(root().join("examples/sqlite3.wasm")).unwrap(),
            wasi: sqlite,
            runs: runs.min(3),
        },
    ]
}

/// A hook that observes nothing.
struct NoOp;

impl TraceHook for NoOp {
    fn host_call(&mut self, _call: &HostCall<'_>, _outcome: &HostCallOutcome<'_>) {}
}

#[derive(Copy, Clone, PartialEq)]
enum Mode {
    Off,
    Hook,
    On,
}

/// One run; returns its time, host calls and trace size.
fn run(case: &Case, mode: Mode) -> (Duration, u64, u64) {
    let record = mode == Mode::On;
    let rc = RunConfig {
        wasi: case.wasi.clone(),
        trace_hook: (mode == Mode::Hook).then(|| Box::new(NoOp) as Box<dyn TraceHook>),
        ..RunConfig::default()
    };
    let t = Instant::now();
    let out = session::run_traced(
        &case.bytes,
        rc,
        TraceOptions {
            record,
            replay: None,
        },
    )
    .unwrap();
    let elapsed = t.elapsed();
    assert!(out.trap.is_none(), "{}: {:?}", case.name, out.trap);
    assert_eq!(out.exit_code, Some(0), "{}", case.name);
    let (calls, size) = out
        .trace
        .map_or((0, 0), |t| (t.event_count() - 2, t.len_bytes()));
    (elapsed, calls, size)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects programs by name.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let runs = std::env::var("DETWASM_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    println!(
        "{:<18} {:>10} {:>12} {:>12} {:>12} {:>12} {:>9}",
        "program", "host calls", "trace bytes", "trace off", "hook only", "trace on", "overhead"
    );
    for case in cases(runs) {
        if !filter.is_empty() && !filter.iter().any(|f| case.name.contains(f.as_str())) {
            continue;
        }
        // One warm-up run of each mode.
        let (_, calls, size) = run(&case, Mode::On);
        run(&case, Mode::Off);
        let (mut on, mut hook, mut off) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..case.runs {
            off.push(run(&case, Mode::Off).0);
            hook.push(run(&case, Mode::Hook).0);
            on.push(run(&case, Mode::On).0);
        }
        let (on, hook, off) = (median(on), median(hook), median(off));
        let overhead = (on.as_secs_f64() / off.as_secs_f64() - 1.0) * 100.0;
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{:<18} {:>10} {:>12} {:>10.2}ms {:>10.2}ms {:>10.2}ms {:>8.1}%",
            case.name,
            calls,
            size,
            ms(off),
            ms(hook),
            ms(on),
            overhead
        );
    }
}
