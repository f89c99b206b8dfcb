//! The two dispatch backends (ARCHITECTURE.md "Dispatch"): the threaded one (built in
//! optimised builds, `cargo test --release`) and the `loop { match }` one
//! (`Config::dispatch = Dispatch::Loop`, and every unoptimised build) give the same
//! results, gas, traps and trap offsets, at every out-of-gas point; and a long guest
//! run keeps the native stack flat, which in the threaded build holds only if every
//! handler's call of the next one was compiled to a jump (a handler that really calls
//! would overflow the small stack below within a few thousand ops).
//! The conformance suite (conformance/main.rs) and the vectors (tests/vectors.rs) also
//! run in both modes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detwasm::{Config, Dispatch, Engine, Error, Module, Store, Value};

/// Native stack of the thread that runs the long loop, in bytes: enough for the
/// driver and a host call, far too little for one native frame per executed op.
const SMALL_STACK_BYTES: usize = 256 << 10;

/// A loop that runs every kind of op the threaded backend has: arithmetic, compares
/// and compare-and-branch, loads and stores, globals, select, `br_table`, direct and
/// indirect calls, returns, and ops it leaves to the loop backend (`memory.grow`,
/// `table.get`, a host call).
const LONG_LOOP: &str = r#"
(module
  (import "env" "bump" (func $bump (param i32) (result i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $sq $inc)
  (type $t (func (param i32) (result i32)))
  (func $sq (type $t) (i32.mul (local.get 0) (local.get 0)))
  (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
  (func $leaf (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.sub (local.get 0) (i32.const 1)))))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $top
      (local.set $acc (i32.add (local.get $acc) (call $leaf (local.get $i))))
      (i32.store (i32.and (local.get $i) (i32.const 1020)) (local.get $acc))
      (local.set $acc (i32.xor (local.get $acc)
        (i32.load (i32.and (local.get $i) (i32.const 1020)))))
      (global.set $g (i32.add (global.get $g) (i32.const 3)))
      (local.set $acc (select (local.get $acc) (global.get $g) (i32.and (local.get $i) (i32.const 1))))
      (block $b1 (block $b0
        (br_table $b0 $b1 (i32.and (local.get $i) (i32.const 1))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 7))))
      (local.set $acc (i32.add (local.get $acc)
        (call_indirect (type $t) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 4095)))
        (then
          (drop (memory.grow (i32.const 0)))
          (drop (table.get (i32.const 0)))
          (local.set $acc (call $bump (local.get $acc)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $top (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc)))
"#;

fn config(dispatch: Dispatch) -> Config {
    Config {
        dispatch,
        ..Config::default()
    }
}

/// The outcome of one call: results or trap (code and wasm offset), and gas used.
#[derive(Debug, PartialEq)]
struct Outcome {
    result: Result<Vec<Value>, String>,
    gas_used: u64,
}

/// Instantiates `bytes` (host import `env.bump` adds 1, base gas 3) and calls `export`
/// with `args` under `gas_limit`.
fn call(bytes: &[u8], dispatch: Dispatch, gas_limit: u64, export: &str, args: &[Value]) -> Outcome {
    let engine = Engine::new(Config {
        gas_limit,
        ..config(dispatch)
    });
    let module = Module::new(&engine, bytes).unwrap();
    let mut linker = detwasm::Linker::<()>::new();
    linker
        .func_wrap("env", "bump", 3, |_c: detwasm::Caller<'_, ()>, x: i32| {
            Ok(x.wrapping_add(1))
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let result = match linker.instantiate(&mut store, &module) {
        Ok(inst) => {
            let f = match store.instance_export(inst, export) {
                Some(detwasm::Extern::Func(f)) => f,
                other => panic!("export {export}: {other:?}"),
            };
            store.invoke(f, args).map_err(|e| match e {
                Error::Trap(t) => format!("{} at {:?}", t.code().message(), store.trap_offset(&t)),
                other => format!("{other}"),
            })
        }
        Err(Error::Trap(t)) => Err(format!("instantiation: {}", t.code().message())),
        Err(e) => panic!("instantiate: {e}"),
    };
    Outcome {
        result,
        gas_used: store.gas_used(),
    }
}

#[test]
fn a_long_run_keeps_the_native_stack_flat() {
    let bytes = wat::parse_str(LONG_LOOP).unwrap();
    let outcome = std::thread::Builder::new()
        .stack_size(SMALL_STACK_BYTES)
        .spawn(move || {
            call(
                &bytes,
                Dispatch::Auto,
                u64::MAX,
                "run",
                &[Value::I32(300_000)],
            )
        })
        .unwrap()
        .join()
        .expect("the run overflowed its native stack or panicked");
    let looped = call(
        &wat::parse_str(LONG_LOOP).unwrap(),
        Dispatch::Loop,
        u64::MAX,
        "run",
        &[Value::I32(300_000)],
    );
    assert!(outcome.result.is_ok(), "{outcome:?}");
    assert_eq!(outcome, looped);
}

/// Calls `export(args)` in both modes with the full gas limit and at `samples` limits
/// spread below the gas it needs, asserting equal outcomes.
fn agree(origin: &str, bytes: &[u8], export: &str, args: &[Value], samples: u64) {
    let full = call(bytes, Dispatch::Auto, 10_000_000_000, export, args);
    assert_eq!(
        full,
        call(bytes, Dispatch::Loop, 10_000_000_000, export, args),
        "{origin}: {export}{args:?}"
    );
    let need = full.gas_used;
    let mut limits: Vec<u64> = (0..samples).map(|k| need * k / samples).collect();
    limits.extend((0..40).map(|k| need.saturating_sub(k)));
    limits.extend(1..40);
    for limit in limits {
        let a = call(bytes, Dispatch::Auto, limit, export, args);
        let b = call(bytes, Dispatch::Loop, limit, export, args);
        assert_eq!(a, b, "{origin}: {export}{args:?} with gas limit {limit}");
    }
}

#[test]
fn both_modes_agree_on_the_benchmark_programs_at_every_sampled_out_of_gas_point() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/programs");
    let i = Value::I32;
    let cases: &[(&str, &str, Vec<Value>)] = &[
        ("fib", "fib", vec![i(12)]),
        ("sha256", "sha256_bench", vec![i(1)]),
        ("matmul", "matmul", vec![i(5)]),
        ("nbody", "nbody", vec![i(3)]),
        ("sieve", "sieve", vec![i(300)]),
        ("lz", "lz_bench", vec![i(0)]),
        ("vm", "vm_collatz", vec![i(5)]),
        ("hashtab", "hashtab", vec![i(1)]),
        ("sort", "sort_bench", vec![i(50)]),
    ];
    for (name, export, args) in cases {
        let bytes = std::fs::read(dir.join(format!("{name}.wasm"))).unwrap();
        agree(name, &bytes, export, args, 60);
    }
}

#[test]
fn both_modes_agree_on_traps_and_out_of_gas_in_every_handled_shape() {
    let bytes = wat::parse_str(LONG_LOOP).unwrap();
    agree("long loop", &bytes, "run", &[Value::I32(5000)], 400);
    // Traps inside handlers: division, memory bounds, call depth, indirect calls.
    let traps = wat::parse_str(
        r#"(module
          (memory 1)
          (table 2 funcref)
          (elem (i32.const 0) $f)
          (type $t (func (param i32) (result i32)))
          (func $f (type $t) (local.get 0))
          (func $deep (param i32) (result i32)
            (if (result i32) (local.get 0)
              (then (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))
              (else (i32.const 0))))
          (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 7) (local.get 0)))
          (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
          (func (export "store") (param i32) (i32.store16 (local.get 0) (i32.const 1)))
          (func (export "deep") (param i32) (result i32) (call $deep (local.get 0)))
          (func (export "ind") (param i32) (result i32)
            (call_indirect (type $t) (i32.const 5) (local.get 0)))
          (func (export "conv") (param f64) (result i32) (i32.trunc_f64_s (local.get 0))))"#,
    )
    .unwrap();
    let cases: Vec<(&str, Vec<Value>)> = vec![
        ("div", vec![Value::I32(0)]),
        ("div", vec![Value::I32(2)]),
        ("load", vec![Value::I32(65532)]),
        ("load", vec![Value::I32(65528)]),
        ("store", vec![Value::I32(65535)]),
        ("deep", vec![Value::I32(100)]),
        ("deep", vec![Value::I32(20_000)]),
        ("ind", vec![Value::I32(0)]),
        ("ind", vec![Value::I32(1)]),
        ("ind", vec![Value::I32(7)]),
        ("conv", vec![Value::F64(f64::NAN.to_bits())]),
        ("conv", vec![Value::F64(3.5f64.to_bits())]),
    ];
    for (export, args) in &cases {
        agree("traps", &traps, export, args, 30);
    }
}

/// Host calls, which the threaded backend makes from inside its chain: a host trap, a
/// dynamic charge that runs out of gas, a host function reached through
/// `call_indirect`, results of the wrong type, at every sampled out-of-gas point; and
/// a host function's panic, which must reach the embedder in both modes (a panic
/// cannot unwind through the threaded handlers, so it is caught and resumed after the
/// chain) and leave the store usable.
#[test]
fn both_modes_agree_on_host_calls_and_let_a_host_panic_through() {
    const HOSTS: &str = r#"(module
      (import "env" "h" (func $h (param i32) (result i32)))
      (table 1 funcref)
      (elem (i32.const 0) $h)
      (type $t (func (param i32) (result i32)))
      (func (export "direct") (param $x i32) (result i32) (local $i i32) (local $acc i32)
        (loop $l
          (local.set $acc (i32.add (local.get $acc) (call $h (local.get $x))))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                              (i32.const 3))))
        (local.get $acc))
      (func (export "indirect") (param i32) (result i32)
        (call_indirect (type $t) (local.get 0) (i32.const 0))))"#;
    let bytes = wat::parse_str(HOSTS).unwrap();
    // `h(x)`: charges x gas, then x = 7 traps, x = 8 returns an i64, x = 9 panics,
    // anything else returns x * 2.
    let run = |dispatch: Dispatch, gas_limit: u64, export: &str, arg: i32| {
        let engine = Engine::new(Config {
            gas_limit,
            ..config(dispatch)
        });
        let module = Module::new(&engine, &bytes).unwrap();
        let mut linker = detwasm::Linker::<()>::new();
        let ty = detwasm::FuncType::new(vec![detwasm::ValType::I32], vec![detwasm::ValType::I32]);
        linker
            .func_new("env", "h", ty, 2, |mut c, args, results| {
                let Value::I32(x) = args[0] else {
                    return Err(detwasm::Trap::new(detwasm::TrapCode::HostError));
                };
                c.charge_gas(u64::from(x.unsigned_abs()))?;
                match x {
                    7 => Err(detwasm::Trap::new(detwasm::TrapCode::HostError)),
                    8 => {
                        results[0] = Value::I64(1);
                        Ok(())
                    }
                    9 => panic!("host panic at 9"),
                    _ => {
                        results[0] = Value::I32(x * 2);
                        Ok(())
                    }
                }
            })
            .unwrap();
        let mut store = Store::new(&engine, ());
        let inst = linker.instantiate(&mut store, &module).unwrap();
        let f = |name: &str| match store.instance_export(inst, name) {
            Some(detwasm::Extern::Func(f)) => f,
            other => panic!("export {name}: {other:?}"),
        };
        let (func, after) = (f(export), f("indirect"));
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            store.invoke(func, &[Value::I32(arg)])
        }));
        let outcome = match r {
            Ok(r) => r.map_err(|e| match e {
                Error::Trap(t) => format!("{} at {:?}", t.code().message(), store.trap_offset(&t)),
                other => format!("{other}"),
            }),
            Err(payload) => Err(format!(
                "panic: {}",
                payload.downcast_ref::<&str>().copied().unwrap_or("?")
            )),
        };
        // The store still runs code after whatever happened.
        store.set_gas_limit(u64::MAX);
        let later = store.invoke(after, &[Value::I32(3)]);
        (outcome, store.gas_used(), later)
    };
    for (export, arg) in [
        ("direct", 7),
        ("direct", 8),
        ("direct", 9),
        ("direct", 10),
        ("indirect", 5),
        ("indirect", 7),
        ("indirect", 8),
        ("indirect", 9),
    ] {
        let full = run(Dispatch::Loop, u64::MAX / 4, export, arg);
        assert_eq!(
            full.2,
            Ok(vec![Value::I32(6)]),
            "{export}({arg}) then a call"
        );
        match (export, arg) {
            ("direct", 10) => assert_eq!(full.0, Ok(vec![Value::I32(60)])),
            ("indirect", 5) => assert_eq!(full.0, Ok(vec![Value::I32(10)])),
            (_, 9) => assert_eq!(full.0, Err("panic: host panic at 9".to_string())),
            _ => assert!(full.0.is_err(), "{export}({arg}): {:?}", full.0),
        }
        let needed = full.1;
        for limit in (0..=needed).step_by(usize::try_from(needed / 40).unwrap_or(1).max(1)) {
            let (a, b) = (
                run(Dispatch::Loop, limit, export, arg),
                run(Dispatch::Auto, limit, export, arg),
            );
            assert_eq!(a, b, "{export}({arg}) with gas limit {limit}");
        }
        assert_eq!(run(Dispatch::Auto, u64::MAX / 4, export, arg), full);
        // More gas than the threaded chain holds at once (2^62): the rest waits
        // outside it, and the host function sees and charges the whole.
        assert_eq!(
            run(Dispatch::Auto, u64::MAX, export, arg),
            run(Dispatch::Loop, u64::MAX, export, arg),
            "{export}({arg}) with gas limit 2^64 - 1"
        );
    }
}
