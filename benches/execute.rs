//! Benchmarks of detwasm against wasmi 2.0 on the programs in `benches/programs/`, in
//! the same process: translate (`Module::new`), instantiate, and execute (one call of
//! the program's entry point). wasmi runs with fuel off and with fuel on; detwasm runs
//! with gas metering on (its only production mode) and, for execution, also with
//! `Config::gas_metering` off, to measure what metering costs. Before timing, every engine's result is checked against the
//! expected value (benches/programs/README.md), so a wrong engine cannot look fast.
//!
//! The SQLite demo of `examples/` runs as a whole embedded run (group `session`:
//! `session::run`, translation and instantiation included) under detwasm only, with
//! metering on and off; wasmi would need a WASI host.
//!
//! Criterion ids are `<group>/<program>/<engine>`. After criterion's own report, a
//! table gives each engine's time (the median of the per-iteration times criterion
//! measured) and the ratios detwasm/wasmi, detwasm/wasmi-fuel (both metered) and
//! detwasm-nogas/wasmi (both unmetered), with the geometric mean of each ratio over the
//! programs. Run with
//! `cargo bench --bench execute`; the defaults (10 samples, about 2 s per benchmark)
//! keep the whole run to a few minutes on two cores.

// Benchmarks state their expectations with unwrap and panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::Criterion;

mod common;

use common::{
    detwasm_engine, wasm_bytes, wasmi_engine, DetwasmRunner, Program, SqliteDemo, WasmiRunner,
    PROGRAMS, SQLITE_DEMO,
};

/// The engines compared; wasmi always translates eagerly, as detwasm does.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum EngineKind {
    Detwasm,
    DetwasmNoGas,
    Wasmi,
    WasmiFuel,
}

impl EngineKind {
    fn name(self) -> &'static str {
        match self {
            EngineKind::Detwasm => "detwasm",
            EngineKind::DetwasmNoGas => "detwasm-nogas",
            EngineKind::Wasmi => "wasmi",
            EngineKind::WasmiFuel => "wasmi-fuel",
        }
    }
}

// ---- measurement bookkeeping -------------------------------------------------------

/// Per-iteration times of every sample criterion took, by (group, program, engine).
type Samples = BTreeMap<(&'static str, &'static str, EngineKind), Vec<Duration>>;

static SAMPLES: Mutex<Samples> = Mutex::new(BTreeMap::new());

/// Times `iters` runs of `routine`, records the per-iteration time, and returns the total
/// (for `Bencher::iter_custom`).
fn timed(
    key: (&'static str, &'static str, EngineKind),
    iters: u64,
    mut routine: impl FnMut(),
) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        routine();
    }
    let total = start.elapsed();
    let per_iter = total / u32::try_from(iters.max(1)).unwrap_or(u32::MAX);
    SAMPLES
        .lock()
        .unwrap()
        .entry(key)
        .or_default()
        .push(per_iter);
    total
}

/// Samples criterion takes per benchmark; the ones before them were its warm-up.
const SAMPLE_SIZE: usize = 10;

/// The median of the last [`SAMPLE_SIZE`] samples (the measured ones).
fn median(samples: &[Duration]) -> Option<Duration> {
    let measured = &samples[samples.len().saturating_sub(SAMPLE_SIZE)..];
    let mut sorted = measured.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied()
}

fn print_ratios() {
    let samples = SAMPLES.lock().unwrap();
    if samples.is_empty() {
        return;
    }
    let row = |cells: [&str; 9]| {
        println!(
            "{:<12} {:<11} {:>10} {:>10} {:>10} {:>10} {:>6} {:>6} {:>6}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            cells[5],
            cells[6],
            cells[7],
            cells[8]
        );
    };
    println!();
    println!(
        "Median time per iteration; A = detwasm, N = detwasm-nogas, W = wasmi, F = wasmi-fuel:"
    );
    row([
        "group",
        "program",
        "detwasm",
        "det-nogas",
        "wasmi",
        "wasmi-fuel",
        "A/W",
        "A/F",
        "N/W",
    ]);
    let names = PROGRAMS.iter().map(|p| p.name).chain([SQLITE_DEMO]);
    for group in ["translate", "instantiate", "execute", "session"] {
        // Each ratio column's values, for its geometric mean over the programs.
        let mut ratios: [Vec<f64>; 3] = Default::default();
        for name in names.clone() {
            let time = |engine| samples.get(&(group, name, engine)).and_then(|s| median(s));
            let det = time(EngineKind::Detwasm);
            let nogas = time(EngineKind::DetwasmNoGas);
            let wasmi = time(EngineKind::Wasmi);
            let fuel = time(EngineKind::WasmiFuel);
            if det.is_none() && nogas.is_none() {
                continue;
            }
            let show = |t: Option<Duration>| t.map_or("-".to_string(), |t| format!("{t:.2?}"));
            let ratio = |a: Option<Duration>, b: Option<Duration>| {
                a.zip(b).map(|(a, b)| a.as_secs_f64() / b.as_secs_f64())
            };
            let show_ratio = |r: Option<f64>| r.map_or("-".to_string(), |r| format!("{r:.2}"));
            let (aw, af, nw) = (ratio(det, wasmi), ratio(det, fuel), ratio(nogas, wasmi));
            for (column, r) in ratios.iter_mut().zip([aw, af, nw]) {
                column.extend(r);
            }
            row([
                group,
                name,
                &show(det),
                &show(nogas),
                &show(wasmi),
                &show(fuel),
                &show_ratio(aw),
                &show_ratio(af),
                &show_ratio(nw),
            ]);
        }
        if ratios[0].len() > 1 {
            let mean = |i: usize| {
                let column = &ratios[i];
                if column.is_empty() {
                    return "-".to_string();
                }
                let logs: f64 = column.iter().map(|r| r.ln()).sum();
                format!("{:.2}", (logs / column.len() as f64).exp())
            };
            row([
                group,
                "geomean",
                "",
                "",
                "",
                "",
                &mean(0),
                &mean(1),
                &mean(2),
            ]);
        }
    }
}

// ---- benchmarks ---------------------------------------------------------------------

/// Checks that every engine computes the expected result before anything is timed.
fn check_results(program: &Program, bytes: &[u8]) {
    for metering in [true, false] {
        let engine = detwasm_engine(metering);
        let module = detwasm::Module::new(&engine, bytes).unwrap();
        let got = DetwasmRunner::new(&engine, &module, program.export).call(program.arg);
        assert_eq!(
            got, program.expected,
            "detwasm (gas {metering}) on {}",
            program.name
        );
    }
    for fuel in [false, true] {
        let engine = wasmi_engine(fuel);
        let module = wasmi::Module::new(&engine, bytes).unwrap();
        let got = WasmiRunner::new(&engine, &module, program.export, fuel).call(program.arg);
        assert_eq!(
            got, program.expected,
            "wasmi (fuel {fuel}) on {}",
            program.name
        );
    }
}

fn bench_translate(c: &mut Criterion, name: &'static str, bytes: &[u8]) {
    let mut group = c.benchmark_group(format!("translate/{name}"));
    let engine = detwasm::Engine::default();
    let key = |kind| ("translate", name, kind);
    group.bench_function(EngineKind::Detwasm.name(), |b| {
        b.iter_custom(|iters| {
            timed(key(EngineKind::Detwasm), iters, || {
                black_box(detwasm::Module::new(&engine, black_box(bytes)).unwrap());
            })
        })
    });
    for (kind, fuel) in [(EngineKind::Wasmi, false), (EngineKind::WasmiFuel, true)] {
        let engine = wasmi_engine(fuel);
        group.bench_function(kind.name(), |b| {
            b.iter_custom(|iters| {
                timed(key(kind), iters, || {
                    black_box(wasmi::Module::new(&engine, black_box(bytes)).unwrap());
                })
            })
        });
    }
    group.finish();
}

fn bench_instantiate(c: &mut Criterion, program: &Program, bytes: &[u8]) {
    let mut group = c.benchmark_group(format!("instantiate/{}", program.name));
    let key = |kind| ("instantiate", program.name, kind);
    let engine = detwasm::Engine::default();
    let module = detwasm::Module::new(&engine, bytes).unwrap();
    group.bench_function(EngineKind::Detwasm.name(), |b| {
        b.iter_custom(|iters| {
            timed(key(EngineKind::Detwasm), iters, || {
                let mut store = detwasm::Store::new(&engine, ());
                black_box(store.instantiate(&module, &[]).unwrap());
            })
        })
    });
    for (kind, fuel) in [(EngineKind::Wasmi, false), (EngineKind::WasmiFuel, true)] {
        let engine = wasmi_engine(fuel);
        let module = wasmi::Module::new(&engine, bytes).unwrap();
        let linker = wasmi::Linker::<()>::new(&engine);
        group.bench_function(kind.name(), |b| {
            b.iter_custom(|iters| {
                timed(key(kind), iters, || {
                    let mut store = wasmi::Store::new(&engine, ());
                    if fuel {
                        store.set_fuel(u64::MAX).unwrap();
                    }
                    black_box(linker.instantiate_and_start(&mut store, &module).unwrap());
                })
            })
        });
    }
    group.finish();
}

fn bench_execute(c: &mut Criterion, program: &Program, bytes: &[u8]) {
    let mut group = c.benchmark_group(format!("execute/{}", program.name));
    let key = |kind| ("execute", program.name, kind);
    let arg = program.arg;
    for (kind, metering) in [
        (EngineKind::Detwasm, true),
        (EngineKind::DetwasmNoGas, false),
    ] {
        let engine = detwasm_engine(metering);
        let module = detwasm::Module::new(&engine, bytes).unwrap();
        let mut runner = DetwasmRunner::new(&engine, &module, program.export);
        group.bench_function(kind.name(), |b| {
            b.iter_custom(|iters| {
                timed(key(kind), iters, || {
                    black_box(runner.call(black_box(arg)));
                })
            })
        });
    }
    for (kind, fuel) in [(EngineKind::Wasmi, false), (EngineKind::WasmiFuel, true)] {
        let engine = wasmi_engine(fuel);
        let module = wasmi::Module::new(&engine, bytes).unwrap();
        let mut runner = WasmiRunner::new(&engine, &module, program.export, fuel);
        group.bench_function(kind.name(), |b| {
            b.iter_custom(|iters| {
                timed(key(kind), iters, || {
                    black_box(runner.call(black_box(arg)));
                })
            })
        });
    }
    group.finish();
}

/// The SQLite demo as one embedded run (`session::run`: translation, instantiation
/// and the run), detwasm only, metering on and off; checked before timing.
fn bench_sqlite(c: &mut Criterion) {
    let demo = SqliteDemo::load();
    demo.run(true);
    demo.run(false);
    let mut group = c.benchmark_group(format!("session/{SQLITE_DEMO}"));
    for (kind, metering) in [
        (EngineKind::Detwasm, true),
        (EngineKind::DetwasmNoGas, false),
    ] {
        group.bench_function(kind.name(), |b| {
            b.iter_custom(|iters| {
                timed(("session", SQLITE_DEMO, kind), iters, || {
                    demo.run(metering);
                })
            })
        });
    }
    group.finish();
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(SAMPLE_SIZE)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    for program in PROGRAMS {
        let bytes = wasm_bytes(program);
        check_results(program, &bytes);
        bench_translate(&mut c, program.name, &bytes);
        bench_instantiate(&mut c, program, &bytes);
        bench_execute(&mut c, program, &bytes);
    }
    // Translation of the largest module at hand (1.5 MB, 1.2 MB of code): the
    // throughput issue 10 item 6 compares with wasmi's eager translation.
    bench_translate(&mut c, SQLITE_DEMO, SqliteDemo::load().module_bytes());
    bench_sqlite(&mut c);
    c.final_summary();
    print_ratios();
}
