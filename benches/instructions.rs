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
//! translation or instantiation. Needs `valgrind` on the PATH. The programs, entry
//! points and expected results are those of `benches/execute.rs` (see
//! benches/programs/README.md); the figures are written up in BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

/// One program: name, export, argument, and the expected result's bits (i32 results
/// zero-extended, f64 results as their bits).
const PROGRAMS: &[(&str, &str, i32, u64)] = &[
    ("fib", "fib", 25, 75025),
    ("sha256", "sha256_bench", 10, (-1511106770i32) as u32 as u64),
    ("matmul", "matmul", 64, 0xbfdb_0000_0000_0000),
];

const ENGINES: &[&str] = &["detwasm", "detwasm-nogas", "wasmi", "wasmi-fuel"];

fn wasm_bytes(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/programs")
        .join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

/// Loads `program` in `engine` and calls it `reps` times, checking each result.
fn run(engine: &str, program: &str, reps: u32) {
    let &(_, export, arg, expected) = PROGRAMS
        .iter()
        .find(|p| p.0 == program)
        .unwrap_or_else(|| panic!("unknown program {program}"));
    let bytes = wasm_bytes(program);
    match engine {
        "detwasm" | "detwasm-nogas" => {
            let engine = detwasm::Engine::new(detwasm::Config {
                gas_metering: engine == "detwasm",
                ..detwasm::Config::default()
            });
            let module = detwasm::Module::new(&engine, &bytes).unwrap();
            let mut store = detwasm::Store::new(&engine);
            store.set_gas_limit(1 << 60);
            let inst = store.instantiate(&module, &[]).unwrap();
            let Some(detwasm::Extern::Func(f)) = store.instance_export(inst, export) else {
                panic!("no export {export}");
            };
            for _ in 0..reps {
                let r = store.invoke(f, &[detwasm::Value::I32(arg)]).unwrap();
                let bits = match r.as_slice() {
                    [detwasm::Value::I32(v)] => u64::from(*v as u32),
                    [detwasm::Value::F64(b)] => *b,
                    other => panic!("unexpected results {other:?}"),
                };
                assert_eq!(bits, expected, "{program} on detwasm");
            }
        }
        "wasmi" | "wasmi-fuel" => {
            let fuel = engine == "wasmi-fuel";
            let mut config = wasmi::Config::default();
            config.compilation_mode(wasmi::CompilationMode::Eager);
            config.consume_fuel(fuel);
            let engine = wasmi::Engine::new(&config);
            let module = wasmi::Module::new(&engine, &bytes).unwrap();
            let mut store = wasmi::Store::new(&engine, ());
            let linker = wasmi::Linker::<()>::new(&engine);
            let inst = linker.instantiate_and_start(&mut store, &module).unwrap();
            let f = inst.get_func(&store, export).unwrap();
            let mut results = [wasmi::Val::I32(0)];
            for _ in 0..reps {
                if fuel {
                    store.set_fuel(u64::MAX).unwrap();
                }
                f.call(&mut store, &[wasmi::Val::I32(arg)], &mut results)
                    .unwrap();
                let bits = match &results[0] {
                    wasmi::Val::I32(v) => u64::from(*v as u32),
                    wasmi::Val::F64(v) => v.to_bits(),
                    other => panic!("unexpected result {other:?}"),
                };
                assert_eq!(bits, expected, "{program} on wasmi");
            }
        }
        other => panic!("unknown engine {other}"),
    }
}

/// Runs this binary under callgrind and returns the instructions it executed.
fn count(engine: &str, program: &str, reps: u32) -> u64 {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(&exe)
        .args(["run", engine, program, &reps.to_string()])
        .output()
        .unwrap_or_else(|e| panic!("running valgrind: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{engine} {program} x{reps} under callgrind failed:\n{stderr}"
    );
    // callgrind's summary line: "==PID== Collected : N".
    stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no instruction count in callgrind's output:\n{stderr}"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [cmd, engine, program, reps, ..] = args.as_slice() {
        if cmd == "run" {
            run(engine, program, reps.parse().expect("REPS"));
            return;
        }
    }
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!("instructions: valgrind is not installed (apt-get install -y valgrind)");
        std::process::exit(1);
    }
    println!("Instructions per call (callgrind, (count(3 calls) - count(1 call)) / 2):");
    println!(
        "{:<8} {:>14} {:>14} {:>14} {:>14} {:>8} {:>8} {:>8} {:>8}",
        "program", "detwasm", "det-nogas", "wasmi", "wasmi-fuel", "A/N", "F/W", "A/W", "A/F"
    );
    for &(program, ..) in PROGRAMS {
        let per_call: Vec<f64> = ENGINES
            .iter()
            .map(|e| {
                let one = count(e, program, 1);
                let three = count(e, program, 3);
                three.saturating_sub(one) as f64 / 2.0
            })
            .collect();
        let [a, n, w, f] = per_call[..] else {
            unreachable!()
        };
        println!(
            "{program:<8} {a:>14.0} {n:>14.0} {w:>14.0} {f:>14.0} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
            a / n,
            f / w,
            a / w,
            a / f
        );
    }
    println!("A = detwasm (metering on), N = detwasm-nogas, W = wasmi, F = wasmi-fuel");
}
