//! The cost of atomic calls (SPEC.md §Atomic calls, BENCHMARKS.md "Rollback cost").
//!
//! 1. Rollback: a 1024-page memory; a call writes k of its 64 KiB pages (one byte in
//!    each, or the whole page with `memory.fill`), then traps. Timed as a plain
//!    `invoke` (threaded backend, nothing journaled, nothing undone) and as
//!    `call_atomic` (loop backend, journal pages saved before their first write,
//!    copied back at the trap). The difference is the journal's and rollback's cost.
//! 2. Committed calls: the same writes without the trap, and the benchmark programs
//!    (`benches/programs/`, compute with few writes), `invoke` against `call_atomic`.
//!
//! Runs alternate between the two ways so drift hits both; each figure is the median.
//! Run with `cargo bench --bench atomic` (`DETWASM_BENCH_RUNS=N`, default 15).
//!
//! On a shared machine timings vary by 2x, so `cargo bench --bench atomic --
//! instructions` counts machine instructions instead, with valgrind's callgrind as
//! `benches/instructions.rs` does: this binary runs as `atomic run MODE CASE REPS`
//! (MODE `invoke`, `atomic` or `loop`, the last a plain invoke in the loop backend)
//! with REPS = 1 and 3, and one call is (count(3) - count(1)) / 2.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// Only the program list is used here.
#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use detwasm::{Config, Dispatch, Engine, Extern, Func, Module, Store, Value, JOURNAL_PAGE_BYTES};

const WRITER: &str = r#"
(module (memory (export "mem") 1024)
  (func (export "f") (param $k i32) (param $whole i32) (param $fail i32) (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
      (if (local.get $whole)
        (then (memory.fill (i32.mul (local.get $i) (i32.const 65536)) (i32.const 9) (i32.const 65536)))
        (else (i32.store8 (i32.mul (local.get $i) (i32.const 65536)) (i32.const 9))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (if (local.get $fail) (then unreachable))))
"#;

fn export(store: &Store, module: &Module, name: &str) -> Func {
    let _ = module;
    let inst = store
        .instance(detwasm::InstanceAddr(0))
        .expect("one instance");
    let Some(Extern::Func(f)) = store.instance_export(inst, name) else {
        panic!("no export {name}");
    };
    f
}

/// Median times of `invoke` and `call_atomic` of `f(args)` on `store`.
fn time_both(store: &mut Store, f: Func, args: &[Value], n: usize) -> (Duration, Duration) {
    let (mut plain, mut atomic) = (Vec::new(), Vec::new());
    for _ in 0..n {
        store.set_gas_limit(u64::MAX / 2);
        let t = Instant::now();
        let a = store.invoke(f, args);
        plain.push(t.elapsed());
        store.set_gas_limit(u64::MAX / 2);
        let t = Instant::now();
        let b = store.call_atomic(f, args);
        atomic.push(t.elapsed());
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
    (common::median(plain), common::median(atomic))
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The rollback cases: pages written, whole pages or one byte each.
const ROLLBACKS: &[(i32, i32)] = &[(1, 0), (16, 0), (256, 0), (16, 1), (256, 1)];

fn case_name(k: i32, whole: i32) -> String {
    format!("rollback{k}{}", if whole == 1 { "w" } else { "" })
}

/// A store ready to call `case` (a rollback case or a program) in `mode`, with the
/// function and its arguments.
fn setup(mode: &str, case: &str) -> (Store, Func, Vec<Value>) {
    let config = match mode {
        "loop" => Config {
            dispatch: Dispatch::Loop,
            ..Config::default()
        },
        _ => Config::default(),
    };
    let engine = Engine::new(config);
    for &(k, whole) in ROLLBACKS {
        if case == case_name(k, whole) {
            let module = Module::new(&engine, &wat::parse_str(WRITER).unwrap()).unwrap();
            let mut store = Store::new(&engine, ());
            store.instantiate(&module, &[]).unwrap();
            let f = export(&store, &module, "f");
            return (
                store,
                f,
                vec![Value::I32(k), Value::I32(whole), Value::I32(1)],
            );
        }
    }
    let prog = common::PROGRAMS
        .iter()
        .find(|p| p.name == case)
        .unwrap_or_else(|| panic!("no case {case}"));
    let module = Module::new(&engine, &common::wasm_bytes(prog)).unwrap();
    let mut store = Store::new(&engine, ());
    store.instantiate(&module, &[]).unwrap();
    let f = export(&store, &module, prog.export);
    (store, f, vec![Value::I32(prog.arg)])
}

/// `run MODE CASE REPS`: what callgrind counts.
fn run(mode: &str, case: &str, reps: u32) {
    let (mut store, f, args) = setup(mode, case);
    for _ in 0..reps {
        store.set_gas_limit(u64::MAX / 2);
        let r = match mode {
            "atomic" => store.call_atomic(f, &args),
            _ => store.invoke(f, &args),
        };
        std::hint::black_box(r).ok();
    }
}

fn per_call(mode: &str, case: &str) -> u64 {
    common::callgrind_per_rep(&[mode, case])
}

fn instructions() {
    println!("journal page: {JOURNAL_PAGE_BYTES} bytes; instructions per call (callgrind)");
    println!("rollback, 1024-page memory: case, invoke, call_atomic, difference");
    for &(k, whole) in ROLLBACKS {
        let case = case_name(k, whole);
        let (p, a) = (per_call("invoke", &case), per_call("atomic", &case));
        println!("{case:<12} {p:>12} {a:>12} {:>12}", a.saturating_sub(p));
    }
    println!("committed programs: name, invoke, loop backend invoke, call_atomic, atomic/invoke, atomic/loop");
    for prog in common::PROGRAMS {
        let (p, l, a) = (
            per_call("invoke", prog.name),
            per_call("loop", prog.name),
            per_call("atomic", prog.name),
        );
        println!(
            "{:<8} {p:>12} {l:>12} {a:>12} {:>6.3} {:>6.3}",
            prog.name,
            a as f64 / p as f64,
            a as f64 / l as f64
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("run") => {
            run(&args[2], &args[3], args[4].parse().unwrap());
            return;
        }
        Some("instructions") => {
            instructions();
            return;
        }
        _ => {}
    }
    let n = common::runs();
    let engine = Engine::new(Config::default());
    println!("journal page: {JOURNAL_PAGE_BYTES} bytes; {n} runs per figure (median)");
    let module = Module::new(&engine, &wat::parse_str(WRITER).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    store.instantiate(&module, &[]).unwrap();
    let f = export(&store, &module, "f");
    println!("rollback, 1024-page memory: pages written, kind, invoke us, call_atomic us, difference us, journal pages saved");
    for whole in [0, 1] {
        for k in [1, 16, 256] {
            let args = [Value::I32(k), Value::I32(whole), Value::I32(1)];
            let (p, a) = time_both(&mut store, f, &args, n);
            let (_, stats) = store.call_atomic_stats(f, &args);
            println!(
                "{k:>4} {:<10} {:>10.1} {:>10.1} {:>10.1} {:>6}",
                if whole == 1 { "whole" } else { "one byte" },
                us(p),
                us(a),
                us(a) - us(p),
                stats.memory_pages_saved
            );
        }
    }
    println!(
        "committed calls: name, invoke us, call_atomic us, ratio, invoke in the loop backend us"
    );
    for (k, whole) in [(16, 0), (16, 1)] {
        // The writes are idempotent, so every committed call does the same work.
        let args = [Value::I32(k), Value::I32(whole), Value::I32(0)];
        let (p, a) = time_both(&mut store, f, &args, n);
        println!(
            "writer k={k} {} {:>10.1} {:>10.1} {:>6.2}",
            if whole == 1 { "whole" } else { "byte" },
            us(p),
            us(a),
            us(a) / us(p)
        );
    }
    for prog in common::PROGRAMS {
        let bytes = common::wasm_bytes(prog);
        let module = Module::new(&engine, &bytes).unwrap();
        let mut store = Store::new(&engine, ());
        store.instantiate(&module, &[]).unwrap();
        let f = export(&store, &module, prog.export);
        let (p, a) = time_both(&mut store, f, &[Value::I32(prog.arg)], n.min(7));
        // The loop backend alone (what call_atomic runs in), without a journal.
        let loop_engine = Engine::new(Config {
            dispatch: Dispatch::Loop,
            ..Config::default()
        });
        let module = Module::new(&loop_engine, &bytes).unwrap();
        let mut lstore = Store::new(&loop_engine, ());
        lstore.instantiate(&module, &[]).unwrap();
        let (l, _) = time_both(&mut lstore, f, &[Value::I32(prog.arg)], n.min(7));
        println!(
            "{:<8} {:>10.1} {:>10.1} {:>6.2} {:>10.1}",
            prog.name,
            us(p),
            us(a),
            us(a) / us(p),
            us(l)
        );
    }
}
