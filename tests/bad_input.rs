//! Untrusted bytes never panic the library: random byte strings and mutations of valid
//! modules go through `Module::new`, and whatever is accepted is instantiated and its
//! exported functions invoked under a small gas limit. Every outcome must be `Ok` or a
//! typed error.

// Test helpers fail loudly on broken fixtures.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use detwasm::{Config, Engine, Extern, Module, Store, Value};
use proptest::prelude::*;

fn seeds() -> Vec<Vec<u8>> {
    let wats = [
        r#"(module (memory 1) (func (export "f") (param i32) (result i32)
            (i32.load (local.get 0)) (i32.const 1) i32.add))"#,
        r#"(module (table 2 funcref) (elem (i32.const 0) $g) (type $t (func (result i32)))
            (func $g (result i32) i32.const 7)
            (func (export "f") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))"#,
        r#"(module (tag $e (param i32))
            (func (export "f") (param i32) (result i32)
              (block $h (result i32) (try_table (catch $e $h) (throw $e (local.get 0))) (i32.const 0))))"#,
        r#"(module (func $r (export "f") (param i32) (result i32)
            (if (result i32) (local.get 0)
              (then (return_call $r (i32.sub (local.get 0) (i32.const 1))))
              (else (i32.const 3)))))"#,
        r#"(module (memory 1) (data "hello") (global $g (mut i64) (i64.const 5))
            (func (export "f") (param i32) (result i32)
              (memory.fill (i32.const 0) (local.get 0) (i32.const 100))
              (global.set $g (i64.extend_i32_u (local.get 0)))
              (f32.const 1.5) (f32.sqrt) drop
              (loop $l (br_if $l (i32.eqz (i32.const 1))))
              (memory.grow (i32.const 1))))"#,
    ];
    let mut out: Vec<Vec<u8>> = wats
        .iter()
        .map(|w| wat::parse_str(w).expect("seed wat"))
        .collect();
    for p in ["benches/programs/fib.wasm", "benches/programs/sha256.wasm"] {
        if let Ok(b) = std::fs::read(p) {
            out.push(b);
        }
    }
    out
}

/// Loads `bytes` and, if accepted, runs every exported function with zero arguments
/// of the right types under 100 000 gas. Panics only if the library panics.
fn exercise(bytes: &[u8]) {
    let config = Config {
        gas_limit: 100_000,
        ..Config::default()
    };
    let engine = Engine::new(config);
    let Ok(module) = Module::new(&engine, bytes) else {
        return;
    };
    if !module.imports().is_empty() {
        return;
    }
    let mut store = Store::new(&engine, ());
    let Ok(inst) = store.instantiate(&module, &[]) else {
        return;
    };
    for export in module.exports() {
        if let Some(Extern::Func(f)) = store.instance_export(inst, &export.name) {
            let Some(ty) = store.func_type(f.addr()) else {
                continue;
            };
            let args: Vec<Value> = ty.params().iter().map(|t| t.default_value()).collect();
            let _ = store.invoke(f, &args);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        exercise(&bytes);
        let mut with_header = b"\0asm\x01\0\0\0".to_vec();
        with_header.extend_from_slice(&bytes);
        exercise(&with_header);
    }

    #[test]
    fn mutated_modules_never_panic(
        seed in 0usize..7,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let seeds = seeds();
        let mut bytes = seeds[seed % seeds.len()].clone();
        for (pos, byte, kind) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = pos % bytes.len();
            match kind {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => {
                    bytes.remove(i);
                }
            }
        }
        exercise(&bytes);
    }
}

#[test]
fn seeds_are_valid_and_run() {
    let engine = Engine::default();
    for s in seeds() {
        Module::new(&engine, &s).expect("seed module is valid");
        exercise(&s);
    }
}
