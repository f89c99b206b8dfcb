//! Checkpoint events in traces and `bisect`: two recordings of the same module whose
//! host answers differ (different seeds for random_get) are narrowed down to the first
//! instruction before which their states differ, which must be the one right after the
//! host call that brought the different bytes in.

// Test helpers fail loudly on broken fixtures.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use detwasm::session::{self, RunConfig};
use detwasm::trace::{self, Event};
use detwasm::Config;

const WAT: &str = r#"(module
    (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "_start") (local i32)
        (local.set 0 (i32.const 10))
        (loop $l
            (i32.store (i32.const 64) (i32.add (i32.load (i32.const 64)) (local.get 0)))
            (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (drop (call $random (i32.const 0) (i32.const 8)))
        (i32.store (i32.const 100) (i32.load (i32.const 0)))))"#;

fn record(seed: u64, interval: u64) -> (Vec<u8>, trace::Trace) {
    let bytes = wat::parse_str(WAT).unwrap();
    let mut rc = RunConfig {
        config: Config {
            checkpoint_interval: interval,
            ..Config::default()
        },
        ..RunConfig::default()
    };
    rc.wasi.args = vec!["bisect.wasm".into()];
    rc.wasi.seed = seed;
    let out = session::run(&bytes, rc).unwrap();
    assert_eq!(out.exit_code, Some(0));
    (bytes, out.trace.unwrap().into_trace().unwrap())
}

/// The byte offset of the first `call` in the module's code.
fn call_offset(bytes: &[u8]) -> u32 {
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
            let mut ops = body.get_operators_reader().unwrap();
            while !ops.eof() {
                let (op, off) = ops.read_with_offset().unwrap();
                if matches!(op, wasmparser::Operator::Call { .. }) {
                    return off as u32;
                }
            }
        }
    }
    panic!("no call")
}

#[test]
fn traces_carry_checkpoint_events_that_replay_identically() {
    let (bytes, t) = record(1, 5);
    let cps: Vec<_> = t
        .events()
        .unwrap()
        .into_iter()
        .filter(|e| matches!(e, Event::Checkpoint(_)))
        .collect();
    assert!(cps.len() > 10, "{} checkpoints", cps.len());
    let report = trace::replay(&bytes, &t).unwrap();
    assert!(
        report.identical(),
        "replay with checkpoints must be identical"
    );
    // Without checkpoints the trace differs only by the interval and the events.
    let (_, plain) = record(1, 0);
    assert_ne!(plain.hash(), t.hash());
}

#[test]
fn bisect_names_the_instruction_after_the_diverging_host_call() {
    let (bytes, a) = record(1, 0);
    let (_, b) = record(2, 0);
    assert_ne!(a.hash(), b.hash());
    let d = trace::bisect(&bytes, &a, &b, 16)
        .unwrap()
        .expect("a difference");
    assert_eq!(d.interval, 1);
    let (x, y) = (d.a.unwrap(), d.b.unwrap());
    assert_eq!(
        (x.index, x.gas_used, x.offset),
        (y.index, y.gas_used, y.offset)
    );
    assert_ne!(x.state_sha256, y.state_sha256);
    // The last state both agree on is the one before the call to random_get.
    assert_eq!(d.last_equal.unwrap().offset, call_offset(&bytes));
    // Identical recordings never differ.
    assert_eq!(trace::bisect(&bytes, &a, &a, 16).unwrap(), None);
}

#[test]
fn the_independent_checker_accepts_checkpoint_events() {
    let (_, t) = record(3, 7);
    let path = std::env::temp_dir().join(format!("detwasm-cp-{}.trace", std::process::id()));
    std::fs::write(&path, t.as_bytes()).unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/check_trace.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    let Ok(out) = out else {
        println!("python3 is missing: the independent checker was not run");
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&t.hash_hex()), "{stdout}");
}
