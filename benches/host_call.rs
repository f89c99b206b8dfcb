//! The cost of a host call (issue 11; BENCHMARKS.md "Host call cost"): a wasm loop of
//! `N` iterations, each calling `env.h(acc)` and keeping its result, against the same
//! loop calling a wasm function and the same loop with the body inlined (`empty`).
//! One iteration's extra cost over `empty` is the cost of the call.
//!
//! Cases (the host functions are defined through each engine's `Linker`):
//! - `empty`: `acc = acc + 1` inline, no call;
//! - `wasm`: `acc = w(acc)`, `w` a wasm function returning its argument + 1;
//! - `host`: `acc = h(acc)`, `h` a typed Rust closure returning its argument + 1;
//! - `host_mem`: `h` also reads 32 bytes of the caller's memory and writes them back
//!   32 bytes further (detwasm records both for a trace, as every host function's
//!   accesses are recorded).
//!
//! Engines: `detwasm` (gas metering on, no trace hook: what an embedder's `Store`
//! pays; the trace recorder's cost per host call is in BENCHMARKS.md "Trace
//! overhead") and `wasmi-fuel` (wasmi 2.0, fuel on).
//!
//! `cargo bench --bench host_call` prints median times per iteration
//! (`DETWASM_BENCH_RUNS=N` runs, default 15); `cargo bench --bench host_call --
//! instructions` counts machine instructions per iteration with callgrind instead
//! (needs valgrind), which repeats exactly on a loaded machine. The child mode is
//! `host_call run ENGINE CASE REPS`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// Only the callgrind helpers are used here.
#[allow(dead_code)]
mod common;

use std::time::Instant;

use detwasm::{Caller, Engine, Extern, Func, Linker, Module, Store, Trap, TrapCode, Value};

/// Iterations per timed call of the loop.
const N: i32 = 100_000;
/// Iterations per repetition under callgrind (slower by about 50x).
const N_COUNTED: i32 = 10_000;
/// Base gas of `env.h` in detwasm (any value: it only moves the gas counter).
const HOST_BASE_GAS: u64 = 10;

const CASES: &[&str] = &["empty", "wasm", "host", "host_mem"];
const ENGINES: &[&str] = &["detwasm", "wasmi-fuel"];

const LOOPS: &str = r#"
(module
  (import "env" "h" (func $h (param i32) (result i32)))
  (memory (export "memory") 1)
  (func $w (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "empty") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "wasm") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (call $w (local.get $acc)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "host") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (call $h (local.get $acc)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))
"#;

/// The byte address `host_mem` reads 32 bytes at for argument `x` (and writes them
/// back 32 bytes further): within the first 16 KiB.
fn mem_addr(x: i32) -> u32 {
    (x as u32 & 0xff) * 64
}

/// The export to call for `case` (`host_mem` runs the `host` loop with the memory
/// variant of `env.h`).
fn export_of(case: &str) -> &str {
    match case {
        "host_mem" => "host",
        other => other,
    }
}

/// A runner calling one case's loop with `n` iterations; checks the result (`n`).
trait Runner {
    fn call(&mut self, n: i32);
}

struct Detwasm {
    store: Store,
    func: Func,
}

impl Runner for Detwasm {
    fn call(&mut self, n: i32) {
        self.store.set_gas_limit(common::DETWASM_GAS);
        let r = self.store.invoke(self.func, &[Value::I32(n)]).unwrap();
        assert_eq!(r, [Value::I32(n)]);
    }
}

fn detwasm(case: &str) -> Detwasm {
    let engine = Engine::default();
    let module = Module::new(&engine, &wat::parse_str(LOOPS).unwrap()).unwrap();
    let mut linker = Linker::<()>::new();
    if case == "host_mem" {
        linker
            .func_wrap(
                "env",
                "h",
                HOST_BASE_GAS,
                |mut caller: Caller<'_, ()>, x: i32| {
                    let addr = mem_addr(x);
                    let bytes = caller
                        .read_memory(addr, 32)
                        .ok_or(Trap::new(TrapCode::HostError))?;
                    if !caller.write_memory(addr + 32, &bytes) {
                        return Err(Trap::new(TrapCode::HostError));
                    }
                    Ok(x.wrapping_add(1))
                },
            )
            .unwrap();
    } else {
        linker
            .func_wrap("env", "h", HOST_BASE_GAS, |_: Caller<'_, ()>, x: i32| {
                Ok(x.wrapping_add(1))
            })
            .unwrap();
    }
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let Some(Extern::Func(func)) = store.instance_export(instance, export_of(case)) else {
        panic!("no export {case}");
    };
    Detwasm { store, func }
}

struct Wasmi {
    store: wasmi::Store<()>,
    func: wasmi::TypedFunc<i32, i32>,
}

impl Runner for Wasmi {
    fn call(&mut self, n: i32) {
        self.store.set_fuel(u64::MAX).unwrap();
        assert_eq!(self.func.call(&mut self.store, n).unwrap(), n);
    }
}

fn wasmi(case: &str) -> Wasmi {
    let engine = common::wasmi_engine(true);
    let module = wasmi::Module::new(&engine, wat::parse_str(LOOPS).unwrap()).unwrap();
    let mut linker = wasmi::Linker::<()>::new(&engine);
    if case == "host_mem" {
        linker
            .func_wrap(
                "env",
                "h",
                |mut caller: wasmi::Caller<'_, ()>, x: i32| -> Result<i32, wasmi::Error> {
                    let memory = caller
                        .get_export("memory")
                        .and_then(wasmi::Extern::into_memory)
                        .ok_or_else(|| wasmi::Error::new("no memory"))?;
                    let addr = mem_addr(x) as usize;
                    let mut bytes = [0u8; 32];
                    memory
                        .read(&caller, addr, &mut bytes)
                        .map_err(|e| wasmi::Error::new(e.to_string()))?;
                    memory
                        .write(&mut caller, addr + 32, &bytes)
                        .map_err(|e| wasmi::Error::new(e.to_string()))?;
                    Ok(x.wrapping_add(1))
                },
            )
            .unwrap();
    } else {
        linker
            .func_wrap("env", "h", |_: wasmi::Caller<'_, ()>, x: i32| {
                x.wrapping_add(1)
            })
            .unwrap();
    }
    let mut store = wasmi::Store::new(&engine, ());
    let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
    let func = instance
        .get_typed_func::<i32, i32>(&store, export_of(case))
        .unwrap();
    Wasmi { store, func }
}

fn runner(engine: &str, case: &str) -> Box<dyn Runner> {
    match engine {
        "detwasm" => Box::new(detwasm(case)),
        "wasmi-fuel" => Box::new(wasmi(case)),
        other => panic!("unknown engine {other}"),
    }
}

/// Nanoseconds per iteration of each case (median), engines alternating per run so
/// that drift on a shared machine hits all of them.
fn times() -> Vec<Vec<f64>> {
    let mut runners: Vec<Vec<Box<dyn Runner>>> = ENGINES
        .iter()
        .map(|e| CASES.iter().map(|c| runner(e, c)).collect())
        .collect();
    let mut samples = vec![vec![Vec::new(); CASES.len()]; ENGINES.len()];
    for _ in 0..common::runs() {
        for (e, row) in runners.iter_mut().enumerate() {
            for (c, r) in row.iter_mut().enumerate() {
                let t = Instant::now();
                r.call(N);
                samples[e][c].push(t.elapsed());
            }
        }
    }
    samples
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|s| common::median(s).as_secs_f64() * 1e9 / f64::from(N))
                .collect()
        })
        .collect()
}

/// Instructions per iteration of each case (callgrind).
fn instructions() -> Vec<Vec<f64>> {
    ENGINES
        .iter()
        .map(|e| {
            CASES
                .iter()
                .map(|c| common::callgrind_per_rep(&[e, c]) as f64 / f64::from(N_COUNTED))
                .collect()
        })
        .collect()
}

fn report(unit: &str, table: &[Vec<f64>]) {
    println!("{unit} per iteration; the call's cost is the case minus `empty`");
    println!(
        "{:<12} {:>10} {:>10} {:>10} {:>10} {:>12} {:>12} {:>12}",
        "engine", "empty", "wasm", "host", "host_mem", "wasm call", "host call", "host_mem"
    );
    for (engine, row) in ENGINES.iter().zip(table) {
        println!(
            "{engine:<12} {:>10.1} {:>10.1} {:>10.1} {:>10.1} {:>12.1} {:>12.1} {:>12.1}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[1] - row[0],
            row[2] - row[0],
            row[3] - row[0]
        );
    }
    let (d, w) = (&table[0], &table[1]);
    println!(
        "detwasm / wasmi-fuel, the call's cost: wasm {:.2}, host {:.2}, host_mem {:.2}",
        (d[1] - d[0]) / (w[1] - w[0]),
        (d[2] - d[0]) / (w[2] - w[0]),
        (d[3] - d[0]) / (w[3] - w[0])
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("run") => {
            let mut r = runner(&args[2], &args[3]);
            for _ in 0..args[4].parse::<u32>().unwrap() {
                r.call(N_COUNTED);
            }
        }
        Some("instructions") => report("instructions (callgrind)", &instructions()),
        _ => report("nanoseconds (median)", &times()),
    }
}
