//! Checkpoints with fusion on (issue 10 item 4, SPEC.md §Trace checkpoints): a run
//! of the fused translation takes exactly the checkpoints (index, gas used,
//! function, offset, state digest) and gives exactly the outcome and gas of the
//! translation of one op per wasm instruction (`Config::fusion` off), at every
//! interval down to 1, so at every instruction inside a fused op, on the nine C
//! programs and on bodies made to reach each case of the rebuild
//! (`exec::checkpoint::machine_stack`): operands left in a local by a folded
//! `local.get` or `local.tee`, a `local.set` after a load, a global or a counter
//! step, and a `local.set` after a load that traps. A call suspended out of gas at
//! any gas figure has, in its snapshot, the digest of the checkpoint taken there.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use detwasm::{
    Checkpoint, Config, Engine, Error, Extern, HostCall, HostCallOutcome, Invocation, Module,
    Snapshot, Store, TraceHook, TrapCode, Value,
};

/// Collects checkpoints.
struct Checkpoints(Arc<Mutex<Vec<Checkpoint>>>);

impl TraceHook for Checkpoints {
    fn host_call(&mut self, _: &HostCall<'_>, _: &HostCallOutcome<'_>) {}
    fn checkpoint(&mut self, cp: &Checkpoint) {
        self.0.lock().unwrap().push(cp.clone());
    }
}

fn trap_code(e: Error) -> TrapCode {
    match e {
        Error::Trap(t) => t.code(),
        other => panic!("not a trap: {other}"),
    }
}

fn config(interval: u64, fusion: bool) -> Config {
    Config {
        checkpoint_interval: interval,
        fusion,
        ..Config::default()
    }
}

type Outcome = (Result<Vec<Value>, TrapCode>, u64, Vec<Checkpoint>);

/// Runs `export(args)` of `wasm` under `config`: its outcome, gas used and
/// checkpoints.
fn run(config: Config, wasm: &[u8], export: &str, args: &[Value]) -> Outcome {
    let engine = Engine::new(config);
    let module = Module::new(&engine, wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = store.instantiate(&module, &[]).unwrap();
    let cps = Arc::new(Mutex::new(Vec::new()));
    store.set_trace_hook(Some(Box::new(Checkpoints(Arc::clone(&cps)))));
    store.set_gas_limit(u64::MAX / 2);
    let Some(Extern::Func(f)) = store.instance_export(inst, export) else {
        panic!("no export {export}")
    };
    let result = store.invoke(f, args).map_err(trap_code);
    let gas = store.gas_used();
    let cps = cps.lock().unwrap().clone();
    (result, gas, cps)
}

/// Asserts that the fused and the unfused translation give the same outcome, gas
/// and checkpoints (more than 500 at the first interval) under each interval;
/// returns how many checkpoints interval 1 took.
fn assert_fusion_keeps_checkpoints(
    name: &str,
    wasm: &[u8],
    export: &str,
    args: &[Value],
    intervals: &[u64],
) -> usize {
    let mut at_one = 0;
    for &n in intervals {
        let fused = run(config(n, true), wasm, export, args);
        let plain = run(config(n, false), wasm, export, args);
        assert_eq!(
            (&fused.0, fused.1, fused.2.len()),
            (&plain.0, plain.1, plain.2.len()),
            "{name}, interval {n}: outcome, gas or checkpoint count"
        );
        for (a, b) in fused.2.iter().zip(&plain.2) {
            assert_eq!(a, b, "{name}, interval {n}: checkpoint {}", b.index);
        }
        if n == 1 {
            at_one = fused.2.len();
        }
        if n == intervals[0] && !name.starts_with("body") {
            assert!(fused.2.len() > 500, "{name}: {} checkpoints", fused.2.len());
        }
    }
    at_one
}

fn program(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/programs")
        .join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn fused_programs_take_the_checkpoints_of_the_unfused_translation() {
    // Small arguments and intervals as small as keeps the test short (interval 1
    // checkpoints every instruction; sha256 and lz run half a million instructions
    // and more at their smallest argument).
    let calls: &[(&str, &str, i32, &[u64])] = &[
        ("fib", "fib", 12, &[1, 2, 7, 1000]),
        ("sha256", "sha256_bench", 1, &[5, 31, 1000]),
        ("matmul", "matmul", 6, &[1, 2, 7, 1000]),
        ("nbody", "nbody", 5, &[1, 2, 7, 1000]),
        ("sieve", "sieve", 600, &[1, 2, 7, 1000]),
        ("lz", "lz_bench", 1, &[17, 1000]),
        ("vm", "vm_collatz", 3, &[1, 2, 7, 1000]),
        ("hashtab", "hashtab", 10, &[1, 3, 1000]),
        ("sort", "sort_bench", 40, &[1, 2, 7, 1000]),
    ];
    for (name, export, arg, intervals) in calls {
        let wasm = program(name);
        assert_fusion_keeps_checkpoints(name, &wasm, export, &[Value::I32(*arg)], intervals);
    }
}

/// Bodies that reach each case of the rebuild, with their export and arguments.
const BODIES: &[(&str, &str, &[i32])] = &[
    // A `local.get` folded back over a product: the operand is the local until the
    // add.
    (
        r#"(module (func (export "f") (param i32 i32) (result i32)
            (i32.add (local.get 0) (i32.mul (local.get 1) (i32.const 3)))))"#,
        "f",
        &[5, 7],
    ),
    // A `local.tee`'s copy back folded by the add after it, and by a product two
    // ops later.
    (
        r#"(module (func (export "f") (param i32) (result i32) (local i32 i32)
            (local.set 2 (i32.add (local.tee 1 (i32.mul (local.get 0) (i32.const 3)))
                                  (i32.const 5)))
            (i32.sub (local.tee 1 (i32.add (local.get 2) (local.get 0)))
                     (i32.mul (local.get 2) (i32.const 9)))))"#,
        "f",
        &[11],
    ),
    // `local.set`s after a load, a global, `memory.size`, a copy into a local and a
    // float op; two copies merged into one op.
    (
        r#"(module (memory 1) (global $g (mut i32) (i32.const 40))
          (func (export "f") (param i32) (result i32) (local i32 i32 i32 f64)
            (i32.store (i32.const 8) (i32.const 1234))
            (local.set 1 (i32.load offset=4 (local.get 0)))
            (local.set 2 (global.get $g))
            (local.set 3 (memory.size))
            (local.set 4 (f64.mul (f64.convert_i32_s (local.get 1)) (f64.const 0.5)))
            (local.set 1 (local.get 2))
            (local.set 2 (local.get 3))
            (global.set $g (i32.add (local.get 1) (local.get 2)))
            (i32.add (i32.trunc_f64_s (local.get 4)) (global.get $g))))"#,
        "f",
        &[4],
    ),
    // The same with a load out of bounds: the checkpoint due at its `local.set` is
    // never taken, the load traps.
    (
        r#"(module (memory 1)
          (func (export "f") (param i32) (result i32) (local i32)
            (local.set 1 (i32.load offset=4 (local.get 0)))
            (local.get 1)))"#,
        "f",
        &[65533],
    ),
    // A division by zero with its `local.set`.
    (
        r#"(module (func (export "f") (param i32 i32) (result i32) (local i32)
            (local.set 2 (i32.div_u (local.get 0) (local.get 1)))
            (local.get 2)))"#,
        "f",
        &[7, 0],
    ),
    // Loop counters stepped inside their branch (with `local.set` and with
    // `local.tee`), sums compared with a constant, a multiplicative hash.
    (
        r#"(module (func (export "f") (param i32) (result i32) (local i32 i32 i32)
            (loop $l
              (local.set 2 (i32.add (local.get 2)
                 (i32.shr_u (i32.mul (local.get 1) (i32.const 2654435761)) (i32.const 7))))
              (br_if $l (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1)))
                                  (local.get 0))))
            (loop $m
              (local.set 3 (i32.add (local.get 3) (i32.const 3)))
              (br_if $m (i32.le_u (i32.add (local.get 3) (i32.const 4)) (i32.const 40))))
            (block $b
              (loop $k
                (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
                (br_if $b (i32.eqz (local.get 1)))
                (local.set 2 (i32.xor (local.get 2) (local.get 1)))
                (br $k)))
            (i32.add (local.get 2) (local.get 3))))"#,
        "f",
        &[9],
    ),
];

fn wasm(wat_text: &str) -> Vec<u8> {
    wat::parse_str(wat_text).unwrap()
}

#[test]
fn fused_bodies_take_the_checkpoints_of_the_unfused_translation() {
    for (i, (text, export, args)) in BODIES.iter().enumerate() {
        let args: Vec<Value> = args.iter().map(|a| Value::I32(*a)).collect();
        let n = assert_fusion_keeps_checkpoints(
            &format!("body {i}"),
            &wasm(text),
            export,
            &args,
            &[1, 2, 3, 5],
        );
        // (Body 3 traps at its second instruction: one checkpoint, at the load.)
        assert!(n >= 1, "body {i}: {n} checkpoints");
    }
}

#[test]
fn a_suspension_at_any_gas_figure_has_its_checkpoints_digest() {
    // Interval 1: every instruction of nonzero cost after the first gets a
    // checkpoint, with `gas_used` the gas before it. A resumable call given one
    // gas at a time stops before each instruction in turn; its snapshot (and the
    // snapshot restored from bytes) must have the digest of the checkpoint there, and
    // the run so sliced takes the same checkpoints.
    let mut cases: Vec<(String, Vec<u8>, &str, Vec<Value>)> = BODIES
        .iter()
        .enumerate()
        .map(|(i, (text, export, args))| {
            let args = args.iter().map(|a| Value::I32(*a)).collect();
            (format!("body {i}"), wasm(text), *export, args)
        })
        .collect();
    cases.push((
        "sort".into(),
        program("sort"),
        "sort_bench",
        vec![Value::I32(6)],
    ));
    for (name, wasm, export, args) in &cases {
        let (outcome, _, cps) = run(config(1, true), wasm, export, args);
        let engine = Engine::new(config(1, true));
        let module = Module::new(&engine, wasm).unwrap();
        let mut store = Store::new(&engine, ());
        let inst = store.instantiate(&module, &[]).unwrap();
        let sliced = Arc::new(Mutex::new(Vec::new()));
        store.set_trace_hook(Some(Box::new(Checkpoints(Arc::clone(&sliced)))));
        store.set_gas_limit(0);
        let Some(Extern::Func(f)) = store.instance_export(inst, export) else {
            panic!("no export {export}")
        };
        let mut inv = store.invoke_resumable(f, args);
        let mut compared = 0;
        loop {
            match inv {
                Ok(Invocation::Finished(r)) => {
                    assert_eq!(Ok(r), outcome, "{name}");
                    break;
                }
                Err(e) => {
                    assert_eq!(Err(trap_code(e)), outcome, "{name}");
                    break;
                }
                Ok(Invocation::OutOfGas(call)) => {
                    let used = store.gas_used();
                    let snap = store.snapshot(inst).unwrap();
                    if let Some(cp) = cps.iter().find(|c| c.gas_used == used) {
                        assert_eq!(store.trap_offset(call.trap()), Some(cp.offset), "{name}");
                        assert_eq!(snap.state_digest(), cp.state_digest, "{name} at {used}");
                        let bytes = snap.to_bytes().unwrap();
                        let mut other = Store::new(&engine, ());
                        let oinst = other
                            .restore(&module, &[], &Snapshot::from_bytes(&bytes).unwrap())
                            .unwrap();
                        let again = other.snapshot(oinst).unwrap();
                        assert_eq!(again.state_digest(), cp.state_digest, "{name} at {used}");
                        compared += 1;
                    }
                    inv = call.resume(&mut store, 1);
                }
            }
        }
        // The run in one-gas slices takes the checkpoints of the run in one go.
        assert!(
            *sliced.lock().unwrap() == cps,
            "{name}: sliced checkpoints differ"
        );
        assert!(
            compared + 2 >= cps.len(),
            "{name}: {compared} of {} checkpoints compared",
            cps.len()
        );
    }
}
