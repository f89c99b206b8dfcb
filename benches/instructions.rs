//! Instruction counts of one execution of each benchmark program under detwasm (gas
//! metering on and off) and wasmi 2.0 (fuel off and on), measured with valgrind's
//! callgrind, which counts executed machine instructions rather than time: the counts
//! repeat exactly for the same binary and inputs however loaded the machine is, so the
//! metering overhead can be read off a shared machine where timings vary by 2x.
//!
//! `cargo bench --bench instructions` re-executes this binary under
//! `valgrind --tool=callgrind` as `instructions run ENGINE PROGRAM REPS` with REPS = 1
//! and REPS = 3 (each run loads, translates and instantiates the program once, then
//! calls its entry point REPS times and checks every result), and reports
//! (count(3) - count(1)) / 2: the instructions of one call, without process start-up,
//! translation or instantiation, and the geometric mean of each ratio over the
//! programs. `translate_sqlite` counts one `Module::new` of `examples/sqlite3.wasm` in
//! each engine (wasmi in its eager mode), count(2) - count(1): translation alone. The SQLite demo (`sqlite_demo`) is counted for detwasm only (wasmi would
//! need a WASI host), as one whole `session::run` (translation and instantiation
//! included), count(2 runs) - count(1 run); it takes several minutes under callgrind.
//! Arguments select programs by name (`cargo bench --bench instructions -- sieve vm`);
//! without any, all run. Needs `valgrind` on the PATH. The programs, entry
//! points, expected results and engine runners are shared with `benches/execute.rs`
//! (`benches/common/`, see benches/programs/README.md); the figures are written up in BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

mod common;

use common::{
    detwasm_engine, wasm_bytes, wasmi_engine, DetwasmRunner, SqliteDemo, WasmiRunner, PROGRAMS,
    SQLITE_DEMO,
};

const ENGINES: &[&str] = &["detwasm", "detwasm-nogas", "wasmi", "wasmi-fuel"];

/// The checkpoint interval of the `detwasm-cp` and `detwasm-cp-unfused` engines of
/// `instructions run` (gas units).
const CHECKPOINT_INTERVAL: u64 = 1_000_000;

/// The pseudo-program that translates `examples/sqlite3.wasm` (`Module::new`, wasmi
/// in its eager mode) once per repetition and runs nothing.
const TRANSLATE_SQLITE: &str = "translate_sqlite";

/// Loads `program` in `engine` and calls it `reps` times, checking each result; for
/// the SQLite demo, runs the whole session `reps` times.
fn run(engine: &str, program: &str, reps: u32) {
    if program == TRANSLATE_SQLITE {
        let bytes = SqliteDemo::load().module_bytes().to_vec();
        match engine {
            "detwasm" | "detwasm-nogas" => {
                let engine = detwasm_engine(engine == "detwasm");
                for _ in 0..reps {
                    detwasm::Module::new(&engine, &bytes).unwrap();
                }
            }
            "wasmi" | "wasmi-fuel" => {
                let engine = wasmi_engine(engine == "wasmi-fuel");
                for _ in 0..reps {
                    wasmi::Module::new(&engine, &bytes).unwrap();
                }
            }
            other => panic!("unknown engine {other}"),
        }
        return;
    }
    if program == SQLITE_DEMO {
        let demo = SqliteDemo::load();
        for _ in 0..reps {
            demo.run(engine == "detwasm");
        }
        return;
    }
    let p = PROGRAMS
        .iter()
        .find(|p| p.name == program)
        .unwrap_or_else(|| panic!("unknown program {program}"));
    let bytes = wasm_bytes(p);
    match engine {
        "detwasm" | "detwasm-nogas" => {
            let engine = detwasm_engine(engine == "detwasm");
            let module = detwasm::Module::new(&engine, &bytes).unwrap();
            let mut runner = DetwasmRunner::new(&engine, &module, p.export);
            for _ in 0..reps {
                assert_eq!(runner.call(p.arg), p.expected, "{program} on detwasm");
            }
        }
        // Not in the table (counted by hand for BENCHMARKS.md): checkpoints every
        // `CHECKPOINT_INTERVAL` gas with the fused and the unfused translation.
        "detwasm-cp" | "detwasm-cp-unfused" => {
            let engine = detwasm::Engine::new(detwasm::Config {
                checkpoint_interval: CHECKPOINT_INTERVAL,
                fusion: engine == "detwasm-cp",
                ..detwasm::Config::default()
            });
            let module = detwasm::Module::new(&engine, &bytes).unwrap();
            let mut runner = DetwasmRunner::new(&engine, &module, p.export);
            for _ in 0..reps {
                assert_eq!(runner.call(p.arg), p.expected, "{program} with checkpoints");
            }
        }
        "wasmi" | "wasmi-fuel" => {
            let fuel = engine == "wasmi-fuel";
            let engine = wasmi_engine(fuel);
            let module = wasmi::Module::new(&engine, &bytes).unwrap();
            let mut runner = WasmiRunner::new(&engine, &module, p.export, fuel);
            for _ in 0..reps {
                assert_eq!(runner.call(p.arg), p.expected, "{program} on wasmi");
            }
        }
        other => panic!("unknown engine {other}"),
    }
}

/// The geometric mean of `values` (all positive).
fn geometric_mean(values: &[f64]) -> f64 {
    (values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [cmd, engine, program, reps, ..] = args.as_slice() {
        if cmd == "run" {
            run(engine, program, reps.parse().expect("REPS"));
            return;
        }
    }
    // Arguments other than options (`cargo bench` passes `--bench`) select programs by name.
    let filters: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!("instructions: valgrind is not installed (apt-get install -y valgrind)");
        std::process::exit(1);
    }
    println!("Instructions per call (callgrind, (count(3 calls) - count(1 call)) / 2):");
    println!(
        "{:<8} {:>14} {:>14} {:>14} {:>14} {:>8} {:>8} {:>8} {:>8}",
        "program", "detwasm", "det-nogas", "wasmi", "wasmi-fuel", "A/N", "F/W", "A/W", "A/F"
    );
    let mut ratios: Vec<[f64; 4]> = Vec::new();
    for program in PROGRAMS
        .iter()
        .map(|p| p.name)
        .filter(|name| filters.is_empty() || filters.contains(name))
    {
        let per_call: Vec<f64> = ENGINES
            .iter()
            .map(|e| {
                let one = common::callgrind_count(&[e, program], 1);
                let three = common::callgrind_count(&[e, program], 3);
                three.saturating_sub(one) as f64 / 2.0
            })
            .collect();
        let [a, n, w, f] = per_call[..] else {
            unreachable!()
        };
        let row = [a / n, f / w, a / w, a / f];
        println!(
            "{program:<8} {a:>14.0} {n:>14.0} {w:>14.0} {f:>14.0} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
            row[0], row[1], row[2], row[3]
        );
        ratios.push(row);
    }
    if ratios.len() > 1 {
        let mean = |i: usize| geometric_mean(&ratios.iter().map(|r| r[i]).collect::<Vec<_>>());
        println!(
            "{:<8} {:>14} {:>14} {:>14} {:>14} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
            "geomean",
            "",
            "",
            "",
            "",
            mean(0),
            mean(1),
            mean(2),
            mean(3)
        );
    }
    if filters.is_empty() || filters.contains(&TRANSLATE_SQLITE) {
        // One `Module::new` of sqlite3.wasm per repetition: count(2) - count(1).
        let per_module: Vec<f64> = ENGINES
            .iter()
            .map(|e| common::callgrind_second_rep(&[e, TRANSLATE_SQLITE]) as f64)
            .collect();
        let [a, n, w, f] = per_module[..] else {
            unreachable!()
        };
        println!(
            "{TRANSLATE_SQLITE:<8} {a:>14.0} {n:>14.0} {w:>14.0} {f:>14.0} {:>8.3} {:>8.3} {:>8.3} {:>8.3}   (one Module::new of sqlite3.wasm; not in the means)",
            a / n,
            f / w,
            a / w,
            a / f
        );
    }
    if filters.is_empty() || filters.contains(&SQLITE_DEMO) {
        // One whole session per repetition, translation and instantiation included;
        // 1 and 2 runs, as each run costs minutes under callgrind.
        let per_run: Vec<f64> = ENGINES[..2]
            .iter()
            .map(|e| common::callgrind_second_rep(&[e, SQLITE_DEMO]) as f64)
            .collect();
        let [a, n] = per_run[..] else { unreachable!() };
        println!(
            "{SQLITE_DEMO:<8} {a:>14.0} {n:>14.0} {:>14} {:>14} {:>8.3}   (one session::run; detwasm only, not in the means)",
            "-",
            "-",
            a / n
        );
    }
    println!("A = detwasm (metering on), N = detwasm-nogas, W = wasmi, F = wasmi-fuel");
}
