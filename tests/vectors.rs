//! The golden cross-implementation vectors of `vectors/` (format in
//! `vectors/README.md`): every vector is run and must produce exactly its committed
//! expected files (stdout, stderr, outcome, gas, digests, trace hash, trace file);
//! `BLESS=1 cargo test --test vectors` regenerates them (and each `module.wasm` from its
//! `module.wat`). The independent checker `vectors/check_trace.py` (written from
//! SPEC.md §Trace alone) must agree on every stored trace. Slow vectors (the full heap
//! program, the SQLite demo) run in release builds, or in debug builds with
//! `DETWASM_SLOW_VECTORS=1`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod trace_support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use detwasm::session;
use detwasm::trace::Event;
use trace_support::{load_all, run_slow, vectors_dir, Vector};

fn bless() -> bool {
    std::env::var("BLESS").as_deref() == Ok("1")
}

/// Compares `actual` with the committed file at `path` (or writes it when blessing);
/// returns a description of the difference.
fn check_file(path: &Path, actual: &[u8]) -> Option<String> {
    let committed = std::fs::read(path).ok();
    if committed.as_deref() == Some(actual) {
        return None;
    }
    if bless() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
        return None;
    }
    Some(match committed {
        None => format!("{} is missing", path.display()),
        Some(c) => match (std::str::from_utf8(&c), std::str::from_utf8(actual)) {
            (Ok(c), Ok(a)) if c.len() + a.len() < 4000 => {
                format!(
                    "{} differs:\n--- committed\n{c}\n--- actual\n{a}",
                    path.display()
                )
            }
            _ => format!(
                "{} differs ({} committed bytes, {} actual bytes)",
                path.display(),
                c.len(),
                actual.len()
            ),
        },
    })
}

/// Runs one vector and checks every expected file; returns the differences.
fn check_vector(v: &Vector) -> Vec<String> {
    let mut problems = Vec::new();
    let wat = v.dir.join("module.wat");
    if wat.is_file() {
        let wasm = wat::parse_file(&wat).unwrap_or_else(|e| panic!("{}: {e}", v.name));
        problems.extend(check_file(&v.dir.join("module.wasm"), &wasm));
    }
    let bytes = v.module_bytes();
    let out = match session::run(&bytes, v.run_config()) {
        Ok(out) => out,
        Err(e) => return vec![format!("{}: the run failed: {e}", v.name)],
    };
    for (rel, data) in trace_support::expected_files(v, &out) {
        problems.extend(check_file(&v.dir.join(rel), &data));
    }
    problems
}

#[test]
fn every_vector_reproduces_its_expected_outputs() {
    let vectors = load_all();
    assert!(vectors.len() >= 40, "only {} vectors", vectors.len());
    let mut problems = Vec::new();
    for v in &vectors {
        if v.slow() && !run_slow() {
            println!(
                "vector {}: skipped (slow; runs in release builds or with DETWASM_SLOW_VECTORS=1)",
                v.name
            );
            continue;
        }
        let p = check_vector(v);
        println!(
            "vector {}: {}",
            v.name,
            if p.is_empty() { "ok" } else { "DIFFERS" }
        );
        problems.extend(p);
    }
    assert!(
        problems.is_empty(),
        "{} differences (run `BLESS=1 cargo test --test vectors` to regenerate after an intended change, and update SPEC.md in the same commit):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_loop_dispatch_backend_reproduces_every_vector_byte_for_byte() {
    // The default backend (threaded in optimised builds) is checked against the
    // committed files above; the loop backend must produce the same files.
    for v in &load_all() {
        if v.slow() && !run_slow() {
            continue;
        }
        let bytes = v.module_bytes();
        let files = |dispatch: detwasm::Dispatch| {
            let mut rc = v.run_config();
            rc.config.dispatch = dispatch;
            let out = session::run(&bytes, rc).unwrap_or_else(|e| panic!("{}: {e}", v.name));
            trace_support::expected_files(v, &out)
        };
        let auto = files(detwasm::Dispatch::Auto);
        let looped = files(detwasm::Dispatch::Loop);
        assert_eq!(auto.len(), looped.len(), "{}", v.name);
        for ((name, a), (_, b)) in auto.iter().zip(&looped) {
            assert!(a == b, "{}: {name} differs in the loop backend", v.name);
        }
    }
}

#[test]
fn schedule_listings_are_committed() {
    let dir = vectors_dir();
    let mut problems = Vec::new();
    problems.extend(check_file(
        &dir.join("gas_schedule.txt"),
        detwasm::trace::gas_schedule_listing().as_bytes(),
    ));
    problems.extend(check_file(
        &dir.join("host_schedule.txt"),
        detwasm::trace::host_schedule_listing().as_bytes(),
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_vectors_call_every_host_function_and_cover_every_reachable_trap() {
    let mut called = BTreeSet::new();
    let mut outcomes = BTreeSet::new();
    for v in load_all() {
        let Ok(bytes) = std::fs::read(v.dir.join("trace.bin")) else {
            continue;
        };
        let events = detwasm::trace::read_events(&bytes).unwrap().events;
        for e in &events {
            match e {
                Event::HostCall(c) => {
                    called.insert(c.name.clone());
                }
                Event::End(end) => {
                    outcomes.insert(
                        trace_support::outcome_text(&end.outcome)
                            .split(" func")
                            .next()
                            .unwrap()
                            .to_string(),
                    );
                }
                _ => {}
            }
        }
    }
    let provided: BTreeSet<String> = detwasm::wasi::provided_names()
        .map(|(n, _)| n.to_string())
        .collect();
    let missing: Vec<&String> = provided.difference(&called).collect();
    assert!(
        missing.is_empty(),
        "host functions no vector calls: {missing:?}"
    );
    // Every trap a guest can cause; `value_stack_exhausted` is never raised and
    // `host_error` only by a failing host (SPEC.md §Traps).
    for code in [
        "unreachable",
        "integer_overflow",
        "integer_divide_by_zero",
        "invalid_conversion_to_integer",
        "memory_out_of_bounds",
        "table_out_of_bounds",
        "undefined_element",
        "uninitialized_element",
        "indirect_call_type_mismatch",
        "call_stack_exhausted",
        "out_of_gas",
        "uncaught_exception",
        "null_reference",
    ] {
        assert!(
            outcomes.contains(&format!("trap {code}")),
            "no vector traps with {code}: {outcomes:?}"
        );
    }
    assert!(outcomes.iter().any(|o| o.starts_with("exit ")));
}

#[test]
fn the_independent_checker_agrees_on_every_stored_trace() {
    let script = vectors_dir().join("check_trace.py");
    let out = match Command::new("python3")
        .arg(&script)
        .arg(vectors_dir())
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            println!("SKIPPED: python3 is not available ({e}); vectors/check_trace.py was not run");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}{stderr}");
    assert!(
        out.status.success(),
        "check_trace.py failed:\n{stdout}\n{stderr}"
    );
    // Both schedule listings were rebuilt from SPEC.md and matched every start event.
    for listing in ["gas_schedule.txt", "host_schedule.txt"] {
        assert!(
            stdout.contains(&format!("ok {listing} rebuilt from SPEC.md: ")),
            "{stdout}"
        );
    }
    let checked = stdout
        .lines()
        .filter(|l| l.starts_with("ok ") && !l.contains(" rebuilt from SPEC.md: "))
        .count();
    let stored = load_all()
        .iter()
        .filter(|v| v.dir.join("trace.bin").is_file())
        .count();
    assert_eq!(checked, stored, "the checker must check every stored trace");
}
